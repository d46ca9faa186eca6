package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.engineio.client.transports.Polling;
import io.socket.engineio.client.transports.WebSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hooks for tools that watch a server (the Admin UI): {@link ConnectionListener} (opened, upgraded, packets in
 * and out, closed, with the Engine.IO id), {@link SocketIoServer#namespaces()} and
 * {@link SocketIoServer#onNewNamespace}, driven by the official Java client.
 */
class ServerHooksTest {
    private SocketIoServer server;
    private final List<io.socket.client.Socket> clients = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        for (io.socket.client.Socket c : clients) {
            c.io().reconnection(false);
            c.disconnect();
        }
        if (server != null) {
            server.close();
        }
    }

    private static SocketIoServer start() {
        SocketIoServer io = SocketIoServer.create(ServerOptions.builder().build());
        return io.start(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(),
                dev.duplex.testkit.FreePort.find()));
    }

    private io.socket.client.Socket connect(String nsp) {
        IO.Options options = IO.Options.builder().setTransports(new String[] {Polling.NAME, WebSocket.NAME})
                .setReconnection(false).setForceNew(true).build();
        io.socket.client.Socket c = IO.socket(URI.create("http://127.0.0.1:" + server.port() + nsp), options);
        clients.add(c);
        c.connect();
        return c;
    }

    @Test
    void connectionListenerSeesOpenUpgradePacketsAndClose() {
        List<String> events = new CopyOnWriteArrayList<>();
        server = start();
        server.addConnectionListener(new ConnectionListener() {
            @Override
            public void onOpen(String engineId, String transport) {
                events.add("open " + engineId + " " + transport);
            }

            @Override
            public void onUpgrade(String engineId, String transport) {
                events.add("upgrade " + engineId + " " + transport);
            }

            @Override
            public void onPacketIn(String engineId, int bytes) {
                events.add("in " + engineId + " " + bytes);
            }

            @Override
            public void onPacketOut(String engineId, int bytes) {
                events.add("out " + engineId + " " + bytes);
            }

            @Override
            public void onClose(String engineId, String reason) {
                events.add("close " + engineId + " " + reason);
            }
        });
        List<String> engineIds = new CopyOnWriteArrayList<>();
        server.onConnection(s -> {
            engineIds.add(s.engineId());
            s.on("echo", args -> args.get(0).asText());
        });
        io.socket.client.Socket c = connect("/");
        await().atMost(Duration.ofSeconds(10)).until(() -> !engineIds.isEmpty());
        String id = engineIds.get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("upgrade " + id + " websocket"));
        List<Object> acks = new CopyOnWriteArrayList<>();
        c.emit("echo", new Object[] {"abc"}, (Ack) args -> acks.add(args[0]));
        await().atMost(Duration.ofSeconds(10)).until(() -> acks.size() == 1);
        c.disconnect();
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(e -> e.startsWith("close " + id)));

        assertThat(events.get(0)).isEqualTo("open " + id + " polling");
        // 42["echo","abc"] with its ack id, and the "4" of its Engine.IO message: 1 + 15 bytes at least
        assertThat(events).anyMatch(e -> e.matches("in " + Pattern.quote(id) + " \\d+")
                && Integer.parseInt(e.substring(e.lastIndexOf(' ') + 1)) >= 16);
        assertThat(events).anyMatch(e -> e.startsWith("out " + id + " "));
        assertThat(events).contains("close " + id + " transport close");
    }

    @Test
    void namespacesAndNewNamespaceListener() {
        server = start();
        List<String> created = new CopyOnWriteArrayList<>();
        server.onNewNamespace(n -> created.add(n.name()));
        server.of("/chat");
        server.of("/chat");
        server.of(Pattern.compile("/room-\\d+")).onConnection(s -> { });
        assertThat(created).containsExactly("/chat");
        assertThat(server.namespaces()).extracting(Namespace::name).containsExactlyInAnyOrder("/", "/chat");

        List<Boolean> connected = new CopyOnWriteArrayList<>();
        connect("/room-7").on(io.socket.client.Socket.EVENT_CONNECT, args -> connected.add(true));
        await().atMost(Duration.ofSeconds(10)).until(() -> !connected.isEmpty());
        assertThat(created).containsExactly("/chat", "/room-7");
        assertThat(server.namespaces()).extracting(Namespace::name).contains("/room-7");
    }
}
