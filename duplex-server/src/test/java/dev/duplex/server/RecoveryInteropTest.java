package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.adapter.InMemoryAdapter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connection state recovery with the official socket.io-client 4.8.4: the client's transport is closed under it
 * ({@code socket.io.engine.close()}), the server emits while it is away, the client comes back
 * ({@code socket.connect()} sends its pid and last offset, as its automatic reconnection does).
 */
class RecoveryInteropTest extends NodeInteropBase {
    private final AtomicInteger middlewareRuns = new AtomicInteger();
    private final List<Boolean> middlewareSawRecovered = new CopyOnWriteArrayList<>();
    private final List<Boolean> connections = new CopyOnWriteArrayList<>();
    private final Map<String, String> disconnectReasons = new ConcurrentHashMap<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();

    private void start(ConnectionStateRecovery recovery) {
        io = TestServers.start(ServerOptions.builder().connectionStateRecovery(recovery).build());
        io.use((socket, next) -> {
            middlewareRuns.incrementAndGet();
            middlewareSawRecovered.add(socket.recovered());
            next.accept(null);
        });
        io.onConnection(s -> {
            connections.add(s.recovered());
            s.onError(errors::add);
            if (!s.recovered()) {
                s.join(List.of("r1", "r2"));
                s.data().put("user", s.handshake().auth().path("user").asText("none"));
            }
            s.onDisconnect(r -> disconnectReasons.put(s.id(), r));
            s.on("state", args -> Map.of("id", s.id(), "rooms", s.rooms(), "data", s.data(),
                    "recovered", s.recovered()));
            s.on("shout", args -> {
                s.broadcast().emit("m", args.get(0));
                return "done";
            });
        });
    }

    private JsonNode connect(String name, String mode, String user) {
        node.send("connect", "name", name, "nsp", "/", "transports", SocketIoInteropTest.transports(mode),
                "upgrade", false, "auth", Map.of("user", user));
        return node.expect("connect", name);
    }

    /** Closes the client's transport and waits until the server has seen the socket go. */
    private void cut(String name, String id) {
        node.send("closeEngine", "name", name);
        await().atMost(Duration.ofSeconds(10)).until(() -> disconnectReasons.containsKey(id));
        assertThat(disconnectReasons.get(id)).isEqualTo("transport close");
        assertThat(io.sockets().sockets()).doesNotContainKey(id);
    }

    private List<JsonNode> connects(String name) {
        return node.find(n -> n.path("type").asText().equals("connect") && n.path("name").asText().equals(name));
    }

    private JsonNode reconnect(String name, String... offset) {
        int before = connects(name).size();
        if (offset.length > 0) {
            node.send("reconnect", "name", name, "offset", offset[0]);
        } else {
            node.send("reconnect", "name", name);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> connects(name).size() == before + 1);
        return connects(name).get(before);
    }

    /** The "m" arguments (without the offset) client {@code name} received, in order. */
    private List<Integer> received(String name) {
        List<Integer> list = new ArrayList<>();
        node.events(name, "m").forEach(e -> list.add(e.get("args").get(0).asInt()));
        return list;
    }

    private JsonNode state(String name, int id) {
        node.send("emitAck", "name", name, "id", id, "event", "state", "args", List.of());
        return node.expect("ack", name, n -> n.path("id").asInt() == id).get("args").get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket"})
    void aClientCutOffComesBackWithItsIdRoomsDataAndEveryMissedEventInOrder(String mode) {
        start(ConnectionStateRecovery.defaults());
        node = new NodeDriver(io.port());
        String aId = connect("a", mode, "ann").path("id").asText();
        connect("b", mode, "bob");
        io.in(connectedIdOf("b")).socketsLeave("r1", "r2");
        await().atMost(Duration.ofSeconds(5)).until(() -> io.sockets().adapter().rooms().get("r1").size() == 1);
        io.emit("m", 0); // the client needs one offset to send back
        node.expect("event", "a", n -> n.path("event").asText().equals("m"));
        JsonNode zero = node.events("a", "m").get(0).get("args");
        assertThat(zero).hasSize(2);
        assertThat(zero.get(1).isTextual()).as("offset as extra last argument").isTrue();

        cut("a", aId);
        io.to(aId).emit("m", 1);
        io.to("r1").emit("m", 2);
        io.emit("m", 3);
        io.to("r2").emit("m", 4);
        node.send("emitAck", "name", "b", "id", 1, "event", "shout", "args", List.of(5));
        node.expect("ack", "b", n -> n.path("id").asInt() == 1);
        io.to(List.of("r1", "r2")).emit("m", 6);
        io.to("elsewhere").emit("m", -1);
        io.except("r1").emit("m", -2);
        io.volatileFlag().emit("m", -3);
        io.to("r1").emitWithAck("m", -4); // with an ack: not kept (socket.io does the same)

        JsonNode back = reconnect("a");
        assertThat(back.path("id").asText()).isEqualTo(aId);
        assertThat(back.path("recovered").asBoolean()).isTrue();
        io.emit("m", 7);
        await().atMost(Duration.ofSeconds(10)).until(() -> received("a").contains(7));
        assertThat(received("a")).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        // the missed events came before the "connect" of the recovered socket, the new one after
        List<String> lines = node.output();
        int connectLine = indexOf(lines, back);
        int lastMissed = -1;
        int newOne = -1;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.contains("\"name\":\"a\"") && l.contains("\"event\":\"m\"")) {
                if (l.contains("\"args\":[6,")) {
                    lastMissed = i;
                } else if (l.contains("\"args\":[7,")) {
                    newOne = i;
                }
            }
        }
        assertThat(lastMissed).isLessThan(connectLine);
        assertThat(newOne).isGreaterThan(connectLine);

