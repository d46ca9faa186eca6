package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * engine.io's options and the connection seen through socket.io, under the official socket.io-client 4.8.4:
 * {@code addTrailingSlash} (a client that requests {@code /socket.io?...} reaches a server with
 * {@code addTrailingSlash(false)}, and not one with the default), {@code generateId} (the client's
 * {@code socket.io.engine.id} is the generated id on both transports; the Socket.IO id stays random) and
 * {@code socket.conn()} (polling first, its {@code upgrade} event with "websocket", one connection shared by the
 * namespaces, its {@code close} after the sockets' disconnect handlers).
 */
class EngineOptionsInteropTest extends NodeInteropBase {
    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket"})
    void aClientWithoutTheSlashConnectsOnlyWhenTheServerDoesNotAddIt(String transport) {
        io = TestServers.start(ServerOptions.builder().addTrailingSlash(false).build());
        io.onConnection(s -> s.on("echo", (args, ack) -> ack.send(args)));
        node = new NodeDriver(io.port());
        node.send("connect", "name", "bare", "nsp", "/", "transports", List.of(transport),
                "addTrailingSlash", false);
        assertThat(node.expect("connect", "bare").path("transport").asText()).isEqualTo(transport);
        // the default client (with the slash) still matches the shorter prefix
        node.send("connect", "name", "slash", "nsp", "/", "transports", List.of(transport));
        node.expect("connect", "slash");
        node.close();
        node = null;
        io.close();

        io = TestServers.start(ServerOptions.builder().build());
        node = new NodeDriver(io.port());
        node.send("connect", "name", "bare", "nsp", "/", "transports", List.of(transport),
                "addTrailingSlash", false);
        node.expect("connect_error", "bare");
        assertThat(io.clientsCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket"})
    void theClientSeesTheGeneratedEngineId(String transport) {
        AtomicInteger n = new AtomicInteger();
        Map<String, String> engineIds = new ConcurrentHashMap<>();
        io = TestServers.start(ServerOptions.builder()
                .generateId(req -> "node-1." + req.query("transport") + "." + n.incrementAndGet()).build());
        io.onConnection(s -> engineIds.put(s.id(), s.engineId()));
        node = new NodeDriver(io.port());
        node.send("connect", "name", "c", "nsp", "/", "transports",
                transport.equals("polling") ? List.of("polling", "websocket") : List.of("websocket"));
        JsonNode connect = node.expect("connect", "c");
        String expected = "node-1." + transport + ".1";
        assertThat(connect.path("engineId").asText()).isEqualTo(expected);
        String socketId = connect.path("id").asText();
        assertThat(engineIds).containsEntry(socketId, expected);
        assertThat(socketId).isNotEqualTo(expected);
        assertThat(n.get()).isEqualTo(1);
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
