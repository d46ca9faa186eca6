package dev.duplex.engine;

import static dev.duplex.engine.EngineHarness.BASE;
import static dev.duplex.engine.EngineHarness.get;
import static dev.duplex.engine.EngineHarness.json;
import static dev.duplex.engine.EngineHarness.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.engine.EngineHarness.Resp;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** engine.io's connection_error event (its test/server.js cases) and allowRequest's refusal message. */
class ConnectionErrorTest {

    private static final class Harness implements AutoCloseable {
        final EngineHarness h;
        final List<ConnectionError> errors = new CopyOnWriteArrayList<>();

        Harness(EngineOptions options) {
            h = new EngineHarness(options);
            h.server.onConnectionError(errors::add);
        }

        ConnectionError only() {
            assertThat(errors).hasSize(1);
            return errors.get(0);
        }

        @Override
        public void close() {
            h.close();
        }
    }

    private static FullHttpRequest upgrade(String uri) {
        FullHttpRequest req = get(uri);
        req.headers().set(HttpHeaderNames.CONNECTION, "Upgrade");
        req.headers().set(HttpHeaderNames.UPGRADE, "websocket");
        req.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
        req.headers().set(HttpHeaderNames.SEC_WEBSOCKET_KEY, "DXR4dX615eRds8nRmlhqtw==");
        return req;
    }