        JsonNode state = state("a", 1);
        assertThat(state.path("id").asText()).isEqualTo(aId);
        assertThat(state.path("recovered").asBoolean()).isTrue();
        List<String> rooms = new ArrayList<>();
        state.path("rooms").forEach(r -> rooms.add(r.asText()));
        assertThat(rooms).containsExactlyInAnyOrder(aId, "r1", "r2");
        assertThat(state.path("data").path("user").asText()).isEqualTo("ann");
        assertThat(io.sockets().adapter().socketRooms(aId)).containsExactlyInAnyOrder(aId, "r1", "r2");
        // middlewares skipped on recovery (default): 2 first connections only
        assertThat(middlewareRuns.get()).isEqualTo(2);
        assertThat(connections).containsExactly(false, false, true);
        assertThat(errors).isEmpty();
    }

    private String connectedIdOf(String name) {
        return connects(name).get(0).path("id").asText();
    }

    private static int indexOf(List<String> lines, JsonNode line) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("{")) {
                try {
                    if (NodeDriver.JSON.readTree(lines.get(i)).equals(line)) {
                        return i;
                    }
                } catch (Exception ignored) {
                    // not JSON
                }
            }
        }
        throw new AssertionError("line not found: " + line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket"})
    void noRecoveryAfterTheWindowAfterDisconnectOrWithAForgedPidOrOffset(String mode) {
        start(ConnectionStateRecovery.builder().maxDisconnectionDuration(Duration.ofMillis(1500)).build());
        node = new NodeDriver(io.port());
        InMemoryAdapter adapter = (InMemoryAdapter) io.sockets().adapter();

        // after the window
        String aId = connect("a", mode, "ann").path("id").asText();
        io.emit("m", 0);
        node.expect("event", "a", n -> n.path("event").asText().equals("m"));
        cut("a", aId);
        assertThat(adapter.keptSessions()).isEqualTo(1);
        io.to("r1").emit("m", 1);
        long cutAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - cutAt > 1_700_000_000L);
        JsonNode late = reconnect("a");
        assertThat(late.path("id").asText()).isNotEqualTo(aId);
        assertThat(late.path("recovered").asBoolean()).isFalse();

        // after socket.disconnect(): the session is not kept
        String bId = connect("b", mode, "bob").path("id").asText();
        io.emit("m", 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> node.events("b", "m").size() == 1);
        node.send("disconnect", "name", "b");
        await().atMost(Duration.ofSeconds(10)).until(() -> disconnectReasons.containsKey(bId));
        assertThat(disconnectReasons.get(bId)).isEqualTo("client namespace disconnect");
        io.to("r1").emit("m", 3);
        JsonNode bBack = reconnect("b");
        assertThat(bBack.path("id").asText()).isNotEqualTo(bId);
        assertThat(bBack.path("recovered").asBoolean()).isFalse();

        // a forged pid
        node.send("connect", "name", "c", "nsp", "/", "transports", SocketIoInteropTest.transports(mode),
                "auth", Map.of("pid", "forged-pid", "offset", "0"));
        JsonNode c = node.expect("connect", "c");
        assertThat(c.path("recovered").asBoolean()).isFalse();

        // a kept session with an offset that was never issued
        String dId = connect("d", mode, "dan").path("id").asText();
        io.emit("m", 4);
        await().atMost(Duration.ofSeconds(5)).until(() -> node.events("d", "m").size() == 1);
        cut("d", dId);
        io.to("r1").emit("m", 5);
        JsonNode dBack = reconnect("d", "zzzzzzzzzzzz");
        assertThat(dBack.path("id").asText()).isNotEqualTo(dId);
        assertThat(dBack.path("recovered").asBoolean()).isFalse();

        io.emit("m", 6);
        await().atMost(Duration.ofSeconds(10)).until(() -> received("a").contains(6) && received("b").contains(6)
                && received("c").contains(6) && received("d").contains(6));
        // new sessions (joining r1 again): only what was sent after they came back, nothing replayed
        assertThat(received("a")).containsExactly(0, 2, 3, 4, 5, 6);
        assertThat(received("b")).containsExactly(2, 4, 5, 6);
        assertThat(received("c")).containsExactly(4, 5, 6);
        assertThat(received("d")).containsExactly(4, 6);
        assertThat(connections).doesNotContain(true);
        assertThat(errors).isEmpty();
        assertThat(node.find(n -> n.path("type").asText().equals("connect_error"))).isEmpty();
    }

    /**
     * 1,000 official clients (each socket in 3 rooms) lose their connections at once (their process dies): the
     * server keeps 1,000 sessions, then releases them after the window.
     */
    @org.junit.jupiter.api.Test
    void sessionsOfClientsThatDiedAtOnceAreKeptThenReleasedAfterTheWindow() {
        int count = 1000;
        start(ConnectionStateRecovery.builder().maxDisconnectionDuration(Duration.ofSeconds(5)).build());
        InMemoryAdapter adapter = (InMemoryAdapter) io.sockets().adapter();
        node = new NodeDriver(io.port());
        node.send("many", "count", count, "expect", 1);
        node.expect("manyConnected", null);
        io.emit("tick", 0);
        node.expect("manyDone", null);
        node.kill();
        node = null;
        await().atMost(Duration.ofSeconds(20)).until(() -> io.sockets().sockets().isEmpty());
        assertThat(adapter.keptSessions()).isEqualTo(count);
        assertThat(disconnectReasons).hasSize(count);
        assertThat(Set.copyOf(disconnectReasons.values())).isSubsetOf(Set.of("transport close", "transport error"));
        await().atMost(Duration.ofSeconds(20)).until(() -> adapter.keptSessions() == 0 && adapter.keptPackets() == 0);
        assertThat(io.sockets().adapter().rooms()).isEmpty();
    }

    /** The server closes the connection abruptly; the client's own reconnection brings the socket back. */
    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket"})
    void theOfficialClientsAutomaticReconnectionRecoversAfterTheServerClosedTheConnection(String mode) {
        start(ConnectionStateRecovery.defaults());
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        io.onConnection(s -> s.onDisconnect(r -> {
            if (first.compareAndSet(true, false)) {
                // the session is kept before the disconnect listeners run: these are missed, then replayed
                io.to("r1").emit("m", 1);
                io.emit("m", 2);
            }
        }));
        node = new NodeDriver(io.port());
        node.send("connect", "name", "a", "nsp", "/", "transports", SocketIoInteropTest.transports(mode),
                "upgrade", false, "auth", Map.of("user", "ann"), "reconnection", true, "reconnectionDelay", 500);
        String aId = node.expect("connect", "a").path("id").asText();
        io.emit("m", 0);
        node.expect("event", "a", n -> n.path("event").asText().equals("m"));
        io.sockets().sockets().get(aId).client().closeConn();
        await().atMost(Duration.ofSeconds(15)).until(() -> connects("a").size() == 2);
        assertThat(disconnectReasons.get(aId)).isEqualTo("forced close");
        JsonNode back = connects("a").get(1);
        assertThat(back.path("id").asText()).isEqualTo(aId);
        assertThat(back.path("recovered").asBoolean()).isTrue();
        io.emit("m", 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> received("a").contains(3));
        assertThat(received("a")).containsExactly(0, 1, 2, 3);
        assertThat(state("a", 1).path("data").path("user").asText()).isEqualTo("ann");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void middlewaresAreSkippedOnRecoveryUnlessSkipMiddlewaresIsOff(boolean skip) {
        start(ConnectionStateRecovery.builder().skipMiddlewares(skip).build());
        node = new NodeDriver(io.port());
        String aId = connect("a", "websocket", "ann").path("id").asText();
        io.emit("m", 0);
        node.expect("event", "a", n -> n.path("event").asText().equals("m"));
        cut("a", aId);
        io.to("r1").emit("m", 1);
        JsonNode back = reconnect("a");
        assertThat(back.path("recovered").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> received("a").size() == 2);
        assertThat(received("a")).containsExactly(0, 1);
        if (skip) {
            assertThat(middlewareSawRecovered).containsExactly(false);
        } else {
            assertThat(middlewareSawRecovered).containsExactly(false, true);
        }
        assertThat(Set.copyOf(connections)).isNotEmpty();
    }
}
