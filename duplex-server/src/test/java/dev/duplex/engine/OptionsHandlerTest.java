package dev.duplex.engine;

import static dev.duplex.engine.EngineHarness.BASE;
import static dev.duplex.engine.EngineHarness.get;
import static dev.duplex.engine.EngineHarness.post;
import static dev.duplex.engine.EngineHarness.request;
import static dev.duplex.engine.EngineHarness.sidUri;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.engine.EngineHarness.Resp;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;

/** CORS, cookie, allowRequest, httpCompression and the option objects. */
class OptionsHandlerTest {

    private static EngineHarness with(EngineOptions.Builder b) {
        return new EngineHarness(b.build());
    }

    private static FullHttpRequest preflight(String origin, String requestHeaders) {
        FullHttpRequest req = request(HttpMethod.OPTIONS, BASE, null);
        req.headers().set(HttpHeaderNames.ORIGIN, origin);
        req.headers().set(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD, "POST");
        if (requestHeaders != null) {
            req.headers().set(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS, requestHeaders);
        }
        return req;
    }

    private static FullHttpRequest getFrom(String uri, String origin) {
        FullHttpRequest req = get(uri);
        req.headers().set(HttpHeaderNames.ORIGIN, origin);
        return req;
    }

    @Test
    void noCorsByDefault() {
        try (EngineHarness h = new EngineHarness()) {
            Resp r = h.exchange(getFrom(BASE, "http://example.com"));
            assertThat(r.status).isEqualTo(200);
            assertThat(r.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isNull();
            assertThat(h.exchange(preflight("http://example.com", null)).status).isEqualTo(400);
        }
    }

    @Test
    void corsAllowAll() {
        try (EngineHarness h = with(EngineOptions.builder().cors(CorsOptions.allowAll()))) {
            Resp pre = h.exchange(preflight("http://example.com", "content-type, x-custom"));
            assertThat(pre.status).isEqualTo(204);
            assertThat(pre.header(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo("0");
            assertThat(pre.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo("*");
            assertThat(pre.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS))
                    .isEqualTo("GET,HEAD,PUT,PATCH,POST,DELETE");
            assertThat(pre.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS)).isEqualTo("content-type, x-custom");
            assertThat(pre.header(HttpHeaderNames.VARY)).isEqualTo("Access-Control-Request-Headers");
            assertThat(pre.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS)).isNull();
            assertThat(h.sockets).isEmpty();

            Resp open = h.exchange(getFrom(BASE, "http://example.com"));
            assertThat(open.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo("*");
            assertThat(open.header(HttpHeaderNames.VARY)).isNull();
            // errors carry the CORS headers too, as the middleware runs before verify()
            Resp err = h.exchange(getFrom("/engine.io/?EIO=4&transport=nope", "http://example.com"));
            assertThat(err.status).isEqualTo(400);
            assertThat(err.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo("*");
            // and POST answers
            String sid = EngineHarness.sidOf(open.text());
            FullHttpRequest p = post(sidUri(sid), "4x");
            p.headers().set(HttpHeaderNames.ORIGIN, "http://example.com");
            assertThat(h.exchange(p).header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo("*");
        }
    }

    @Test
    void corsOriginListEchoesAllowedOriginsOnly() {
        CorsOptions cors = CorsOptions.builder().origins(List.of("https://a.test", "https://b.test"))
                .credentials(true).methods("GET", "POST").allowedHeaders("x-token").exposedHeaders("x-id", "x-v")
                .maxAge(Duration.ofMinutes(10)).build();
        try (EngineHarness h = with(EngineOptions.builder().cors(cors))) {
            Resp ok = h.exchange(getFrom(BASE, "https://b.test"));
            assertThat(ok.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo("https://b.test");
            assertThat(ok.header(HttpHeaderNames.VARY)).isEqualTo("Origin");
            assertThat(ok.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS)).isEqualTo("true");
            assertThat(ok.header(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS)).isEqualTo("x-id,x-v");

            Resp other = h.exchange(getFrom(BASE, "https://evil.test"));
            assertThat(other.status).isEqualTo(200);
            assertThat(other.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isNull();
            assertThat(other.header(HttpHeaderNames.VARY)).isEqualTo("Origin");

            Resp pre = h.exchange(preflight("https://a.test", "whatever"));
            assertThat(pre.status).isEqualTo(204);
            assertThat(pre.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo("https://a.test");
            assertThat(pre.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS)).isEqualTo("GET,POST");
            assertThat(pre.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS)).isEqualTo("x-token");
            assertThat(pre.header(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE)).isEqualTo("600");
            assertThat(pre.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS)).isEqualTo("true");
        }
    }

    @Test
    void corsPredicate() {
        CorsOptions cors = CorsOptions.builder().origin(o -> o != null && o.endsWith(".good.test")).build();
        try (EngineHarness h = with(EngineOptions.builder().cors(cors))) {
            Resp ok = h.exchange(getFrom(BASE, "https://x.good.test"));
            assertThat(ok.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo("https://x.good.test");
            assertThat(ok.header(HttpHeaderNames.VARY)).isEqualTo("Origin");
            // a refusing predicate adds no CORS header at all, like the cors package
            Resp no = h.exchange(getFrom(BASE, "https://bad.test"));
            assertThat(no.status).isEqualTo(200);
            assertThat(no.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isNull();
            assertThat(no.header(HttpHeaderNames.VARY)).isNull();
        }
        CorsOptions throwing = CorsOptions.builder().origin(o -> {
            throw new IllegalStateException("x");
        }).build();
        try (EngineHarness h = with(EngineOptions.builder().cors(throwing))) {
            Resp r = h.exchange(getFrom(BASE, "https://x.test"));
            assertThat(r.status).isEqualTo(200);
            assertThat(r.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isNull();
        }
    }

    @Test
    void corsFixedOrigin() {
        try (EngineHarness h = with(EngineOptions.builder().cors(CorsOptions.builder().origin("https://only.test")
                .build()))) {
            Resp r = h.exchange(getFrom(BASE, "https://other.test"));
            assertThat(r.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo("https://only.test");
            assertThat(r.header(HttpHeaderNames.VARY)).isEqualTo("Origin");
        }
    }

    @Test
    void cookieIsOffByDefaultAndSetOnTheHandshakeOnly() {
        try (EngineHarness h = new EngineHarness()) {
            assertThat(h.exchange(get(BASE)).header(HttpHeaderNames.SET_COOKIE)).isNull();
        }
        try (EngineHarness h = with(EngineOptions.builder().cookie(CookieOptions.defaults()))) {
            Resp open = h.exchange(get(BASE));
            String sid = EngineHarness.sidOf(open.text());
            assertThat(open.header(HttpHeaderNames.SET_COOKIE)).isEqualTo("io=" + sid + "; Path=/; HttpOnly; SameSite=Lax");
            h.sockets.get(0).send("x");
            assertThat(h.exchange(get(sidUri(sid))).header(HttpHeaderNames.SET_COOKIE)).isNull();
        }
        CookieOptions custom = CookieOptions.builder().name("sess").path("/app").httpOnly(false).sameSite("Strict")
                .secure(true).domain("example.com").maxAge(Duration.ofSeconds(60)).build();
        try (EngineHarness h = with(EngineOptions.builder().cookie(custom))) {
            Resp open = h.exchange(get(BASE));
            String sid = EngineHarness.sidOf(open.text());
            assertThat(open.header(HttpHeaderNames.SET_COOKIE))
                    .startsWith("sess=" + sid + "; Max-Age=60; Expires=")
                    .endsWith("GMT; Domain=example.com; Path=/app; Secure; SameSite=Strict");
        }
    }

    @Test
    void allowRequestRefusalIs403() {
        AtomicReference<EngineRequest> seen = new AtomicReference<>();
        AllowRequest refuse = req -> {
            seen.set(req);
            return CompletableFuture.completedFuture(false);
        };
        try (EngineHarness h = with(EngineOptions.builder().allowRequest(refuse))) {
            FullHttpRequest req = get(BASE + "&token=abc");
            req.headers().set("X-Custom", "v1");
            Resp r = h.exchange(req);
            assertThat(r.status).isEqualTo(403);
            assertThat(r.header(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
            assertThat(r.text()).isEqualTo("{\"code\":4,\"message\":\"Forbidden\"}");
            assertThat(h.sockets).isEmpty();
            assertThat(seen.get().query("token")).isEqualTo("abc");
            assertThat(seen.get().header("x-custom")).isEqualTo("v1");
            assertThat(seen.get().headers()).containsKey("x-custom");
            assertThat(seen.get().path()).isEqualTo("/engine.io/");
        }
    }

    @Test
    void allowRequestFailureOrThrowIs403() {
        try (EngineHarness h = with(EngineOptions.builder()
                .allowRequest(req -> CompletableFuture.failedFuture(new IllegalStateException("no"))))) {
            assertThat(h.exchange(get(BASE)).status).isEqualTo(403);
        }
        try (EngineHarness h = with(EngineOptions.builder().allowRequest(req -> {
            throw new IllegalStateException("no");
        }))) {
            assertThat(h.exchange(get(BASE)).status).isEqualTo(403);
        }
        try (EngineHarness h = with(EngineOptions.builder().allowRequest(req -> null))) {
            assertThat(h.exchange(get(BASE)).status).isEqualTo(403);
        }
    }

    @Test
    void allowRequestMayAnswerLater() {
        CompletableFuture<Boolean> verdict = new CompletableFuture<>();
        try (EngineHarness h = with(EngineOptions.builder().allowRequest(req -> verdict))) {
            var ch = h.channel();
            assertThat(EngineHarness.exchange(ch, get(BASE))).isNull();
            verdict.complete(true);
            Resp r = EngineHarness.read(ch);
            assertThat(r.status).isEqualTo(200);
            assertThat(r.text()).startsWith("0{\"sid\":");
            assertThat(h.sockets).hasSize(1);
            // requests of an existing session are not filtered
            String sid = EngineHarness.sidOf(r.text());
            assertThat(h.exchange(post(sidUri(sid), "4a")).status).isEqualTo(200);
        }
    }

    @Test
    void allowRequestWithoutAnswerIsRefusedAtTheTimeout() {
        CompletableFuture<Boolean> never = new CompletableFuture<>();
        try (EngineHarness h = with(EngineOptions.builder().allowRequest(req -> never)
                .allowRequestTimeout(Duration.ofSeconds(5)))) {
            var ch = h.channel();
            ch.freezeTime();
            assertThat(EngineHarness.exchange(ch, get(BASE))).isNull();
            ch.advanceTimeBy(4900, java.util.concurrent.TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            assertThat(EngineHarness.read(ch)).isNull();
            ch.advanceTimeBy(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            Resp r = EngineHarness.read(ch);
            assertThat(r).isNotNull();
            assertThat(r.status).isEqualTo(403);
            assertThat(r.text()).isEqualTo("{\"code\":4,\"message\":\"Forbidden\"}");
            // a late answer changes nothing
            never.complete(true);
            ch.runPendingTasks();
            assertThat(EngineHarness.read(ch)).isNull();
            assertThat(h.sockets).isEmpty();
            assertThat(h.server.clientsCount()).isZero();
        }
    }

    @Test
    void allowRequestTimeoutOfAWebSocketUpgradeIs400AndAClosedConnectionIsForgotten() {
        CompletableFuture<Boolean> never = new CompletableFuture<>();
        try (EngineHarness h = with(EngineOptions.builder().allowRequest(req -> never)
                .allowRequestTimeout(Duration.ofSeconds(1)))) {
            var ch = h.channel();
            ch.freezeTime();
            FullHttpRequest up = get("/engine.io/?EIO=4&transport=websocket");
            up.headers().set(HttpHeaderNames.UPGRADE, "websocket").set(HttpHeaderNames.CONNECTION, "Upgrade");
            assertThat(EngineHarness.exchange(ch, up)).isNull();
            ch.advanceTimeBy(1, java.util.concurrent.TimeUnit.SECONDS);
            ch.runScheduledPendingTasks();
            Resp r = EngineHarness.read(ch);
            assertThat(r.status).isEqualTo(400);
            assertThat(r.text()).isEqualTo("Forbidden");
            assertThat(ch.isOpen()).isFalse();
            // a connection closed while waiting: its request is released at once (the leak detector checks)
            var other = h.channel();
            assertThat(EngineHarness.exchange(other, get(BASE))).isNull();
            other.close();
            never.complete(true);
            other.runPendingTasks();
            assertThat(h.sockets).isEmpty();
        }
    }

    private static String gunzip(byte[] b) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String inflate(byte[] b) throws IOException {
        try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(b))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void httpCompressionAboveThreshold() throws IOException {
        String big = "é".repeat(1000);
        try (EngineHarness h = new EngineHarness()) {
            String sid = h.handshake();
            EngineSocket s = h.sockets.get(0);
            s.send(big);
            FullHttpRequest gz = get(sidUri(sid));
            gz.headers().set(HttpHeaderNames.ACCEPT_ENCODING, "gzip, deflate, br");
            Resp r = h.exchange(gz);
            assertThat(r.header(HttpHeaderNames.CONTENT_ENCODING)).isEqualTo("gzip");
            assertThat(Integer.parseInt(r.header(HttpHeaderNames.CONTENT_LENGTH))).isEqualTo(r.body.length);
            assertThat(gunzip(r.body)).isEqualTo("4" + big);

            s.send(big);
            FullHttpRequest df = get(sidUri(sid));
            df.headers().set(HttpHeaderNames.ACCEPT_ENCODING, "gzip;q=0.5, deflate");
            Resp r2 = h.exchange(df);
            assertThat(r2.header(HttpHeaderNames.CONTENT_ENCODING)).isEqualTo("deflate");
            assertThat(inflate(r2.body)).isEqualTo("4" + big);

            s.send("small");
            FullHttpRequest small = get(sidUri(sid));
            small.headers().set(HttpHeaderNames.ACCEPT_ENCODING, "gzip");
            Resp r3 = h.exchange(small);
            assertThat(r3.header(HttpHeaderNames.CONTENT_ENCODING)).isNull();
            assertThat(r3.text()).isEqualTo("4small");

            s.send(big);
            Resp r4 = h.exchange(get(sidUri(sid)));
            assertThat(r4.header(HttpHeaderNames.CONTENT_ENCODING)).isNull();
            assertThat(r4.text()).isEqualTo("4" + big);
        }
        try (EngineHarness h = with(EngineOptions.builder().httpCompression(false))) {
            String sid = h.handshake();
            h.sockets.get(0).send(big);
            FullHttpRequest gz = get(sidUri(sid));
            gz.headers().set(HttpHeaderNames.ACCEPT_ENCODING, "gzip");
            Resp r = h.exchange(gz);
            assertThat(r.header(HttpHeaderNames.CONTENT_ENCODING)).isNull();
            assertThat(r.text()).isEqualTo("4" + big);
        }
    }

    @Test
    void acceptEncodingNegotiation() {
        assertThat(HttpCompression.choose(null)).isNull();
        assertThat(HttpCompression.choose("identity")).isNull();
        assertThat(HttpCompression.choose("br")).isNull();
        assertThat(HttpCompression.choose("gzip")).isEqualTo("gzip");
        assertThat(HttpCompression.choose("deflate")).isEqualTo("deflate");
        assertThat(HttpCompression.choose("deflate, gzip")).isEqualTo("gzip");
        assertThat(HttpCompression.choose("gzip;q=0, deflate")).isEqualTo("deflate");
        assertThat(HttpCompression.choose("*")).isEqualTo("gzip");
        assertThat(HttpCompression.choose("gzip;q=0, deflate;q=0, *")).isNull();
        assertThat(HttpCompression.choose("gzip;q=abc")).isNull();
    }

    @Test
    void engineOptionsDefaultsAndBuilder() {
        EngineOptions d = EngineOptions.defaults();
        assertThat(d.path()).isEqualTo("/engine.io/");
        assertThat(d.pingInterval()).isEqualTo(Duration.ofSeconds(25));
        assertThat(d.pingTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(d.upgradeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.maxHttpBufferSize()).isEqualTo(1_000_000);
        assertThat(d.transports()).containsExactlyInAnyOrder("polling", "websocket");
        assertThat(d.allowUpgrades()).isTrue();
        assertThat(d.cors()).isNull();
        assertThat(d.cookie()).isNull();
        assertThat(d.allowRequest()).isNull();
        assertThat(d.allowRequestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.toBuilder().allowRequestTimeout(Duration.ofMillis(1500)).build().allowRequestTimeout())
                .isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> EngineOptions.builder().allowRequestTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(d.perMessageDeflate()).isFalse();
        assertThat(d.httpCompression()).isTrue();
        assertThat(d.ioThreads()).isZero();

        EngineOptions o = d.toBuilder().path("/x").pingInterval(Duration.ofMillis(300)).ioThreads(2)
                .transports(Set.of("websocket")).build();
        assertThat(o.path()).isEqualTo("/x/");
        assertThat(o.pingInterval()).isEqualTo(Duration.ofMillis(300));
        assertThat(o.transports()).containsExactly("websocket");
        assertThat(o.toBuilder().build().path()).isEqualTo("/x/");
        assertThat(d.path()).isEqualTo("/engine.io/");

        assertThatThrownBy(() -> EngineOptions.builder().transports(Set.of("carrier-pigeon")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EngineOptions.builder().pingInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EngineOptions.builder().maxHttpBufferSize(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(CorsOptions.allowAll().origin()).isEqualTo("*");
        assertThat(CookieOptions.defaults().name()).isEqualTo("io");
        assertThat(CookieOptions.defaults().sameSite()).isEqualTo("Lax");
        assertThat(CookieOptions.defaults().httpOnly()).isTrue();
        assertThat(CookieOptions.defaults().path()).isEqualTo("/");
    }
}
