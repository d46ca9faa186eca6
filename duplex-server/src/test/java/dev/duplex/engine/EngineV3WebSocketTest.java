package dev.duplex.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Engine.IO v3 sessions over WebSocket (allowEIO3): binary frames with their type byte, b64, the v3 heartbeat. */
class EngineV3WebSocketTest {
    private EngineServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    private int start(EngineOptions options) {
        server = EngineServer.create(options).onConnection(s -> s.setListener(new EngineSocket.Listener() {
            @Override
            public void onMessage(String text) {
                events.add("message:" + text);
                s.send(text);
                if (text.equals("shared")) {
                    // a shared binary message (as a broadcast sends it) gets the v3 framing too
                    s.send(EngineMessage.binary(new byte[]{5, 6}));
                }
            }

            @Override
            public void onBinary(byte[] data) {
                events.add("binary:" + WsClient.hex(data));
                s.send(data);
            }

            @Override
            public void onClose(String reason, Throwable cause) {
                events.add("close:" + reason);
            }
        }));
        return TestPorts.start(server);
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
        WsClient c = WsClient.connect(http, port, "&EIO=3" + query);
        toClose.add(c);
        assertThat(c.next()).startsWith("T:0{\"sid\":").contains("\"upgrades\":[]");
        return c;
    }

    @Test
    void binaryFramesCarryTheTypeByte() throws Exception {
        int port = start(EngineOptions.builder().allowEIO3(true).build());
        WsClient c = ws(port, "");
        c.sendBinary(new byte[]{4, 1, 2, 3});
        assertThat(c.next()).isEqualTo("B:04010203");
        assertThat(events).containsExactly("binary:010203");
        c.send("4shared");
        assertThat(c.next()).isEqualTo("T:4shared");
        assertThat(c.next()).isEqualTo("B:040506");
        c.send("b4AQID");
        assertThat(c.next()).isEqualTo("B:04010203");
    }

    @Test
    void base64WebSocketGetsBinaryAsText() throws Exception {
        int port = start(EngineOptions.builder().allowEIO3(true).build());
        WsClient c = ws(port, "&b64=1");
        c.send("b4AQID");
        assertThat(c.next()).isEqualTo("T:b4AQID");
        c.send("4shared");
        assertThat(c.next()).isEqualTo("T:4shared");
        assertThat(c.next()).isEqualTo("T:b4BQY=");
    }

    @Test
    void clientPingsAreAnsweredAndTheServerNeverPings() throws Exception {
        int port = start(EngineOptions.builder().allowEIO3(true).pingInterval(Duration.ofMillis(100))
                .pingTimeout(Duration.ofMillis(5_000)).build());
        WsClient c = ws(port, "");
        c.send("2");
        assertThat(c.next()).isEqualTo("T:3");
        c.send("2probe");
        assertThat(c.next()).isEqualTo("T:3");
        // for three pingIntervals the server sends nothing by itself (a v4 session pings after one)
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(c.frames::isEmpty);
        c.send("4after");
        assertThat(c.next()).isEqualTo("T:4after");
    }

    @Test
    void noPingWithinIntervalPlusTimeoutClosesTheSession() throws Exception {
        int port = start(EngineOptions.builder().allowEIO3(true).pingInterval(Duration.ofMillis(100))
                .pingTimeout(Duration.ofMillis(100)).build());
        ws(port, "");
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("close:ping timeout"));
    }

    @Test
    void badFramesCloseTheSession() throws Exception {
        int port = start(EngineOptions.builder().allowEIO3(true).build());
        ws(port, "").sendBinary(new byte[]{2, 1});
        ws(port, "").send("b2AQID");
        ws(port, "").send("3");
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 3);
        assertThat(events).containsExactlyInAnyOrder("close:parse error", "close:parse error",
                "close:transport error");
    }
}
