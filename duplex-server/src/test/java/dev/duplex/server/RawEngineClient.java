package dev.duplex.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/** A raw Engine.IO v4 WebSocket client (java.net.http) that sends exactly what a test tells it to. */
final class RawEngineClient implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    final List<Object> received = new CopyOnWriteArrayList<>();
    volatile boolean closed;
    /** When false, pings are not answered (to provoke a ping timeout). */
    volatile boolean answerPings = true;
    private final WebSocket ws;
    private final StringBuilder partial = new StringBuilder();

    RawEngineClient(int port) {
        this(port, null);
        awaitText(s -> s.startsWith("0{"));
    }

    /** A WebSocket to the session {@code sid} (an upgrade candidate), or a new session when null. */
    private RawEngineClient(int port, String sid) {
        try {
            ws = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create("ws://localhost:" + port + "/socket.io/?EIO=4&transport=websocket"
                                    + (sid == null ? "" : "&sid=" + sid)),
                            new Listener())
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not connect", e);
        }
    }

    /**
     * Connects as the official client does by default: the Engine.IO open and {@code 40} over HTTP long-polling,
     * one poll left pending, then the upgrade ({@code 2probe}, {@code 3probe}, {@code 5}) to a WebSocket, which
     * the returned client speaks on. Main namespace.
     */
    static RawEngineClient upgraded(int port) {
        String base = "http://localhost:" + port + "/socket.io/?EIO=4&transport=polling";
        try {
            String open = HTTP.send(java.net.http.HttpRequest.newBuilder(URI.create(base)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            int at = open.indexOf("\"sid\":\"") + 7;
            String sid = open.substring(at, open.indexOf('"', at));
            URI session = URI.create(base + "&sid=" + sid);
            HTTP.send(java.net.http.HttpRequest.newBuilder(session)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("40")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            String connect = HTTP.send(java.net.http.HttpRequest.newBuilder(session).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            if (!connect.startsWith("40{")) {
                throw new AssertionError("no CONNECT over polling: " + connect);
            }
            var pending = HTTP.sendAsync(java.net.http.HttpRequest.newBuilder(session).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            RawEngineClient c = new RawEngineClient(port, sid);
            c.sendText("2probe");
            c.awaitText("3probe"::equals);
            // the pending poll is answered with a noop once the probe succeeded
            pending.get(10, TimeUnit.SECONDS);
            c.sendText("5");
            c.received.clear();
            return c;
        } catch (Exception e) {
            throw new AssertionError("could not connect over polling and upgrade", e);
        }
    }

    /** Opens and connects to a namespace ("/" or "/x"); returns the socket id from the CONNECT reply. */
    static RawEngineClient connected(int port, String nsp) {
        RawEngineClient c = new RawEngineClient(port);
        String prefix = "/".equals(nsp) ? "40" : "40" + nsp + ",";
        c.sendText("/".equals(nsp) ? "40" : "40" + nsp + ",");
        c.awaitText(s -> s.startsWith(prefix + "{"));
        return c;
    }

    String socketId(String nsp) {
        String prefix = "/".equals(nsp) ? "40" : "40" + nsp + ",";
        String reply = awaitText(s -> s.startsWith(prefix + "{"));
        return reply.substring(reply.indexOf("\"sid\":\"") + 7, reply.lastIndexOf('"'));
    }

    void sendText(String text) {
        ws.sendText(text, true).join();
    }

    void sendBinary(byte[] data) {
        ws.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    String awaitText(Predicate<String> match) {
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).atMost(Duration.ofSeconds(10))
                .until(() -> texts().stream().anyMatch(match));
        return texts().stream().filter(match).findFirst().orElseThrow();
    }

    List<String> texts() {
        return received.stream().filter(o -> o instanceof String).map(o -> (String) o).toList();
    }

    void awaitClosed() {
        await().atMost(Duration.ofSeconds(10)).until(() -> closed);
    }

    @Override
    public void close() {
        if (!closed) {
            ws.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                received.add(text);
                if (text.equals("2") && answerPings) {
                    webSocket.sendText("3", true);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            received.add(bytes);
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed = true;
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed = true;
        }
    }
}
