package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Interop with the official socket.io-client 4.8.4 (npm) over polling, websocket and upgrade. */
class SocketIoInteropTest extends NodeInteropBase {
    record Person(String name, int age) {
    }

    private SocketIoServer start(ServerOptions.Builder options) {
        io = TestServers.start(options.build());
        return io;
    }

    static List<String> transports(String mode) {
        return switch (mode) {
            case "polling" -> List.of("polling");
            case "websocket" -> List.of("websocket");
            default -> List.of("polling", "websocket");
        };
    }

    private static JsonNode json(String text) throws Exception {
        return NodeDriver.JSON.readTree(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket", "upgrade"})
    void eventsAndAcksBothWays(String mode) throws Exception {
        List<List<JsonNode>> answers = new CopyOnWriteArrayList<>();
        List<Throwable> timeouts = new CopyOnWriteArrayList<>();
        List<String> customIds = new CopyOnWriteArrayList<>();
        start(ServerOptions.builder());
        io.onConnection(s -> {
            s.on("echo", (args, ack) -> s.emit("echo-back", args.toArray()));
            s.on("sum", args -> args.get(0).asInt() + args.get(1).asInt());
            s.on("typed", Person.class, p -> new Person(p.name().toUpperCase(), p.age() + 1));
            s.on("async", args -> CompletableFuture.supplyAsync(() -> "later"));
            s.on("silent", (args, ack) -> { });
            s.on("start", (args, ack) -> {
                Map<String, Object> nested = new LinkedHashMap<>();
                nested.put("bin", new byte[]{1, 2, 3});
                nested.put("deep", List.of(Map.of("b", ByteBuffer.wrap(new byte[]{4, 5}))));
                s.emit("types", "str", 42, 3.5, Map.of("k", List.of(1, 2)), List.of("a"), null, "héllo 🎉", nested);
                s.emitWithAck("ask", "q", new byte[]{7}).thenAccept(answers::add);
                s.timeout(Duration.ofMillis(300)).emitWithAck("noack-x")
                        .whenComplete((r, e) -> timeouts.add(e));
            });
        });
        io.of("/custom").onConnection(s -> {
            customIds.add(s.id());
            s.on("where", args -> s.nsp().name());
        });
        node = new NodeDriver(io.port());
        List<String> t = transports(mode);
        JsonNode connected = node.connect("a", "/", t);
        node.connect("c", "/custom", t);
        assertThat(connected.path("id").asText()).hasSize(20);

        JsonNode sent = json("[\"str\",1,1.5,{\"a\":[1,{\"b\":null}]},[1,2],null,\"emoji 😀\","
                + "{\"bin\":{\"$bin\":[1,2,3]},\"deep\":[{\"$bin\":[9,255]}]}]");
        node.send("emit", "name", "a", "event", "echo", "args", sent);
        assertThat(node.awaitEvent("a", "echo-back").get("args")).isEqualTo(sent);

        node.send("emitAck", "name", "a", "id", 1, "event", "sum", "args", List.of(2, 3));
        node.send("emitAck", "name", "a", "id", 2, "event", "typed", "args", List.of(Map.of("name", "ann", "age", 3)));
        node.send("emitAck", "name", "a", "id", 3, "event", "async", "args", List.of());
        node.send("emitAck", "name", "a", "id", 4, "event", "silent", "args", List.of(), "timeout", 300);
        node.send("emitAck", "name", "c", "id", 5, "event", "where", "args", List.of());
        assertThat(node.expect("ack", "a", n -> n.path("id").asInt() == 1).get("args")).isEqualTo(json("[5]"));
        assertThat(node.expect("ack", "a", n -> n.path("id").asInt() == 2).get("args"))
                .isEqualTo(json("[{\"name\":\"ANN\",\"age\":4}]"));
        assertThat(node.expect("ack", "a", n -> n.path("id").asInt() == 3).get("args")).isEqualTo(json("[\"later\"]"));
        assertThat(node.expect("ackTimeout", "a", n -> n.path("id").asInt() == 4).path("message").asText())
                .contains("timed out");
        assertThat(node.expect("ack", "c", n -> n.path("id").asInt() == 5).get("args")).isEqualTo(json("[\"/custom\"]"));

        node.send("emit", "name", "a", "event", "start", "args", List.of());
        JsonNode types = node.awaitEvent("a", "types").get("args");
        assertThat(types).isEqualTo(json("[\"str\",42,3.5,{\"k\":[1,2]},[\"a\"],null,\"héllo 🎉\","
                + "{\"bin\":{\"$bin\":[1,2,3]},\"deep\":[{\"b\":{\"$bin\":[4,5]}}]}]"));
        await().atMost(Duration.ofSeconds(10)).until(() -> answers.size() == 1 && timeouts.size() == 1);
        List<JsonNode> answer = answers.get(0);
        assertThat(answer).hasSize(3);
        assertThat(answer.get(0).asText()).isEqualTo("q");
        assertThat(answer.get(1)).isInstanceOf(BinaryNode.class);
        assertThat(answer.get(1).binaryValue()).containsExactly(7);
        assertThat(answer.get(2).asText()).isEqualTo("from-client");
        assertThat(timeouts.get(0)).isInstanceOf(AckTimeoutException.class);
        assertThat(customIds).hasSize(1).doesNotContain(connected.path("id").asText());
        if (mode.equals("upgrade")) {
            node.expect("upgrade", "a", n -> n.path("transport").asText().equals("websocket"));
        }
        node.send("transport", "name", "a");
        assertThat(node.expect("transport", "a").path("transport").asText())
                .isEqualTo(mode.equals("polling") ? "polling" : "websocket");
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket", "upgrade"})
    void authMiddlewareAcceptsAndRefuses(String mode) {
        List<Object> users = new CopyOnWriteArrayList<>();
        List<Handshake> handshakes = new CopyOnWriteArrayList<>();
        start(ServerOptions.builder());
        io.use((socket, next) -> {
            handshakes.add(socket.handshake());
            String token = socket.handshake().auth().path("token").asText();
            if ("good".equals(token)) {
                socket.data().put("user", "u-" + token);
                next.accept(null);
            } else {
                next.accept(new ConnectionRefusedException("not authorized", Map.of("code", 401, "token", token)));
            }
        });
        io.onConnection(s -> users.add(s.data().get("user")));
        io.of("/async").use((socket, next) -> CompletableFuture.runAsync(
                () -> next.accept(new IllegalStateException("async refusal"))));
        node = new NodeDriver(io.port());
        List<String> t = transports(mode);
        node.send("connect", "name", "good", "nsp", "/", "transports", t, "auth", Map.of("token", "good"),
                "query", Map.of("room", "lobby"), "headers", Map.of("X-Custom", "yes"));
        node.send("connect", "name", "bad", "nsp", "/", "transports", t, "auth", Map.of("token", "bad"));
        node.send("connect", "name", "async", "nsp", "/async", "transports", t);
        node.expect("connect", "good");
        JsonNode refused = node.expect("connect_error", "bad");
        assertThat(refused.path("message").asText()).isEqualTo("not authorized");
        assertThat(refused.path("data").path("code").asInt()).isEqualTo(401);
        assertThat(refused.path("data").path("token").asText()).isEqualTo("bad");
        JsonNode async = node.expect("connect_error", "async");
        assertThat(async.path("message").asText()).isEqualTo("async refusal");
        assertThat(async.get("data").isNull()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> users.size() == 1);
        assertThat(users).containsExactly("u-good");
        Handshake hs = handshakes.stream().filter(h -> h.auth().path("token").asText().equals("good"))
                .findFirst().orElseThrow();
        assertThat(hs.query()).containsEntry("room", "lobby").containsEntry("EIO", "4");
        assertThat(hs.header("x-custom")).isEqualTo("yes");
        assertThat(hs.headers()).containsKey("x-custom");
        assertThat(hs.address()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1", "::1", "::ffff:127.0.0.1");
        assertThat(hs.url()).startsWith("/socket.io/?").contains("room=lobby");
        assertThat(hs.secure()).isFalse();
        assertThat(hs.xdomain()).isFalse();
        assertThat(hs.issued()).isPositive().isLessThanOrEqualTo(System.currentTimeMillis());
        assertThat(hs.time()).contains("GMT");
        assertThat(node.find(n -> n.path("type").asText().equals("connect") && !n.path("name").asText().equals("good")))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket", "upgrade"})
    void roomsAndBroadcasts(String mode) throws Exception {
        start(ServerOptions.builder());
        io.onConnection(s -> {
            s.on("join", args -> {
                s.join(args.get(0).asText());
                return "joined";
            });
            s.on("toRoom", (args, ack) -> io.to(args.get(0).asText()).emit("room-msg", args.get(1)));
            s.on("socketTo", (args, ack) -> s.to(args.get(0).asText()).emit("sto", s.id()));
            s.on("broadcast", (args, ack) -> s.broadcast().emit("bcast", args.get(0)));
        });
        io.of("/other").onConnection(s -> { });
        node = new NodeDriver(io.port());
        List<String> t = transports(mode);
        String aId = node.connect("a", "/", t).path("id").asText();
        String bId = node.connect("b", "/", t).path("id").asText();
        node.connect("c", "/", t);
        node.connect("d", "/other", t);
        node.send("emitAck", "name", "a", "id", 1, "event", "join", "args", List.of("r1"));
        node.send("emitAck", "name", "b", "id", 2, "event", "join", "args", List.of("r1"));
        node.expect("ack", "a");
        node.expect("ack", "b");
        assertThat(io.sockets().sockets().get(aId).rooms()).containsExactlyInAnyOrder(aId, "r1");

        node.send("emit", "name", "a", "event", "toRoom", "args", List.of("r1", "m1"));
        node.awaitEvent("a", "room-msg");
        node.awaitEvent("b", "room-msg");
        node.send("emit", "name", "a", "event", "broadcast", "args", List.of("m2"));
        node.awaitEvent("b", "bcast");
        node.awaitEvent("c", "bcast");
        node.send("emit", "name", "a", "event", "socketTo", "args", List.of("r1"));
        assertThat(node.awaitEvent("b", "sto").get("args").get(0).asText()).isEqualTo(aId);
        io.except("r1").emit("except-msg", 1);
        node.awaitEvent("c", "except-msg");
        io.to(bId).emit("private", "to-b");
        node.awaitEvent("b", "private");

        List<RemoteSocket> inRoom = io.in("r1").fetchSockets().get();
        assertThat(inRoom).extracting(RemoteSocket::id).containsExactlyInAnyOrder(aId, bId);
        io.in("r1").socketsJoin("r2");
        io.to("r2").emit("r2-msg");
        node.awaitEvent("a", "r2-msg");
        node.awaitEvent("b", "r2-msg");
        io.in("r2").socketsLeave("r2");
        assertThat(io.sockets().adapter().rooms()).doesNotContainKey("r2");

        io.emit("all", "x");
        io.of("/other").emit("fence");
        for (String n : List.of("a", "b", "c")) {
            node.awaitEvent(n, "all");
        }
        node.awaitEvent("d", "fence");
        // every event above was sent before "all"/"fence", and each socket receives in order: nothing else comes
        assertThat(node.events("c", "room-msg")).isEmpty();
        assertThat(node.events("c", "sto")).isEmpty();
        assertThat(node.events("a", "sto")).isEmpty();
        assertThat(node.events("a", "bcast")).isEmpty();
        assertThat(node.events("a", "except-msg")).isEmpty();
        assertThat(node.events("b", "except-msg")).isEmpty();
        assertThat(node.events("a", "private")).isEmpty();
        assertThat(node.events("c", "r2-msg")).isEmpty();
        assertThat(node.events("d", "all")).isEmpty();
        assertThat(node.events("a", "room-msg")).hasSize(1);
        assertThat(node.events("b", "bcast")).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket", "upgrade"})
    void disconnectReasonsOnBothSides(String mode) {
        Map<String, String> reasons = new ConcurrentHashMap<>();
        Map<String, Set<String>> roomsWhenDisconnecting = new ConcurrentHashMap<>();
        Map<String, String> names = new ConcurrentHashMap<>();
        start(ServerOptions.builder());
        io.onConnection(s -> {
            String name = s.handshake().auth().path("name").asText();
            names.put(name, s.id());
            s.join("room-" + name);
            s.onDisconnecting(r -> roomsWhenDisconnecting.put(name, s.rooms()));
            s.onDisconnect(r -> reasons.put(name, r));
            s.on("kick", (args, ack) -> s.disconnect(args.get(0).asBoolean()));
        });
        node = new NodeDriver(io.port());
        List<String> t = transports(mode);
        for (String n : List.of("a", "b", "c", "d", "e")) {
            node.send("connect", "name", n, "nsp", "/", "transports", t, "auth", Map.of("name", n));
            node.expect("connect", n);
        }
        node.send("disconnect", "name", "a");
        node.send("emit", "name", "b", "event", "kick", "args", List.of(false));
        node.send("emit", "name", "d", "event", "kick", "args", List.of(true));
        node.send("closeEngine", "name", "c");
        await().atMost(Duration.ofSeconds(10)).until(() -> reasons.size() == 4);
        assertThat(reasons).containsEntry("a", "client namespace disconnect")
                .containsEntry("b", "server namespace disconnect")
                .containsEntry("c", "transport close")
                .containsEntry("d", "server namespace disconnect");
        assertThat(roomsWhenDisconnecting.get("a")).containsExactlyInAnyOrder(names.get("a"), "room-a");
        assertThat(node.expect("disconnect", "a").path("reason").asText()).isEqualTo("io client disconnect");
        assertThat(node.expect("disconnect", "b").path("reason").asText()).isEqualTo("io server disconnect");
        assertThat(node.expect("disconnect", "d").path("reason").asText()).isEqualTo("io server disconnect");
        assertThat(io.sockets().adapter().rooms()).doesNotContainKeys("room-a", "room-b", "room-c", "room-d")
                .containsKey("room-e");
        io.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> reasons.size() == 5);
        assertThat(reasons).containsEntry("e", "server shutting down");
        // over polling (or before the upgrade) the engine closes at once: a client between two polls may get
        // "transport error" instead
        assertThat(node.expect("disconnect", "e").path("reason").asText())
                .isIn(!mode.equals("websocket") ? List.of("transport close", "transport error")
                        : List.of("transport close"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket", "upgrade"})
    void dynamicNamespaces(String mode) {
        List<String> created = new CopyOnWriteArrayList<>();
        start(ServerOptions.builder());
        Namespace dyn = io.of(Pattern.compile("/dyn-\\d+"));
        dyn.onConnection(s -> {
            created.add(s.nsp().name());
            s.emit("hello", s.nsp().name());
        });
        io.of((name, handshake) -> name.startsWith("/team-") && handshake.auth().path("ok").asBoolean())
                .onConnection(s -> s.emit("team", s.nsp().name()));
        node = new NodeDriver(io.port());
        List<String> t = transports(mode);
        node.connect("a", "/dyn-42", t);
        assertThat(node.awaitEvent("a", "hello").get("args").get(0).asText()).isEqualTo("/dyn-42");
        node.connect("b", "/dyn-7", t);
        node.awaitEvent("b", "hello");
        node.send("connect", "name", "c", "nsp", "/dyn-x", "transports", t);
        assertThat(node.expect("connect_error", "c").path("message").asText()).isEqualTo("Invalid namespace");
        node.send("connect", "name", "d", "nsp", "/team-1", "transports", t, "auth", Map.of("ok", true));
        assertThat(node.awaitEvent("d", "team").get("args").get(0).asText()).isEqualTo("/team-1");
        node.send("connect", "name", "e", "nsp", "/team-2", "transports", t, "auth", Map.of("ok", false));
        assertThat(node.expect("connect_error", "e").path("message").asText()).isEqualTo("Invalid namespace");
        dyn.emit("parent-msg", 1);
        node.awaitEvent("a", "parent-msg");
        node.awaitEvent("b", "parent-msg");
        assertThat(created).containsExactlyInAnyOrder("/dyn-42", "/dyn-7");
        assertThat(io.of("/dyn-42").sockets()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket", "upgrade"})
    void packetsStayInOrderBothWaysIncludingAcrossTheUpgrade(String mode) {
        int count = 100;
        List<Integer> received = new CopyOnWriteArrayList<>();
        start(ServerOptions.builder());
        io.onConnection(s -> {
            s.on("seq", (args, ack) -> received.add(args.get(0).asInt()));
            s.on("go", (args, ack) -> {
                for (int i = 0; i < count; i++) {
                    s.emit("seq", i, i % 10 == 0 ? new byte[]{(byte) i} : "x");
                }
            });
        });
        node = new NodeDriver(io.port());
        // no wait for the connect: the client buffers, then everything flows while the upgrade happens
        node.send("connect", "name", "a", "nsp", "/", "transports", transports(mode));
        node.send("emit", "name", "a", "event", "go", "args", List.of());
        for (int i = 0; i < count; i++) {
            node.send("emit", "name", "a", "event", "seq", "args", List.of(i));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> node.events("a", "seq").size() == count
                && received.size() == count);
        List<Integer> order = new ArrayList<>();
        node.events("a", "seq").forEach(e -> order.add(e.get("args").get(0).asInt()));
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add(i);
        }
        assertThat(order).isEqualTo(expected);
        assertThat(received).isEqualTo(expected);
        assertThat(node.events("a", "seq").get(10).get("args").get(1).get("$bin").get(0).asInt()).isEqualTo(10);
    }

    @Test
    void twoHundredClientsInOneRoomReceiveEveryBroadcastInOrder() {
        int clients = 200;
        int ticks = 50;
        start(ServerOptions.builder());
        io.onConnection(s -> s.join("crowd"));
        node = new NodeDriver(io.port());
        node.send("many", "count", clients, "expect", ticks);
        node.expect("manyConnected", null);
        await().atMost(Duration.ofSeconds(20)).until(() -> io.sockets().adapter().rooms()
                .getOrDefault("crowd", Set.of()).size() == clients);
        for (int i = 0; i < ticks; i++) {
            io.to("crowd").emit("tick", i);
        }
        JsonNode done = node.expect("manyDone", null);
        assertThat(done.path("inOrder").asBoolean()).isTrue();
        node.send("manyReport");
        JsonNode report = node.expect("manyReport", null);
        List<Integer> received = new ArrayList<>();
        report.get("received").forEach(n -> received.add(n.asInt()));
        assertThat(received).hasSize(clients).allMatch(n -> n == ticks);
    }
}
