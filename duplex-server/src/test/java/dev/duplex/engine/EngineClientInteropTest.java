package dev.duplex.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.duplex.testkit.ManagedProcess;
import dev.duplex.testkit.Node;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Interop with the official npm {@code engine.io-client} 6.6.8, driven through
 * {@code src/test/node/engine/eio-client.js} and {@code eio-many.js} against an echoing {@link EngineServer}.
 */
class EngineClientInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path CLIENT = Path.of("src/test/node/engine/eio-client.js");
    private static final Path MANY = Path.of("src/test/node/engine/eio-many.js");
    private static final ObjectMapper ASCII_JSON = JsonMapper.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private EngineServer server;
    private int port;
    private final List<EngineSocket> sockets = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    /** The thread that handled each entry of {@link #received}. */
    private final List<Thread> receivedOn = new CopyOnWriteArrayList<>();
    /** The event loop of each socket when it connected. */
    private final Map<String, EventLoop> connectedOn = new ConcurrentHashMap<>();
    private final List<ManagedProcess> processes = new ArrayList<>();

    @BeforeAll
    static void node() {
        Node.require();
    }

    private void start(EngineOptions.Builder options) {
        server = EngineServer.create(options.build()).onConnection(s -> {
            sockets.add(s);
            connectedOn.put(s.id(), s.eventLoop());
            s.setListener(new EngineSocket.Listener() {
                @Override
                public void onMessage(String text) {
                    if (text.startsWith("seq:")) {
                        received.add(text);
                        receivedOn.add(Thread.currentThread());
                    } else {
                        events.add("message:" + text);
                    }
                    s.send(text);
                }

                @Override
                public void onBinary(byte[] data) {
                    events.add("binary:" + WsClient.hex(data));
                    s.send(data);
                }

                @Override
                public void onUpgrade(String transport) {
                    events.add("upgrade:" + transport);
                }

                @Override
                public void onClose(String reason, Throwable cause) {
                    events.add("close:" + reason);
                }
            });
        });
        port = TestPorts.start(server);
    }

    @AfterEach
    void tearDown() {
        for (ManagedProcess p : processes) {
            p.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private ManagedProcess client(String optionsJson) {
        ManagedProcess p = Node.start(CLIENT, Map.of(), "http://127.0.0.1:" + port, optionsJson);
        processes.add(p);
        return p;
    }

    private static String json(String s) throws Exception {
        return ASCII_JSON.writeValueAsString(s);
    }

    private static String unjson(String s) throws Exception {
        return ASCII_JSON.readValue(s, String.class);
    }

    private void roundTrips(ManagedProcess c) throws Exception {
        String emoji = "héllo wörld € 日本語 😀🎉";
        c.send("text " + json("hello"));
        assertThat(unjson(c.awaitPrefix("TEXT ", WAIT))).isEqualTo("hello");
        c.send("text " + json(emoji));
        assertThat(unjson(c.awaitPrefix("TEXT ", WAIT))).isEqualTo(emoji);
        c.send("binary 00017f80ff");
        assertThat(c.awaitPrefix("BINARY ", WAIT)).isEqualTo("00017f80ff");
        await().until(() -> events.contains("binary:00017f80ff"));
        assertThat(events).contains("message:hello", "message:" + emoji);
        // server to client without a request first
        sockets.get(0).send("from server ✓");
        assertThat(unjson(c.awaitPrefix("TEXT ", WAIT))).isEqualTo("from server ✓");
        sockets.get(0).send(new byte[] {9, 8, 7});
        assertThat(c.awaitPrefix("BINARY ", WAIT)).isEqualTo("090807");
    }

    @Test
    void handshakeAndUpgradeWithDefaultTransports() throws Exception {
        start(EngineOptions.builder());
        ManagedProcess c = client("{}");
        String[] open = c.awaitPrefix("OPEN ", WAIT).split(" ");
        assertThat(open[1]).isEqualTo("polling");
        assertThat(c.awaitPrefix("UPGRADE ", WAIT)).isEqualTo("websocket");
        await().until(() -> events.contains("upgrade:websocket"));
        assertThat(sockets).hasSize(1);
        assertThat(sockets.get(0).id()).isEqualTo(open[0]);
        assertThat(sockets.get(0).transport()).isEqualTo("websocket");
        roundTrips(c);
    }

    @Test
    void pollingOnly() throws Exception {
        start(EngineOptions.builder());
        ManagedProcess c = client("{\"transports\":[\"polling\"]}");
        assertThat(c.awaitPrefix("OPEN ", WAIT)).endsWith(" polling");
        await().until(() -> sockets.size() == 1);
        roundTrips(c);
        assertThat(sockets.get(0).transport()).isEqualTo("polling");
        assertThat(events).doesNotContain("upgrade:websocket");
    }

    @Test
    void webSocketOnly() throws Exception {
        start(EngineOptions.builder());
        ManagedProcess c = client("{\"transports\":[\"websocket\"]}");
        assertThat(c.awaitPrefix("OPEN ", WAIT)).endsWith(" websocket");
        await().until(() -> sockets.size() == 1);
        roundTrips(c);
    }

    @Test
    void webSocketOnlyWithPerMessageDeflate() throws Exception {
        start(EngineOptions.builder().perMessageDeflate(true));
        ManagedProcess c = client("{\"transports\":[\"websocket\"],\"perMessageDeflate\":{\"threshold\":0}}");
        assertThat(c.awaitPrefix("OPEN ", WAIT)).endsWith(" websocket");
        await().until(() -> sockets.size() == 1);
        String big = "compressible ".repeat(500);
        c.send("text " + json(big));
        assertThat(unjson(c.awaitPrefix("TEXT ", WAIT))).isEqualTo(big);
        roundTrips(c);
    }

    // repeated: an ordering race at the upgrade showed in about 1 of 8 runs (the buffer flushed from the old loop)
    @RepeatedTest(8)
    void upgradeUnderTrafficLosesAndReordersNothing() throws Exception {
        start(EngineOptions.builder());
        ManagedProcess c = client("{\"seqOnOpen\":300}"); // flowing from the open, before the upgrade
        assertThat(c.awaitPrefix("OPEN ", WAIT)).endsWith(" polling");
        String done = c.awaitLine(l -> l.startsWith("SEQ_DONE ") || l.startsWith("SEQ_ERR "), WAIT);
        assertThat(done).startsWith("SEQ_DONE ");
        String[] parts = done.split(" ");
        int total = Integer.parseInt(parts[1]);
        int upgradedAt = Integer.parseInt(parts[3]);
        // the upgrade happened while the sequence was flowing
        assertThat(upgradedAt).isGreaterThan(0).isLessThan(total);
        assertThat(c.output()).contains("UPGRADE websocket");
        await().until(() -> received.size() == total);
        for (int i = 0; i < total; i++) {
            assertThat(received.get(i)).isEqualTo("seq:" + i);
        }
    }

    /**
     * After the upgrade the session lives on the WebSocket channel's event loop, so its frames cross no thread:
     * with several loops, a session whose polling requests and WebSocket landed on different loops handles every
     * message sent over the WebSocket on the WebSocket's loop, while messages flow both ways (each is echoed) during
     * the upgrade, and none is lost, doubled or reordered.
     */
    // repeated: an ordering race at the upgrade showed in about 1 of 8 runs (the buffer flushed from the old loop)
    @RepeatedTest(8)
    void afterTheUpgradeTheSessionLivesOnTheWebSocketsLoop() throws Exception {
        start(EngineOptions.builder().ioThreads(3));
        for (int attempt = 1; ; attempt++) {
            // connections are spread over the loops in turn; with three loops, a client that opens two or three
            // connections (handshake, long-poll, WebSocket) has its WebSocket on another loop than its handshake
            assertThat(attempt).as("a session with its WebSocket on another loop than its polling").isLessThan(10);
            received.clear();
            receivedOn.clear();
            ManagedProcess c = client("{\"seqOnOpen\":300}"); // flowing from the open, before the upgrade
            String sid = c.awaitPrefix("OPEN ", WAIT).split(" ")[0];
            String done = c.awaitLine(l -> l.startsWith("SEQ_DONE ") || l.startsWith("SEQ_ERR "), WAIT);
            assertThat(done).startsWith("SEQ_DONE ");
            String[] parts = done.split(" ");
            int total = Integer.parseInt(parts[1]);
            int upgradedAt = Integer.parseInt(parts[3]);
            await().until(() -> received.size() == total);
            for (int i = 0; i < total; i++) {
                assertThat(received.get(i)).isEqualTo("seq:" + i);
            }
            Session session = server.session(sid);
            EventLoop pollingLoop = connectedOn.get(sid);
            EventLoop wsLoop = session.webSocketLoop();
            assertThat(wsLoop).isNotNull();
            if (wsLoop == pollingLoop) {
                c.close();
                continue;
            }
            assertThat(upgradedAt).isGreaterThan(0).isLessThan(total);
            for (int i = upgradedAt; i < total; i++) {
                assertThat(wsLoop.inEventLoop(receivedOn.get(i))).as("message %d handled on the WebSocket's loop", i)
                        .isTrue();
            }
            assertThat(session.eventLoop()).isSameAs(wsLoop);
            // and the session goes on there: round trips both ways, then a clean close
            c.send("text " + json("after"));
            assertThat(unjson(c.awaitPrefix("TEXT ", WAIT))).isEqualTo("after");
            session.send("from server");
            assertThat(unjson(c.awaitPrefix("TEXT ", WAIT))).isEqualTo("from server");
            c.send("close");
            await().until(() -> !session.isOpen());
            return;
        }
    }

    @Test
    void clientClose() throws Exception {
        start(EngineOptions.builder());
        ManagedProcess c = client("{\"transports\":[\"websocket\"]}");
        c.awaitPrefix("OPEN ", WAIT);
        c.send("close");
        assertThat(c.awaitPrefix("CLOSE ", WAIT)).isEqualTo("forced close");
        await().until(() -> events.contains("close:transport close"));
        ManagedProcess p = client("{\"transports\":[\"polling\"]}");
        p.awaitPrefix("OPEN ", WAIT);
        p.send("close");
        assertThat(p.awaitPrefix("CLOSE ", WAIT)).isEqualTo("forced close");
        await().until(() -> events.stream().filter("close:transport close"::equals).count() == 2);
        assertThat(server.clientsCount()).isZero();
    }

    @Test
    void serverCloseOverEachTransport() throws Exception {
        start(EngineOptions.builder());
        ManagedProcess ws = client("{\"transports\":[\"websocket\"]}");
        ws.awaitPrefix("OPEN ", WAIT);
        ManagedProcess polling = client("{\"transports\":[\"polling\"]}");
        polling.awaitPrefix("OPEN ", WAIT);
        await().until(() -> sockets.size() == 2);
        for (EngineSocket s : sockets) {
            s.close();
        }
        assertThat(ws.awaitPrefix("CLOSE ", WAIT)).isEqualTo("transport close");
        assertThat(polling.awaitPrefix("CLOSE ", WAIT)).isEqualTo("transport close");
        await().until(() -> events.stream().filter("close:forced close"::equals).count() == 2);
    }

    @Test
    void serverShutdownClosesClients() throws Exception {
        start(EngineOptions.builder());
        ManagedProcess c = client("{}");
        c.awaitPrefix("UPGRADE ", WAIT);
        server.close();
        assertThat(c.awaitPrefix("CLOSE ", WAIT)).isEqualTo("transport close");
        assertThat(events).contains("close:server shutting down");
    }

    @Test
    void pingTimeoutOfAClientThatStopsAnswering() throws Exception {
        start(EngineOptions.builder().pingInterval(Duration.ofMillis(200)).pingTimeout(Duration.ofMillis(200)));
        // a raw client: the polling handshake, then silence (no GET, no pong)
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> open = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/engine.io/?EIO=4&transport=polling")).build(), HttpResponse.BodyHandlers.ofString());
        String sid = EngineHarness.sidOf(open.body());
        // meanwhile a real client keeps answering and stays
        ManagedProcess c = client("{\"transports\":[\"websocket\"]}");
        c.awaitPrefix("OPEN ", WAIT);
        await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("close:ping timeout"));
        HttpResponse<String> after = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/engine.io/?EIO=4&transport=polling&sid=" + sid)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(after.statusCode()).isEqualTo(400);
        assertThat(events.stream().filter("close:ping timeout"::equals).count()).isEqualTo(1);
        c.send("text " + json("alive"));
        assertThat(unjson(c.awaitPrefix("TEXT ", WAIT))).isEqualTo("alive");
    }

    @Test
    void oversizePayloadIsRejected() throws Exception {
        start(EngineOptions.builder().maxHttpBufferSize(1000));
        String big = "x".repeat(5000);
        ManagedProcess ws = client("{\"transports\":[\"websocket\"]}");
        ws.awaitPrefix("OPEN ", WAIT);
        ws.send("text " + json(big));
        assertThat(ws.awaitPrefix("CLOSE ", WAIT)).isEqualTo("transport close");
        ManagedProcess polling = client("{\"transports\":[\"polling\"]}");
        polling.awaitPrefix("OPEN ", WAIT);
        polling.send("text " + json(big));
        // the 413 and the close packet "1" answering the pending GET race, as with engine.io
        assertThat(polling.awaitPrefix("CLOSE ", WAIT)).isIn("transport error", "transport close");
        await().until(() -> events.stream().filter(e -> e.startsWith("close:transport")).count() == 2);
        assertThat(events).doesNotContain("message:" + big);
    }

    /** engine.io-client's test "provides details when maxHttpBufferSize is reached (websocket)", against Duplex. */
    @Test
    void maxHttpBufferSizeOverWebSocketClosesWith1009AndAnEmptyReason() throws Exception {
        start(EngineOptions.builder().maxHttpBufferSize(100));
        ManagedProcess ws = client("{\"transports\":[\"websocket\"]}");
        ws.awaitPrefix("OPEN ", WAIT);
        ws.send("text " + json("a".repeat(101)));
        assertThat(ws.awaitPrefix("CLOSE ", WAIT)).isEqualTo("transport close");
        JsonNode details = ASCII_JSON.readTree(unjson(ws.awaitPrefix("CLOSE_DETAILS ", WAIT)));
        assertThat(details.get("description").asText()).isEqualTo("websocket connection closed");
        assertThat(details.get("code").asInt()).isEqualTo(1009);
        assertThat(details.get("reason").asText()).isEmpty();
        await().until(() -> events.contains("close:transport error"));
    }

    @Test
    void hundredSessionsAtOnce() throws Exception {
        start(EngineOptions.builder());
        ManagedProcess many = Node.start(MANY, Map.of(), "http://127.0.0.1:" + port, "100");
        processes.add(many);
        assertThat(many.awaitLine(l -> l.startsWith("ALL_ECHOED") || l.startsWith("FAIL"), Duration.ofSeconds(60)))
                .isEqualTo("ALL_ECHOED 100");
        await().until(() -> server.clientsCount() == 100);
        assertThat(sockets).hasSize(100);
        assertThat(sockets.stream().map(EngineSocket::id).distinct().count()).isEqualTo(100);
        many.send("close");
        assertThat(many.awaitLine(l -> l.startsWith("ALL_CLOSED") || l.startsWith("FAIL"), Duration.ofSeconds(60)))
                .isEqualTo("ALL_CLOSED 100");
        await().until(() -> server.clientsCount() == 0);
    }
}
