package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code socket.conn()} (socket.io's {@code socket.conn}) under the official socket.io-client 4.8.4 with its default
 * transports: polling first, the {@code upgrade} event with "websocket", one connection shared by the namespaces,
 * and its {@code close} after the sockets' disconnect handlers.
 */
class ConnInteropTest {
    private SocketIoServer io;
    private NodeDriver node;

    @AfterEach
    void tearDown() {
        if (node != null) {
            node.close();
        }
        if (io != null) {
            io.close();
        }
    }

    @Test
    void transportUpgradeAndCloseAsSocketIoReportsThem() {
        List<String> events = new CopyOnWriteArrayList<>();
        Map<String, Connection> conns = new ConcurrentHashMap<>();
        io = TestServers.start(ServerOptions.builder().build());
        io.onConnection(s -> {
            Connection c = s.conn();
            conns.put("/", c);
            events.add("connection " + c.transport() + " " + c.id().equals(s.engineId()));
            c.onUpgrade(t -> events.add("upgrade " + t + " " + c.transport()));
            c.onClose(reason -> events.add("close " + reason + " open=" + c.isOpen()));
            s.onDisconnect(reason -> events.add("disconnect /"));
            s.on("transport", (args, ack) -> ack.send(s.conn().transport()));
        });
        io.of("/other").onConnection(s -> conns.put("/other", s.conn()));

        node = new NodeDriver(io.port());
        node.send("connect", "name", "c", "nsp", "/", "transports", List.of("polling", "websocket"));
        node.expect("connect", "c");
        node.send("connect", "name", "c2", "sameAs", "c", "nsp", "/other");
        node.expect("connect", "c2");
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(e -> e.startsWith("upgrade")));
        assertThat(events).startsWith("connection polling true", "upgrade websocket websocket");
        assertThat(conns.get("/")).isSameAs(conns.get("/other"));
        assertThat(conns.get("/").request().query("EIO")).isEqualTo("4");

        io.disconnectSockets(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(e -> e.startsWith("close")));
        assertThat(events).hasSize(4);
        assertThat(events.get(2)).isEqualTo("disconnect /");
        assertThat(events.get(3)).startsWith("close ").endsWith(" open=false");
    }
}
