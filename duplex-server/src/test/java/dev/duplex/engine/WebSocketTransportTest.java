package dev.duplex.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The WebSocket transport and the polling to WebSocket upgrade, over real sockets with the JDK's clients. */
class WebSocketTransportTest {
    private EngineServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<EngineSocket> sockets = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    private int start(EngineOptions options) {
        server = EngineServer.create(options).onConnection(s -> {
            sockets.add(s);
            s.setListener(new EngineSocket.Listener() {
                @Override
                public void onMessage(String text) {
                    events.add("message:" + text);
                    s.send(text);
                }

                @Override
                public void onBinary(byte[] data) {
                    events.add("binary:" + data.length);
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
        int port = TestPorts.start(server);
        assertThat(server.port()).isEqualTo(port);
        return port;
    }

    private int start() {
        return start(EngineOptions.builder().pingInterval(Duration.ofMillis(300))
                .pingTimeout(Duration.ofMillis(200)).build());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private WsClient ws(int port, String query) throws Exception {
        WsClient c = WsClient.connect(http, port, query);
        toClose.add(c);
        return c;
    }

    private HttpResponse<String> get(int port, String query) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/engine.io/?EIO=4&transport=polling" + query)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private CompletableFuture<HttpResponse<String>> getAsync(int port, String query) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/engine.io/?EIO=4&transport=polling" + query)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(int port, String sid, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/engine.io/?EIO=4&transport=polling&sid=" + sid)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static JsonNode open(String frame) {
        assertThat(frame).startsWith("T:0{");
        return EngineHarness.json(frame.substring(3));
    }

    @Test
    void directWebSocketEchoesTextBinaryAndEmoji() throws Exception {
        int port = start();
        WsClient c = ws(port, "");
        JsonNode open = open(c.next());
        assertThat(open.get("upgrades").toString()).isEqualTo("[]");
        assertThat(open.get("pingInterval").asInt()).isEqualTo(300);
        await().until(() -> sockets.size() == 1);
        assertThat(sockets.get(0).transport()).isEqualTo("websocket");
        assertThat(sockets.get(0).id()).isEqualTo(open.get("sid").asText());
        assertThat(sockets.get(0).request().remoteAddress().getAddress().isLoopbackAddress()).isTrue();
        c.send("4hello");
        assertThat(c.nextNonPing()).isEqualTo("T:4hello");
        c.send("4héllo 😀 日本");
        assertThat(c.nextNonPing()).isEqualTo("T:4héllo 😀 日本");
        c.sendBinary(new byte[] {1, 2, 3, 4});
        assertThat(c.nextNonPing()).isEqualTo("B:01020304");
        // a base64 text frame is a binary message too, as in engine.io's parser
        c.send("bAQI=");
        assertThat(c.nextNonPing()).isEqualTo("B:0102");
        c.send("4");
        assertThat(c.nextNonPing()).isEqualTo("T:4");
        assertThat(events).containsExactly("message:hello", "message:héllo 😀 日本", "binary:4", "binary:2",
                "message:");
    }

    @Test
    void firstFrameAfterOpenIsAPingAndPongsKeepTheSession() throws Exception {
        int port = start();
        WsClient c = ws(port, "");
        open(c.next());
        for (int i = 0; i < 3; i++) {
            assertThat(c.next()).isEqualTo("T:2");
            c.send("3");
        }
        assertThat(events).isEmpty();
        assertThat(server.clientsCount()).isEqualTo(1);
    }

    @Test
    void noPongClosesWithPingTimeout() throws Exception {
        int port = start();
        WsClient c = ws(port, "");
        open(c.next());
        assertThat(c.next()).isEqualTo("T:2");
        assertThat(c.closed.get(5, TimeUnit.SECONDS)).isNotNull();
        await().until(() -> events.contains("close:ping timeout"));
        assertThat(server.clientsCount()).isZero();
    }

    @Test
    void invalidFrameClosesWithParseError() throws Exception {
        int port = start();
        WsClient c = ws(port, "");
        open(c.next());
        c.send("abc");
        c.closed.get(5, TimeUnit.SECONDS);
        await().until(() -> events.contains("close:parse error"));
        WsClient c2 = ws(port, "");
        open(c2.next());
        c2.send("");
        c2.closed.get(5, TimeUnit.SECONDS);
        await().until(() -> events.stream().filter("close:parse error"::equals).count() == 2);
    }

    @Test
    void clientPingIsAnError() throws Exception {
        int port = start();
        WsClient c = ws(port, "");
        open(c.next());
        c.send("2");
        c.closed.get(5, TimeUnit.SECONDS);
        await().until(() -> events.contains("close:transport error"));
    }

    @Test
    void clientCloseIsTransportClose() throws Exception {
        int port = start();
        WsClient c = ws(port, "");
        open(c.next());
        c.send("1");
        c.closed.get(5, TimeUnit.SECONDS);
        await().until(() -> events.contains("close:transport close"));
        WsClient c2 = ws(port, "");
        open(c2.next());
        c2.ws.sendClose(1000, "bye").join();
        await().until(() -> events.stream().filter("close:transport close"::equals).count() == 2);
    }

    @Test
    void oversizeFrameClosesTheSession() throws Exception {
        int port = start(EngineOptions.builder().maxHttpBufferSize(100).build());
        WsClient c = ws(port, "");
        open(c.next());
        c.send("4" + "x".repeat(99));
        assertThat(c.next()).isEqualTo("T:4" + "x".repeat(99));
        c.send("4" + "x".repeat(200));
        c.closed.get(5, TimeUnit.SECONDS);
        await().until(() -> events.stream().anyMatch(e -> e.startsWith("close:transport")));
        assertThat(events).doesNotContain("message:" + "x".repeat(200));
    }

    @Test
    void serverCloseClosesTheWebSocket() throws Exception {
        int port = start();
        WsClient c = ws(port, "");
        open(c.next());
        await().until(() -> sockets.size() == 1);
        sockets.get(0).send("before close");
        sockets.get(0).close();
        assertThat(c.nextNonPing()).isEqualTo("T:4before close");
        c.closed.get(5, TimeUnit.SECONDS);
        await().until(() -> events.contains("close:forced close"));
        assertThat(sockets.get(0).isOpen()).isFalse();
    }

    @Test
    void sendsFromAnotherThreadStayOrdered() throws Exception {
        int port = start(EngineOptions.defaults());
        WsClient c = ws(port, "");
        open(c.next());
        await().until(() -> sockets.size() == 1);
        EngineSocket s = sockets.get(0);
        Thread t = new Thread(() -> {
            for (int i = 0; i < 2000; i++) {
                s.send(Integer.toString(i));
            }
        });
        t.start();
        t.join();
        for (int i = 0; i < 2000; i++) {
            assertThat(c.next()).isEqualTo("T:4" + i);
        }
    }

    @Test
    void upgradeFromPolling() throws Exception {
        int port = start(EngineOptions.defaults());
        HttpResponse<String> hs = get(port, "");
        String sid = EngineHarness.sidOf(hs.body());
        CompletableFuture<HttpResponse<String>> pending = getAsync(port, "&sid=" + sid);
        WsClient c = ws(port, "&sid=" + sid);
        c.send("2probe");
        assertThat(c.next()).isEqualTo("T:3probe");
        // the pending GET is released with a noop, and so is any GET during the upgrade
        assertThat(pending.get(5, TimeUnit.SECONDS).body()).isEqualTo("6");
        assertThat(get(port, "&sid=" + sid).body()).isEqualTo("6");
        await().until(() -> sockets.size() == 1);
        // sent while upgrading with no GET pending: must arrive over the websocket, in order
        sockets.get(0).send("a");
        sockets.get(0).send("b");
        c.send("5");
        assertThat(c.next()).isEqualTo("T:4a");
        assertThat(c.next()).isEqualTo("T:4b");
        await().until(() -> events.contains("upgrade:websocket"));
        assertThat(sockets.get(0).transport()).isEqualTo("websocket");
        HttpResponse<String> after = get(port, "&sid=" + sid);
        assertThat(after.statusCode()).isEqualTo(400);
        assertThat(after.body()).isEqualTo("{\"code\":3,\"message\":\"Bad request\"}");
        WsClient second = ws(port, "&sid=" + sid);
        second.closed.get(5, TimeUnit.SECONDS);
        c.send("4hello");
        assertThat(c.next()).isEqualTo("T:4hello");
        assertThat(server.clientsCount()).isEqualTo(1);
    }

    @Test
    void upgradeTimesOutWithoutProbe() throws Exception {
        int port = start(EngineOptions.builder().upgradeTimeout(Duration.ofMillis(200)).build());
        String sid = EngineHarness.sidOf(get(port, "").body());
        WsClient c = ws(port, "&sid=" + sid);
        c.closed.get(5, TimeUnit.SECONDS);
        assertThat(sockets.get(0).transport()).isEqualTo("polling");
        assertThat(post(port, sid, "4still polling").body()).isEqualTo("ok");
        assertThat(get(port, "&sid=" + sid).body()).isEqualTo("4still polling");
    }

    @Test
    void badPacketDuringUpgradeCancelsIt() throws Exception {
        int port = start(EngineOptions.defaults());
        String sid = EngineHarness.sidOf(get(port, "").body());
        WsClient c = ws(port, "&sid=" + sid);
        c.send("4not a probe");
        c.closed.get(5, TimeUnit.SECONDS);
        assertThat(server.clientsCount()).isEqualTo(1);
        // a new attempt works
        WsClient c2 = ws(port, "&sid=" + sid);
        c2.send("2probe");
        assertThat(c2.next()).isEqualTo("T:3probe");
        c2.send("5");
        c2.send("4ok");
        assertThat(c2.next()).isEqualTo("T:4ok");
    }

    @Test
    void slowReaderDoesNotStallOthers() throws Exception {
        // above the 25 MB queued here, so that the slow reader stays connected (past it, it is disconnected)
        int port = start(EngineOptions.builder().maxBufferedBytes(64L << 20).build());
        // a raw websocket client that never reads
        Socket raw = new Socket("127.0.0.1", port);
        toClose.add(raw);
        raw.setReceiveBufferSize(4096);
        OutputStream out = raw.getOutputStream();
        out.write(("GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: localhost\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = raw.getInputStream();
        byte[] head = new byte[12];
        assertThat(in.readNBytes(head, 0, 12)).isEqualTo(12);
        assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 101");
        await().until(() -> sockets.size() == 1);
        EngineSocket slow = sockets.get(0);
        String chunk = "z".repeat(64 * 1024);
        long t0 = System.nanoTime();
        for (int i = 0; i < 400; i++) {
            slow.send(chunk);
        }
        // 25 MB queued for a reader that does not read: send() never blocks
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5000);
        WsClient fast = ws(port, "");
        open(fast.next());
        for (int i = 0; i < 50; i++) {
            fast.send("4m" + i);
            assertThat(fast.next()).isEqualTo("T:4m" + i);
        }
        assertThat(slow.isOpen()).isTrue();
        slow.close();
    }

    @Test
    void closingTheServerFromAListenerDoesNotDeadlock() throws Exception {
        CompletableFuture<String> closed = new CompletableFuture<>();
        EngineServer own = EngineServer.create(EngineOptions.defaults());
        own.onConnection(s -> s.setListener(new EngineSocket.Listener() {
            @Override
            public void onMessage(String text) {
                own.close();
            }

            @Override
            public void onClose(String reason, Throwable cause) {
                closed.complete(reason);
            }
        }));
        int port = TestPorts.start(own);
        try {
            WsClient c = ws(port, "");
            open(c.next());
            c.send("4shutdown");
            assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo("server shutting down");
            c.closed.get(10, TimeUnit.SECONDS);
        } finally {
            own.close();
        }
    }

    @Test
    void startTwiceOrAfterCloseFails() {
        start();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> server.start(0))
                .isInstanceOf(IllegalStateException.class);
        server.close();
        server.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> server.start(0))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void webSocketHandshakeCarriesTheCookie() throws Exception {
        int port = start(EngineOptions.builder().cookie(CookieOptions.defaults()).build());
        try (Socket raw = new Socket("127.0.0.1", port)) {
            raw.getOutputStream().write(("GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: localhost\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(raw.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            List<String> head = new ArrayList<>();
            for (String line = r.readLine(); line != null && !line.isEmpty(); line = r.readLine()) {
                head.add(line.toLowerCase(java.util.Locale.ROOT));
            }
            assertThat(head.get(0)).startsWith("http/1.1 101");
            await().until(() -> sockets.size() == 1);
            assertThat(head).contains("set-cookie: io=" + sockets.get(0).id().toLowerCase(java.util.Locale.ROOT)
                    + "; path=/; httponly; samesite=lax");
        }
    }
}
