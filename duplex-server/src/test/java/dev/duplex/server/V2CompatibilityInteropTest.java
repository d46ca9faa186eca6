package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Socket.IO v2 clients (the official socket.io-client 2.5.0: Engine.IO v3, Socket.IO protocol v4) with
 * {@code allowEIO3}: socket.io's test/v2-compatibility.ts, then events, acks, binary, transports, middleware,
 * rooms shared with v4 clients and disconnects.
 */
class V2CompatibilityInteropTest extends NodeInteropBase {
    private NodeDriverV2 v2;

    private SocketIoServer start(ServerOptions.Builder options) {
        io = TestServers.start(options.build());
        v2 = new NodeDriverV2(io.port());
        return io;
    }

    /** Before the base class stops the v4 driver and the server. */
    @AfterEach
    void stopV2() {
        if (v2 != null) {
            v2.close();
        }
    }

    private static JsonNode json(String text) throws Exception {
        return NodeDriver.JSON.readTree(text);
    }

    // ------------------------------------------------------------------ socket.io's v2-compatibility.ts

    @Test
    void connectsWithAllowEIO3AndTheSameIdOnBothSides() {
        CompletableFuture<Socket> connected = new CompletableFuture<>();
        start(ServerOptions.builder().allowEIO3(true));
        io.onConnection(connected::complete);
        v2.send("connect", "name", "a");
        JsonNode c = v2.expect("connect", "a");
        Socket socket = connected.join();
        assertThat(c.path("eio").asText()).isEqualTo("3");
        assertThat(socket.id()).isEqualTo(c.path("id").asText());
        assertThat(socket.handshake().auth()).isEqualTo(NodeDriver.JSON.createObjectNode());
        assertThat(socket.conn().protocol()).isEqualTo(3);
    }

    @Test
    void namespaceWithAQueryTakesItAsAuth() throws Exception {
        CompletableFuture<Socket> connected = new CompletableFuture<>();
        start(ServerOptions.builder().allowEIO3(true));
        io.of("/the-namespace").onConnection(connected::complete);
        v2.send("connect", "name", "a", "nsp", "/the-namespace", "query", Map.of("test", "123"));
        JsonNode c = v2.expect("connect", "a");
        Socket socket = connected.get(10, TimeUnit.SECONDS);
        assertThat(socket.handshake().auth()).isEqualTo(json("{\"test\":\"123\"}"));
        assertThat(socket.id()).isEqualTo(c.path("id").asText()).startsWith("/the-namespace#");
    }

    @Test
    void refusedWithoutAllowEIO3() {
        start(ServerOptions.builder());
        v2.send("connect", "name", "a");
        v2.expect("connect_error", "a");
        assertThat(v2.find(n -> "connect".equals(n.path("type").asText()))).isEmpty();
    }

    // ------------------------------------------------------------------ messaging

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket", "upgrade", "base64"})
    void eventsAcksAndBinaryBothWays(String mode) throws Exception {
        List<List<JsonNode>> answers = new CopyOnWriteArrayList<>();
        start(ServerOptions.builder().allowEIO3(true));
        io.onConnection(s -> {
            s.on("echo", (args, ack) -> s.emit("echo-back", args.toArray()));
            s.on("sum", args -> args.get(0).asInt() + args.get(1).asInt());
            s.on("bin", args -> new byte[]{(byte) args.get(0).binaryValue().length, 9});
            s.on("start", (args, ack) -> {
                s.emit("types", "héllo 🎉", 42, Map.of("bin", new byte[]{1, 2, 3}), new byte[]{(byte) 255});
                s.emitWithAck("ask", "q", new byte[]{7}).thenAccept(answers::add);
            });
        });
        List<String> transports = switch (mode) {
            case "polling", "base64" -> List.of("polling");
            case "websocket" -> List.of("websocket");
            default -> List.of("polling", "websocket");
        };
        v2.send("connect", "name", "a", "transports", transports, "forceBase64", mode.equals("base64"),
                "events", List.of("echo-back", "types", "ask"));
        JsonNode c = v2.expect("connect", "a");
        if (mode.equals("upgrade")) {
            assertThat(c.path("transport").asText()).isEqualTo("polling");
            v2.expect("upgrade", "a");
        } else {
            assertThat(c.path("transport").asText()).isEqualTo(transports.get(0));
        }

        JsonNode sent = json("[\"str\",1,1.5,{\"a\":[1,{\"b\":null}]},\"emoji 😀 é\","
                + "{\"bin\":{\"$bin\":[1,2,3]},\"deep\":[{\"$bin\":[9,255]}]}]");
        v2.send("emit", "name", "a", "event", "echo", "args", sent);
        assertThat(v2.awaitEvent("a", "echo-back").get("args")).isEqualTo(sent);

        v2.send("emitAck", "name", "a", "id", 1, "event", "sum", "args", List.of(2, 3));
        assertThat(v2.expect("ack", "a", n -> n.path("id").asInt() == 1).get("args")).isEqualTo(json("[5]"));
        v2.send("emitAck", "name", "a", "id", 2, "event", "bin", "args", json("[{\"$bin\":[1,2,3,4]}]"));
        assertThat(v2.expect("ack", "a", n -> n.path("id").asInt() == 2).get("args"))
                .isEqualTo(json("[{\"$bin\":[4,9]}]"));

        v2.send("emit", "name", "a", "event", "start", "args", List.of());
        assertThat(v2.awaitEvent("a", "types").get("args"))
                .isEqualTo(json("[\"héllo 🎉\",42,{\"bin\":{\"$bin\":[1,2,3]}},{\"$bin\":[255]}]"));
        assertThat(v2.awaitEvent("a", "ask").path("withAck").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> answers.size() == 1);
        List<JsonNode> answer = answers.get(0);
        assertThat(answer).hasSize(3);
        assertThat(answer.get(0).asText()).isEqualTo("q");
        assertThat(answer.get(1)).isInstanceOf(BinaryNode.class);
        assertThat(answer.get(1).binaryValue()).containsExactly(7);
        assertThat(answer.get(2).asText()).isEqualTo("from-client");
    }

