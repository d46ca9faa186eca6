package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Server behaviour with raw Engine.IO clients: broadcast acks, threading, reserved names, options. */
class ServerBehaviourTest {
    private SocketIoServer io;
    private final List<RawEngineClient> clients = new CopyOnWriteArrayList<>();
    private final List<java.util.concurrent.ExecutorService> pools = new CopyOnWriteArrayList<>();

    private SocketIoServer start(ServerOptions options) {
        io = TestServers.start(options);
        return io;
    }

    private RawEngineClient client(String nsp) {
        RawEngineClient c = RawEngineClient.connected(io.port(), nsp);
        clients.add(c);
        return c;
    }

    @AfterEach
    void tearDown() {
        clients.forEach(RawEngineClient::close);
        if (io != null) {
            io.close();
        }
        pools.forEach(java.util.concurrent.ExecutorService::shutdownNow);
    }

    @Test
    void broadcastWithAckCollectsEveryResponse() throws Exception {
        start(ServerOptions.defaults());
        RawEngineClient a = client("/");
        RawEngineClient b = client("/");
        await().atMost(Duration.ofSeconds(5)).until(() -> io.sockets().sockets().size() == 2);
        CompletableFuture<List<JsonNode>> all = io.timeout(Duration.ofSeconds(10)).emitWithAck("q", 1);
        String sentA = a.awaitText(t -> t.startsWith("42"));
        String sentB = b.awaitText(t -> t.startsWith("42"));
        assertThat(sentA).isEqualTo(sentB).matches("42\\d+\\[\"q\",1\\]");
        String ackId = sentA.substring(2, sentA.indexOf('['));
        a.sendText("43" + ackId + "[\"from-a\"]");
        b.sendText("43" + ackId + "[\"from-b\",2]");
        List<JsonNode> responses = all.get(10, TimeUnit.SECONDS);
        assertThat(responses).extracting(JsonNode::asText).containsExactlyInAnyOrder("from-a", "from-b");
    }

