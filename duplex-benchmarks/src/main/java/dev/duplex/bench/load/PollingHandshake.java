package dev.duplex.bench.load;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first half of the way the official client connects by default: over HTTP long-polling, the Engine.IO open
 * ({@code GET ...transport=polling}), the Socket.IO CONNECT ({@code POST 40}), its answer ({@code GET}: {@code
 * 40{"sid":...}}), and one more {@code GET} left pending as the client's next poll (the server ends it with a
 * {@code noop} or closes it when the session moves to WebSocket). The second half, the WebSocket upgrade
 * ({@code 2probe}, {@code 3probe}, {@code 5}), is {@link WsConnection}'s with a session id. Uses the JDK's HTTP
 * client (its own threads) for this set-up only: nothing of it runs during a measurement window except the pending
 * polls' completion.
 */
final class PollingHandshake {
    private static final Pattern SID = Pattern.compile("\"sid\":\"([^\"]+)\"");

    /**
     * Seconds the JDK's HTTP client keeps an idle connection before it closes it itself (its default in Java 17 is
     * 1,200 s; Duplex's and Node's servers close theirs after 5 s): the HTTP connections of the polling handshakes
     * are closed from the generator's side about a second after their last request, not by the server's keep-alive
     * timer in the middle of a later window. Read once, when the client's connection pool class is loaded: this
     * class is the only user of {@code java.net.http} in the harness.
     */
    static final int KEEP_ALIVE_SECONDS = 1;

    static {
        if (System.getProperty("jdk.httpclient.keepalive.timeout") == null) {
            System.setProperty("jdk.httpclient.keepalive.timeout", Integer.toString(KEEP_ALIVE_SECONDS));
        }
    }

    private final HttpClient http;
    private final String base;
    private final List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();

    PollingHandshake(InetSocketAddress server) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.base = "http://" + server.getAddress().getHostAddress() + ":" + server.getPort()
                + "/socket.io/?EIO=4&transport=polling";
    }

    /** Opens {@code n} sessions over polling, {@code parallel} at a time; returns their Engine.IO session ids. */
    List<String> open(int n, int parallel, long timeoutSeconds) {
        List<String> sids = new ArrayList<>(n);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (int from = 0; from < n; from += parallel) {
            List<CompletableFuture<String>> batch = new ArrayList<>();
            for (int i = from; i < Math.min(n, from + parallel); i++) {
                batch.add(openOne());
            }
            for (CompletableFuture<String> f : batch) {
                try {
                    sids.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    throw new IllegalStateException("polling handshake: only " + sids.size() + " of " + n
                            + " sessions within " + timeoutSeconds + " s");
                } catch (ExecutionException e) {
                    throw new IllegalStateException("polling handshake failed: " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        return sids;
    }

    private CompletableFuture<String> openOne() {
        return get(base).thenCompose(open -> {
            Matcher m = SID.matcher(open);
            if (!open.startsWith("0") || !m.find()) {
                throw new IllegalStateException("not an Engine.IO open packet: " + open);
            }
            String sid = m.group(1);
            String url = base + "&sid=" + sid;
            HttpRequest post = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "text/plain;charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofString("40")).build();
            return send(post, 2)
                    .thenCompose(r -> {
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException("POST 40: HTTP " + r.statusCode() + " " + r.body());
                        }
                        return awaitConnect(url, 3);
                    })
                    .thenApply(x -> {
                        synchronized (pending) {
                            // the client's next poll, left pending while it probes WebSocket
                            pending.add(http.sendAsync(HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(60)).GET().build(),
                                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
                        }
                        return sid;
                    });
        });
    }

    /** Polls until the CONNECT answer ({@code 40...}) arrives; a poll may carry only a noop or a ping first. */
    private CompletableFuture<String> awaitConnect(String url, int polls) {
        return get(url).thenCompose(body -> {
            for (String packet : body.split("\u001e")) {
                if (packet.startsWith("40")) {
                    return CompletableFuture.completedFuture(packet);
                }
                if (packet.startsWith("44")) {
                    throw new IllegalStateException("CONNECT refused: " + packet);
                }
            }
            if (polls <= 1) {
                throw new IllegalStateException("no CONNECT answer over polling; last poll: " + body);
            }
            return awaitConnect(url, polls - 1);
        });
    }

    /**
     * Sends a request; retried (at most {@code retries} times) when the connection failed before any response,
     * e.g. a kept-alive connection the server had closed (netty-socketio does).
     */
    private CompletableFuture<HttpResponse<String>> send(HttpRequest req, int retries) {
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .handle((r, e) -> {
                    if (e == null) {
                        return CompletableFuture.completedFuture(r);
                    }
                    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                            ? e.getCause() : e;
                    if (retries > 0 && cause instanceof java.io.IOException) {
                        return send(req, retries - 1);
                    }
                    return CompletableFuture.<HttpResponse<String>>failedFuture(cause);
                })
                .thenCompose(f -> f);
    }

    private CompletableFuture<String> get(String url) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build();
        return send(req, 2).thenApply(r -> {
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + url + ": HTTP " + r.statusCode() + " " + r.body());
            }
            return r.body();
        });
    }

    /** How many of the pending polls the server has ended so far (with a noop, or by closing them). */
    int pendingPollsEnded() {
        synchronized (pending) {
            return (int) pending.stream().filter(CompletableFuture::isDone).count();
        }
    }

    /** Cancels the polls still pending. */
    void close() {
        synchronized (pending) {
            pending.forEach(f -> f.cancel(true));
        }
    }
}