    @Test
    void middlewareRefusalReachesTheV2Client() {
        start(ServerOptions.builder().allowEIO3(true));
        io.use((socket, next) -> next.accept(new ConnectionRefusedException("not allowed")));
        io.of("/with-data").use((socket, next) -> next.accept(
                new ConnectionRefusedException("refused", Map.of("code", 42))));
        io.of("/with-data").onConnection(s -> { });
        v2.send("connect", "name", "a");
        // socket.io-client 2 reports a refused CONNECT as an "error" event carrying err.data || err.message
        assertThat(v2.expect("error", "a").path("data").asText()).isEqualTo("not allowed");
        v2.send("connect", "name", "b", "nsp", "/with-data", "transports", List.of("websocket"));
        // (the refusal of "/", which every v2 connection joins, reaches it as well: socket.io-client 2 gives an
        // error of "/" to every socket of the connection)
        assertThat(v2.expect("error", "b", n -> n.path("data").isObject()).get("data"))
                .isEqualTo(NodeDriver.JSON.valueToTree(Map.of("code", 42)));
        assertThat(v2.find(n -> "connect".equals(n.path("type").asText()) && "b".equals(n.path("name").asText())))
                .isEmpty();
    }

    @Test
    void unknownNamespaceIsRefused() throws Exception {
        start(ServerOptions.builder().allowEIO3(true));
        v2.send("connect", "name", "a", "nsp", "/nope", "transports", List.of("websocket"));
        assertThat(v2.expect("error", "a").get("data")).isEqualTo(json("{\"message\":\"Invalid namespace\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket"})
    void theClientsPingsKeepTheSessionOpen(String transport) {
        // v3: the client pings every pingInterval, the server answers and closes only after pingInterval +
        // pingTimeout without a ping; three answered pings take longer than that
        start(ServerOptions.builder().allowEIO3(true).pingInterval(Duration.ofMillis(200))
                .pingTimeout(Duration.ofMillis(150)));
        v2.send("connect", "name", "a", "transports", List.of(transport));
        v2.expect("connect", "a");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> v2.find(n -> "pong".equals(n.path("type").asText())).size() >= 3);
        assertThat(v2.find(n -> "disconnect".equals(n.path("type").asText()))).isEmpty();
    }

    @Test
    void broadcastReachesV2AndV4ClientsInOneRoom() {
        start(ServerOptions.builder().allowEIO3(true));
        List<String> joined = new CopyOnWriteArrayList<>();
        io.onConnection(s -> {
            s.join("room");
            joined.add(s.conn().protocol() + ":" + s.id());
        });
        node = new NodeDriver(io.port());
        v2.send("connect", "name", "ws", "transports", List.of("websocket"), "events", List.of("news"));
        v2.send("connect", "name", "poll", "transports", List.of("polling"), "events", List.of("news"));
        node.connect("v4", "/", List.of("websocket"));
        v2.expect("connect", "ws");
        v2.expect("connect", "poll");
        await().atMost(Duration.ofSeconds(10)).until(() -> joined.size() == 3);
        assertThat(joined).filteredOn(j -> j.startsWith("3:")).hasSize(2);
        assertThat(joined).filteredOn(j -> j.startsWith("4:")).hasSize(1);

        io.to("room").emit("news", "hi", new byte[]{1, 2, 3}, Map.of("n", 1));
        JsonNode expected = NodeDriver.JSON.createArrayNode().add("hi")
                .add(NodeDriver.JSON.createObjectNode().set("$bin", NodeDriver.JSON.valueToTree(List.of(1, 2, 3))))
                .add(NodeDriver.JSON.valueToTree(Map.of("n", 1)));
        assertThat(v2.awaitEvent("ws", "news").get("args")).isEqualTo(expected);
        assertThat(v2.awaitEvent("poll", "news").get("args")).isEqualTo(expected);
        assertThat(node.awaitEvent("v4", "news").get("args")).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket"})
    void disconnectsBothWays(String transport) throws Exception {
        start(ServerOptions.builder().allowEIO3(true));
        CompletableFuture<String> clientSide = new CompletableFuture<>();
        io.onConnection(s -> s.on("leave", (args, ack) -> s.disconnect()));
        io.of("/other").onConnection(s -> s.onDisconnect(clientSide::complete));
        v2.send("connect", "name", "a", "transports", List.of(transport));
        v2.send("connect", "name", "b", "nsp", "/other", "transports", List.of(transport));
        v2.expect("connect", "a");
        v2.expect("connect", "b");

        v2.send("emit", "name", "a", "event", "leave", "args", List.of());
        assertThat(v2.expect("disconnect", "a").path("reason").asText()).isEqualTo("io server disconnect");

        v2.send("disconnect", "name", "b");
        assertThat(clientSide.get(10, TimeUnit.SECONDS)).isIn("client namespace disconnect", "transport close");
    }
}