    private static void assertError(ConnectionError e, int code, String message, Map<String, Object> context) {
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.message()).isEqualTo(message);
        assertThat(e.context()).isEqualTo(context);
        assertThat(e.request()).isNotNull();
    }

    @Test
    void unknownTransport() {
        try (Harness t = new Harness(EngineOptions.defaults())) {
            Resp r = t.h.exchange(get("/engine.io/?EIO=4&transport=tobi"));
            assertThat(r.status).isEqualTo(400);
            assertThat(r.text()).isEqualTo("{\"code\":0,\"message\":\"Transport unknown\"}");
            ConnectionError e = t.only();
            assertError(e, ConnectionError.UNKNOWN_TRANSPORT, "Transport unknown", Map.of("transport", "tobi"));
            assertThat(e.request().query("transport")).isEqualTo("tobi");
            assertThat(e.request().method()).isEqualTo("GET");

            // "constructor" and "__proto__" are names, not properties; no transport at all: no context key
            t.errors.clear();
            t.h.exchange(get("/engine.io/?EIO=4&transport=__proto__"));
            t.h.exchange(upgrade("/engine.io/?EIO=4&transport=constructor"));
            t.h.exchange(get("/engine.io/?EIO=4"));
            assertThat(t.errors).extracting(ConnectionError::context).containsExactly(
                    Map.of("transport", "__proto__"), Map.of("transport", "constructor"), Map.of());
            assertThat(t.errors).extracting(ConnectionError::code).containsOnly(0);
        }
    }

    @Test
    void unknownSid() {
        try (Harness t = new Harness(EngineOptions.defaults())) {
            Resp r = t.h.exchange(get(BASE + "&sid=test"));
            assertThat(r.status).isEqualTo(400);
            assertThat(json(r.text()).get("code").asInt()).isEqualTo(1);
            assertError(t.only(), ConnectionError.UNKNOWN_SID, "Session ID unknown", Map.of("sid", "test"));
        }
    }

    @Test
    void transportMismatchAndWebSocketWithoutUpgrade() {
        CorsOptions cors = CorsOptions.builder().origin("http://engine.io").credentials(true).build();
        try (Harness t = new Harness(EngineOptions.builder().cors(cors).build())) {
            String sid = t.h.handshake();
            Resp r = t.h.exchange(get("/engine.io/?EIO=4&transport=websocket&sid=" + sid));
            assertThat(r.status).isEqualTo(400);
            assertThat(r.text()).isEqualTo("{\"code\":3,\"message\":\"Bad request\"}");
            assertError(t.only(), ConnectionError.BAD_REQUEST, "Bad request", Map.of("name", "TRANSPORT_MISMATCH",
                    "transport", "websocket", "previousTransport", "polling"));
            // the session lives on
            assertThat(t.h.sockets).hasSize(1);

            t.errors.clear();
            FullHttpRequest req = get("/engine.io/?EIO=4&transport=websocket");
            req.headers().set(HttpHeaderNames.ORIGIN, "http://engine.io");
            r = t.h.exchange(req);
            assertThat(r.status).isEqualTo(400);
            assertThat(r.text()).isEqualTo("{\"code\":3,\"message\":\"Bad request\"}");
            assertThat(r.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo("http://engine.io");
            assertThat(r.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS)).isEqualTo("true");
            assertError(t.only(), ConnectionError.BAD_REQUEST, "Bad request",
                    Map.of("name", "TRANSPORT_HANDSHAKE_ERROR"));
        }
    }

    @Test
    void invalidOrigin() {
        try (Harness t = new Harness(EngineOptions.defaults())) {
            // Netty's decoder already refuses such headers; a request built without validation reaches the check
            FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, BASE,
                    Unpooled.EMPTY_BUFFER, DefaultHttpHeadersFactory.headersFactory().withValidation(false),
                    DefaultHttpHeadersFactory.trailersFactory());
            req.headers().set(HttpHeaderNames.ORIGIN, "http://engine.io/\u0007");
            Resp r = t.h.exchange(req);
            assertThat(r.status).isEqualTo(400);
            assertThat(json(r.text()).get("code").asInt()).isEqualTo(3);
            assertError(t.only(), ConnectionError.BAD_REQUEST, "Bad request",
                    Map.of("name", "INVALID_ORIGIN", "origin", "http://engine.io/\u0007"));
        }
    }

    @Test
    void badHandshakeMethodAndProtocolVersion() {
        try (Harness t = new Harness(EngineOptions.defaults())) {
            Resp r = t.h.exchange(request(HttpMethod.OPTIONS, BASE, null));
            assertThat(r.status).isEqualTo(400);
            assertThat(r.text()).isEqualTo("{\"code\":2,\"message\":\"Bad handshake method\"}");
            assertError(t.only(), ConnectionError.BAD_HANDSHAKE_METHOD, "Bad handshake method",
                    Map.of("method", "OPTIONS"));

            t.errors.clear();
            r = t.h.exchange(get("/engine.io/?EIO=3&transport=polling"));
            assertThat(r.text()).isEqualTo("{\"code\":5,\"message\":\"Unsupported protocol version\"}");
            assertError(t.only(), ConnectionError.UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version",
                    Map.of("protocol", 3));
            assertThat(t.h.sockets).isEmpty();
        }
    }

    @Test
    void allowRequestRefusalCarriesItsMessageToTheClientAndTheListener() {
        EngineOptions refuse = EngineOptions.builder()
                .allowRequest(req -> AllowRequest.refuse("Thou shall not pass")).build();
        try (Harness t = new Harness(refuse)) {
            Resp r = t.h.exchange(get(BASE));
            assertThat(r.status).isEqualTo(403);
            assertThat(r.text()).isEqualTo("{\"code\":4,\"message\":\"Thou shall not pass\"}");
            assertError(t.only(), ConnectionError.FORBIDDEN, "Forbidden", Map.of("message", "Thou shall not pass"));

            // over a WebSocket handshake: engine.io's abortUpgrade, the message as the text body
            t.errors.clear();
            r = t.h.exchange(upgrade("/engine.io/?EIO=4&transport=websocket"));
            assertThat(r.status).isEqualTo(400);
            assertThat(r.header(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/html");
            assertThat(r.text()).isEqualTo("Thou shall not pass");
            assertError(t.only(), ConnectionError.FORBIDDEN, "Forbidden", Map.of("message", "Thou shall not pass"));
        }
        // thrown rather than returned; a message that needs JSON escaping
        EngineOptions thrown = EngineOptions.builder().allowRequest(req -> {
            throw new AllowRequest.Refusal("say \"no\"\n");
        }).build();
        try (Harness t = new Harness(thrown)) {
            Resp r = t.h.exchange(get(BASE));
            assertThat(r.status).isEqualTo(403);
            assertThat(json(r.text()).get("message").asText()).isEqualTo("say \"no\"\n");
            assertThat(t.only().context()).isEqualTo(Map.of("message", "say \"no\"\n"));
        }
    }

    @Test
    void otherRefusalsSayForbiddenAndKeepTheirExceptionToThemselves() {
        EngineOptions failed = EngineOptions.builder()
                .allowRequest(req -> CompletableFuture.failedFuture(new IllegalStateException("db password wrong")))
                .build();
        EngineOptions no = EngineOptions.builder()
                .allowRequest(req -> CompletableFuture.completedFuture(false)).build();
        for (EngineOptions o : List.of(failed, no)) {
            try (Harness t = new Harness(o)) {
                Resp r = t.h.exchange(get(BASE));
                assertThat(r.status).isEqualTo(403);
                assertThat(r.text()).isEqualTo("{\"code\":4,\"message\":\"Forbidden\"}");
                assertError(t.only(), ConnectionError.FORBIDDEN, "Forbidden", Map.of());
            }
        }
    }

    @Test
    void aThrowingListenerDoesNotStopTheAnswerOrTheOtherListeners() {
        try (Harness t = new Harness(EngineOptions.defaults())) {
            t.h.server.onConnectionError(e -> {
                throw new IllegalStateException("listener bug");
            });
            List<Integer> second = new CopyOnWriteArrayList<>();
            t.h.server.onConnectionError(e -> second.add(e.code()));
            Resp r = t.h.exchange(get(BASE + "&sid=nope"));
            assertThat(r.status).isEqualTo(400);
            assertThat(second).containsExactly(1);
        }
    }

    @Test
    void acceptedRequestsAndSessionRequestsFireNothing() {
        try (Harness t = new Harness(EngineOptions.defaults())) {
            String sid = t.h.handshake();
            assertThat(t.h.exchange(EngineHarness.post(EngineHarness.sidUri(sid), "4hi")).status).isEqualTo(200);
            assertThat(t.errors).isEmpty();
        }
    }
}