    @Test
    void broadcastWithAckTimeoutCarriesWhatArrived() throws Exception {
        start(ServerOptions.defaults());
        RawEngineClient a = client("/");
        client("/");
        await().atMost(Duration.ofSeconds(5)).until(() -> io.sockets().sockets().size() == 2);
        CompletableFuture<List<JsonNode>> all = io.timeout(Duration.ofMillis(500)).emitWithAck("q");
        String sent = a.awaitText(t -> t.startsWith("42"));
        a.sendText("43" + sent.substring(2, sent.indexOf('[')) + "[\"only-a\"]");
        assertThatThrownBy(() -> all.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(AckTimeoutException.class)
                .satisfies(e -> assertThat(((AckTimeoutException) e).responses())
                        .extracting(JsonNode::asText).containsExactly("only-a"));
    }

    @Test
    void broadcastWithAckToNobodyCompletesEmpty() throws Exception {
        start(ServerOptions.defaults());
        assertThat(io.to("empty-room").emitWithAck("q").get(5, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void slowHandlerDelaysNeitherOtherClientsNorHeartbeats() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Map<String, String> reasons = new ConcurrentHashMap<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        pools.add(pool);
        start(ServerOptions.builder().pingInterval(Duration.ofMillis(200)).pingTimeout(Duration.ofMillis(200))
                .handlerExecutor(pool).build());
        io.onConnection(s -> {
            s.onDisconnect(r -> reasons.put(s.id(), r));
            s.on("block", (args, ack) -> release.await(20, TimeUnit.SECONDS));
            s.on("ping", args -> "pong");
        });
        RawEngineClient slow = client("/");
        RawEngineClient fast = client("/");
        slow.sendText("42[\"block\"]");
        slow.sendText("421[\"ping\"]");
        long pingsBefore = slow.texts().stream().filter("2"::equals).count();
        for (int i = 0; i < 3; i++) {
            fast.sendText("42" + (10 + i) + "[\"ping\"]");
            int id = 10 + i;
            fast.awaitText(t -> t.equals("43" + id + "[\"pong\"]"));
        }
        // heartbeats keep flowing on the blocked connection (the raw client answers each ping)
        await().atMost(Duration.ofSeconds(5)).until(() -> slow.texts().stream().filter("2"::equals).count()
                >= pingsBefore + 3);
        assertThat(slow.texts()).doesNotContain("431[\"pong\"]");
        assertThat(slow.closed).isFalse();
        release.countDown();
        // the queued packet of the slow connection runs after the blocking one, in order
        slow.awaitText(t -> t.equals("431[\"pong\"]"));
        assertThat(reasons).isEmpty();
    }

    @Test
    void handlersOnEventLoopWork() {
        start(ServerOptions.builder().handlersOnEventLoop(true).build());
        List<String> threads = new CopyOnWriteArrayList<>();
        io.onConnection(s -> s.on("ping", args -> {
            threads.add(Thread.currentThread().getName());
            return "pong";
        }));
        RawEngineClient c = client("/");
        c.sendText("421[\"ping\"]");
        c.awaitText(t -> t.equals("431[\"pong\"]"));
        assertThat(threads).hasSize(1).allMatch(n -> !n.startsWith("duplex-handler"));
    }

    @Test
    void defaultHandlersRunOffTheEventLoopInOrder() {
        start(ServerOptions.defaults());
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        io.onConnection(s -> s.onAny((event, args) -> {
            seen.add(args.get(0).asText());
            threads.add(Thread.currentThread().getName());
        }));
        RawEngineClient c = client("/");
        for (int i = 0; i < 200; i++) {
            c.sendText("42[\"n\",\"" + i + "\"]");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 200);
        for (int i = 0; i < 200; i++) {
            assertThat(seen.get(i)).isEqualTo(String.valueOf(i));
        }
        assertThat(threads).allMatch(n -> n.startsWith("duplex-handler"));
    }

    @Test
    void reservedNamesCannotBeEmitted() {
        start(ServerOptions.defaults());
        List<Socket> sockets = new CopyOnWriteArrayList<>();
        io.onConnection(sockets::add);
        client("/");
        await().atMost(Duration.ofSeconds(5)).until(() -> sockets.size() == 1);
        Socket s = sockets.get(0);
        for (String name : List.of("connect", "connect_error", "disconnect", "disconnecting", "newListener",
                "removeListener")) {
            assertThatThrownBy(() -> s.emit(name)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("\"" + name + "\" is a reserved event name");
            assertThatThrownBy(() -> io.emit(name)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> io.to("r").emit(name)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> s.emitWithAck(name)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> s.broadcast().emit(name)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void socketEmitWithAckAndTimeout() throws Exception {
        start(ServerOptions.defaults());
        List<Socket> sockets = new CopyOnWriteArrayList<>();
        io.onConnection(sockets::add);
        RawEngineClient c = client("/");
        await().atMost(Duration.ofSeconds(5)).until(() -> sockets.size() == 1);
        CompletableFuture<List<JsonNode>> answered = sockets.get(0).emitWithAck("q", "x");
        String sent = c.awaitText(t -> t.startsWith("42") && t.contains("\"q\""));
        c.sendText("43" + sent.substring(2, sent.indexOf('[')) + "[\"a\",{\"b\":1}]");
        assertThat(answered.get(5, TimeUnit.SECONDS)).extracting(JsonNode::toString)
                .containsExactly("\"a\"", "{\"b\":1}");
        CompletableFuture<List<JsonNode>> unanswered = sockets.get(0).timeout(Duration.ofMillis(200))
                .emitWithAck("never");
        assertThatThrownBy(() -> unanswered.get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOf(AckTimeoutException.class);
        // a late ack for a timed-out id is ignored and the connection stays up
        String late = c.awaitText(t -> t.contains("\"never\""));
        c.sendText("43" + late.substring(2, late.indexOf('[')) + "[]");
        c.sendText("42[\"still-alive\"]");
        assertThat(c.closed).isFalse();
    }

    @Test
    void serverSideUtilities() throws Exception {
        start(ServerOptions.defaults());
        Map<String, String> reasons = new ConcurrentHashMap<>();
        io.onConnection(s -> {
            s.data().put("name", s.handshake().auth().path("n").asText());
            s.onDisconnect(r -> reasons.put(s.id(), r));
        });
        RawEngineClient a = RawEngineClient.connected(io.port(), "/");
        clients.add(a);
        RawEngineClient b = new RawEngineClient(io.port());
        clients.add(b);
        b.sendText("40{\"n\":\"bee\"}");
        String bId = b.socketId("/");
        await().atMost(Duration.ofSeconds(5)).until(() -> io.sockets().sockets().size() == 2);
        io.socketsJoin("all");
        assertThat(io.in("all").fetchSockets().get()).hasSize(2);
        io.in(bId).socketsJoin("bees");
        List<RemoteSocket> bees = io.in("bees").fetchSockets().get();
        assertThat(bees).hasSize(1);
        assertThat(bees.get(0).data()).containsEntry("name", "bee");
        assertThat(bees.get(0).handshake().auth().path("n").asText()).isEqualTo("bee");
        assertThat(bees.get(0).rooms()).containsExactlyInAnyOrder(bId, "all", "bees");
        bees.get(0).emit("hi", "bee");
        b.awaitText(t -> t.equals("42[\"hi\",\"bee\"]"));
        io.in("bees").disconnectSockets(false);
        b.awaitText(t -> t.equals("41"));
        await().atMost(Duration.ofSeconds(5)).until(() -> reasons.containsKey(bId));
        assertThat(reasons.get(bId)).isEqualTo("server namespace disconnect");
        assertThat(io.in("all").fetchSockets().get()).hasSize(1);
        io.serverSideEmit("cluster-event", 1);
        assertThat(io.sockets().adapter().serverCount().get()).isEqualTo(1);
    }

    @Test
    void pingTimeoutAndTransportCloseReasons() {
        Map<String, String> reasons = new ConcurrentHashMap<>();
        start(ServerOptions.builder().pingInterval(Duration.ofMillis(200)).pingTimeout(Duration.ofMillis(200))
                .build());
        Map<String, String> viaEvent = new ConcurrentHashMap<>();
        io.onConnection(s -> {
            s.onDisconnect(r -> reasons.put(s.handshake().auth().path("n").asText(), r));
            s.on("disconnect", (args, ack) -> viaEvent.put(s.handshake().auth().path("n").asText(),
                    args.get(0).asText()));
        });
        RawEngineClient silent = new RawEngineClient(io.port());
        clients.add(silent);
        silent.answerPings = false;
        silent.sendText("40{\"n\":\"silent\"}");
        RawEngineClient leaving = new RawEngineClient(io.port());
        clients.add(leaving);
        leaving.sendText("40{\"n\":\"leaving\"}");
        leaving.socketId("/");
        leaving.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> reasons.size() == 2);
        assertThat(reasons).containsEntry("silent", "ping timeout").containsEntry("leaving", "transport close");
        await().atMost(Duration.ofSeconds(5)).until(() -> viaEvent.size() == 2);
        assertThat(viaEvent).isEqualTo(reasons);
    }

    @Test
    void outgoingAndCatchAllListeners() {
        start(ServerOptions.defaults());
        List<String> outgoing = new CopyOnWriteArrayList<>();
        List<String> incoming = new CopyOnWriteArrayList<>();
        io.onConnection(s -> {
            s.onAnyOutgoing((event, args) -> outgoing.add("2:" + event + args.size()));
            s.prependAnyOutgoing((event, args) -> outgoing.add("1:" + event + args.size()));
            AnyListener removed = (event, args) -> incoming.add("removed");
            s.onAny(removed);
            s.onAny((event, args) -> incoming.add("2:" + event));
            s.prependAny((event, args) -> incoming.add("1:" + event));
            s.offAny(removed);
            s.on("x", (args, ack) -> {
                s.emit("direct", 1, 2);
                io.emit("broadcast", 1);
            });
        });
        RawEngineClient c = client("/");
        c.sendText("42[\"x\"]");
        c.awaitText(t -> t.startsWith("42[\"broadcast\""));
        assertThat(incoming).containsExactly("1:x", "2:x");
        assertThat(outgoing).containsExactly("1:direct2", "2:direct2", "1:broadcast1", "2:broadcast1");
    }

    @Test
    void volatilePacketsAreDroppedWhileThePollingTransportCannotTakeThem() throws Exception {
        start(ServerOptions.defaults());
        var http = java.net.http.HttpClient.newHttpClient();
        String base = "http://localhost:" + io.port() + "/socket.io/?EIO=4&transport=polling";
        String open = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        String sid = open.substring(open.indexOf("\"sid\":\"") + 7, open.indexOf("\",\"upgrades\""));
        String url = base + "&sid=" + sid;
        http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("40")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        String connect = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(connect).startsWith("40{\"sid\":");
        await().atMost(Duration.ofSeconds(5)).until(() -> io.sockets().sockets().size() == 1);
        // no GET is pending: "a" waits in the engine's buffer, so the volatile "b" is dropped, "c" is kept; emitted
        // on the connection's event loop, so that all three reach the engine before the next GET does
        Socket socket = io.sockets().sockets().values().iterator().next();
        socket.client().conn.eventLoop().submit(() -> {
            io.emit("a");
            io.volatileFlag().emit("b");
            io.emit("c");
        }).get(5, TimeUnit.SECONDS);
        String polled = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(polled).isEqualTo("42[\"a\"]\u001e42[\"c\"]");
    }

    @Test
    void volatilePacketsFlowWhenTheWebSocketIsWritable() {
        start(ServerOptions.defaults());
        RawEngineClient c = client("/");
        await().atMost(Duration.ofSeconds(5)).until(() -> io.sockets().sockets().size() == 1);
        for (int i = 0; i < 5; i++) {
            io.volatileFlag().emit("v", i);
        }
        c.awaitText(t -> t.equals("42[\"v\",4]"));
        assertThat(c.texts().stream().filter(t -> t.startsWith("42[\"v\"")).count()).isEqualTo(5);
    }

    @Test
    void optionsDefaultsAndDerivedEngineOptions() {
        ServerOptions o = ServerOptions.defaults();
        assertThat(o.path()).isEqualTo("/socket.io/");
        assertThat(o.connectTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(o.serveClient()).isTrue();
        assertThat(o.handlersOnEventLoop()).isFalse();
        ServerOptions custom = ServerOptions.builder().path("io").pingInterval(Duration.ofMillis(300))
                .maxHttpBufferSize(5000).transports("websocket").allowRequestTimeout(Duration.ofSeconds(3)).build();
        assertThat(custom.path()).isEqualTo("/io/");
        assertThat(o.allowRequestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(custom.engineOptions().allowRequestTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(custom.engineOptions().path()).isEqualTo("/io/");
        assertThat(custom.engineOptions().pingInterval()).isEqualTo(Duration.ofMillis(300));
        assertThat(custom.engineOptions().maxHttpBufferSize()).isEqualTo(5000);
        assertThat(custom.engineOptions().transports()).containsExactly("websocket");
        assertThat(custom.toBuilder().build().path()).isEqualTo("/io/");
        assertThatThrownBy(() -> ServerOptions.builder().connectTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void clientScriptIsServedWhenServeClientIsOnAnd404WhenOff() throws Exception {
        start(ServerOptions.defaults());
        var http = java.net.http.HttpClient.newHttpClient();
        var response = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + io.port() + "/socket.io/socket.io.js")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        // dev.duplex.http.ClientScriptHandler is on this module's classpath, so the bundle is served
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("socket.io");
        var missing = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + io.port() + "/socket.io/socket.io.nope.js")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        // not a bundle file: the Engine.IO endpoint answers it (400 Transport unknown), as with Node
        assertThat(missing.statusCode()).isEqualTo(400);
        SocketIoServer off = TestServers.start(ServerOptions.builder().serveClient(false).build());
        try {
            var r2 = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://localhost:" + off.port() + "/socket.io/socket.io.js")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r2.statusCode()).isEqualTo(404);
        } finally {
            off.close();
        }
    }
}
