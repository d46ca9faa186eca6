package dev.duplex.bench.servers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Duplex contender: {@code echo} acks its payload, {@code join} joins a room and acks, {@code bcast(room,
 * payload)} emits {@code bcast(payload)} to the room except the sender. Default options except one I/O thread
 * (like every JVM contender); {@code --handlers-on-event-loop} runs the handlers on the event loop instead of the
 * server's handler lanes. Loopback only.
 */
public final class DuplexBenchServer {
    private DuplexBenchServer() {
    }

    public static void main(String[] args) {
        int port = ServerControl.port(args);
        boolean onEventLoop = List.of(args).contains("--handlers-on-event-loop");
        ServerOptions options = ServerOptions.builder().ioThreads(1).handlersOnEventLoop(onEventLoop).build();
        SocketIoServer server = SocketIoServer.create(options);
        AtomicLong bcastEvents = new AtomicLong();
        AtomicLong bcastSenderNotInRoom = new AtomicLong();
        server.onConnection(socket -> {
            socket.on("echo", (List<JsonNode> a, dev.duplex.server.Ack ack) -> {
                if (ack != null) {
                    ack.send(a.isEmpty() ? null : a.get(0));
                }
            });
            socket.on("join", (List<JsonNode> a, dev.duplex.server.Ack ack) -> {
                socket.join(a.get(0).asText());
                if (ack != null) {
                    ack.send();
                }
            });
            socket.on("bcast", (List<JsonNode> a, dev.duplex.server.Ack ack) -> {
                bcastEvents.incrementAndGet();
                String room = a.get(0).asText();
                if (!socket.rooms().contains(room)) {
                    bcastSenderNotInRoom.incrementAndGet();
                }
                socket.to(room).emit("bcast", a.get(1));
            });
        });
        server.start(new InetSocketAddress("127.0.0.1", port));
        ServerControl.readyAndServe(port, server::close, () -> "bcast events received " + bcastEvents.get()
                + ", of which from a sender not in the room " + bcastSenderNotInRoom.get() + ", sockets "
                + server.clientsCount());
    }
}
