package dev.duplex.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.duplex.server.ConnectionRefusedException;
import dev.duplex.server.Namespace;
import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The Duplex server ({@link SocketIoServer}) with the same handlers as src/test/node/client/server.js. */
final class DuplexServer implements ServerUnderTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private SocketIoServer server;
    private final boolean recovery;

    DuplexServer() {
        this(false);
    }

    /** With {@code recovery}: connection state recovery, and the "join" and "relay" handlers of server.js. */
    DuplexServer(boolean recovery) {
        this.recovery = recovery;
    }

    @Override
    public void start(int port) {
        stop();
        SocketIoServer s = SocketIoServer.create(ServerOptions.builder().connectionStateRecovery(
                recovery ? dev.duplex.server.ConnectionStateRecovery.defaults() : null).build());
        setup(s.of("/"));
        setup(s.of("/chat"));
        try {
            s.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        server = s;
    }

    private void setup(Namespace nsp) {
        String name = nsp.name();
        nsp.use((socket, next) -> {
            JsonNode auth = socket.handshake().auth();
            if (auth != null && "bad".equals(auth.path("token").asText())) {
                next.accept(new ConnectionRefusedException("not authorized", Map.of("reason", "bad token")));
            } else {
                next.accept(null);
            }
        });
        nsp.onConnection(socket -> {
            JsonNode auth = socket.handshake().auth();
            lines.add("connection " + name + " " + (auth == null ? "{}" : render(auth)));
            String h = socket.handshake().header("x-test");
            lines.add("handshake " + name + " " + socket.handshake().query().getOrDefault("q", "-") + " "
                    + (h == null ? "-" : h));
            socket.onAny((event, args) -> lines.add("event " + name + " " + event + " " + render(args)));
            socket.on("echo", (args, ack) -> {
                if (ack != null) {
                    ack.send(args.toArray());
                }
            });
            socket.on("message", (args, ack) -> socket.emit("message-back", args.toArray()));
            socket.on("ask", (args, ack) -> socket.emitWithAck("question", args.toArray())
                    .thenAccept(answer -> lines.add("answer " + name + " " + render(answer))));
            socket.on("kick", (args, ack) -> socket.disconnect());
            if (recovery) {
                lines.add("recovered " + name + " " + socket.recovered() + " " + socket.id());
                socket.on("join", args -> {
                    socket.join(args.get(0).asText());
                    return "joined";
                });
                socket.on("relay", args -> {
                    Object[] rest = args.subList(2, args.size()).toArray();
                    if (args.get(0).isNull()) {
                        nsp.emit(args.get(1).asText(), rest);
                    } else {
                        nsp.to(args.get(0).asText()).emit(args.get(1).asText(), rest);
                    }
                    return "sent";
                });
            }
            socket.onDisconnect(reason -> lines.add("disconnect " + name + " " + reason));
        });
    }

    /** JSON like the Node script's: binary as {"$bin":"<hex>"}. */
    static String render(Object value) {
        JsonNode n = value instanceof JsonNode ? ((JsonNode) value).deepCopy() : MAPPER.valueToTree(value);
        return replaceBinary(n).toString();
    }

    private static JsonNode replaceBinary(JsonNode n) {
        if (n.isBinary()) {
            ObjectNode o = MAPPER.createObjectNode();
            try {
                o.put("$bin", HexFormat.of().formatHex(n.binaryValue()));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = (ArrayNode) n;
            for (int i = 0; i < a.size(); i++) {
                a.set(i, replaceBinary(a.get(i)));
            }
        } else if (n.isObject()) {
            ObjectNode o = (ObjectNode) n;
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                e.setValue(replaceBinary(e.getValue()));
            }
        }
        return n;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public String awaitPrefix(String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
                if (line == null) {
                    throw new AssertionError("no line starting with '" + prefix + "' from the Duplex server within "
                            + timeout);
                }
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public boolean ownsThread(String name) {
        return name.startsWith("duplex-io-") || name.startsWith("duplex-handler-") || name.startsWith("duplex-timer-")
                || name.startsWith("duplex-watchdog-");
    }

    @Override
    public void close() {
        stop();
    }
}
