package dev.duplex.engine;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A raw WebSocket test client (the JDK's): frames received are queued as "T:<text>", "B:<hex>" or "CLOSE". */
final class WsClient implements AutoCloseable {
    final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final WebSocket ws;

    private WsClient(HttpClient http, URI uri) throws Exception {
        this.ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();
                    private java.io.ByteArrayOutputStream bin = new java.io.ByteArrayOutputStream();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            frames.add("T:" + text);
                            text.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                        byte[] b = new byte[data.remaining()];
                        data.get(b);
                        bin.write(b, 0, b.length);
                        if (last) {
                            frames.add("B:" + hex(bin.toByteArray()));
                            bin = new java.io.ByteArrayOutputStream();
                        }
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                        frames.add("CLOSE");
                        closed.complete(status);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket w, Throwable error) {
                        frames.add("CLOSE");
                        closed.complete(-1);
                    }
                }).get(10, TimeUnit.SECONDS);
    }

    static WsClient connect(HttpClient http, int port, String query) throws Exception {
        return new WsClient(http, URI.create("ws://127.0.0.1:" + port + "/engine.io/?EIO=4&transport=websocket"
                + query));
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x & 0xff));
        }
        return sb.toString();
    }

    /** The next frame, failing after 10 s. */
    String next() throws InterruptedException {
        String f = frames.poll(10, TimeUnit.SECONDS);
        if (f == null) {
            throw new AssertionError("no frame within 10 s");
        }
        return f;
    }

    /** The next frame that is not a ping ("T:2"), answering pings with pongs. */
    String nextNonPing() throws InterruptedException {
        while (true) {
            String f = next();
            if (!"T:2".equals(f)) {
                return f;
            }
            send("3");
        }
    }

    void send(String text) {
        ws.sendText(text, true).join();
    }

    void sendBinary(byte[] data) {
        ws.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    @Override
    public void close() {
        ws.abort();
    }
}
