package dev.duplex.engine;

import static dev.duplex.engine.EngineHarness.BASE;
import static dev.duplex.engine.EngineHarness.exchange;
import static dev.duplex.engine.EngineHarness.get;
import static dev.duplex.engine.EngineHarness.json;
import static dev.duplex.engine.EngineHarness.post;
import static dev.duplex.engine.EngineHarness.read;
import static dev.duplex.engine.EngineHarness.request;
import static dev.duplex.engine.EngineHarness.sidUri;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.engine.EngineHarness.Resp;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The polling transport, handshake and payload rules, on EmbeddedChannels ({@link PollingLifecycleTest}: heartbeat, close). */
class PollingHandlerTest {
    private EngineHarness h = new EngineHarness();

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void handshakeHasExactlyTheFiveKeys() throws Exception {
        Resp r = h.exchange(get(BASE));
        assertThat(r.status).isEqualTo(200);
        assertThat(r.header(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/plain; charset=UTF-8");
        assertThat(r.text()).startsWith("0{");
        JsonNode open = json(r.text().substring(1));
        List<String> keys = new ArrayList<>();
        open.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload");
        assertThat(open.get("upgrades").toString()).isEqualTo("[\"websocket\"]");
        assertThat(open.get("pingInterval").asLong()).isEqualTo(25000);
        assertThat(open.get("pingTimeout").asLong()).isEqualTo(20000);
        assertThat(open.get("maxPayload").asLong()).isEqualTo(1_000_000);
        String sid = open.get("sid").asText();
        assertThat(sid).matches("[A-Za-z0-9_-]{24}");
        assertThat(h.sockets).hasSize(1);
        EngineSocket s = h.sockets.get(0);
        assertThat(s.id()).isEqualTo(sid);
        assertThat(s.transport()).isEqualTo("polling");
        assertThat(s.isOpen()).isTrue();
        assertThat(s.request().query("EIO")).isEqualTo("4");
        assertThat(s.request().header("HOST")).isEqualTo("localhost");
        assertThat(s.request().method()).isEqualTo("GET");
        assertThat(h.server.clientsCount()).isEqualTo(1);
        assertThat(h.server.sockets()).containsExactly(s);
    }

    @Test
    void sessionIdsAreUniqueAndRandom() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            ids.add(h.server.newSessionId());
        }
        assertThat(ids).hasSize(200);
        // 18 random bytes = 144 bits, base64url without padding
        assertThat(ids).allMatch(id -> java.util.Base64.getUrlDecoder().decode(id).length == 18);
    }

    @Test
    void upgradesAreEmptyWithoutWebSocketOrUpgrades() {
        try (EngineHarness noUpgrade = new EngineHarness(EngineOptions.builder().allowUpgrades(false).build());
             EngineHarness pollingOnly = new EngineHarness(EngineOptions.builder()
                     .transports(java.util.Set.of("polling")).build())) {
            assertThat(noUpgrade.exchange(get(BASE)).text()).contains("\"upgrades\":[]");
            assertThat(pollingOnly.exchange(get(BASE)).text()).contains("\"upgrades\":[]");
            Resp ws = pollingOnly.exchange(get("/engine.io/?EIO=4&transport=websocket"));
            assertThat(ws.status).isEqualTo(400);
            assertThat(ws.text()).isEqualTo("{\"code\":0,\"message\":\"Transport unknown\"}");
        }
    }

    @Test
    void pathWithoutTrailingSlashAndCustomPath() {
        // engine.io's attach() check: the URI starts with the path, trailing slash included
        assertThat(h.exchange(get("/engine.io?EIO=4&transport=polling")).status).isEqualTo(404);
        try (EngineHarness custom = new EngineHarness(EngineOptions.builder().path("socket.io").build())) {
            assertThat(custom.server.options().path()).isEqualTo("/socket.io/");
            assertThat(custom.exchange(get("/socket.io/?EIO=4&transport=polling")).status).isEqualTo(200);
            assertThat(custom.exchange(get("/engine.io/?EIO=4&transport=polling")).status).isEqualTo(404);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET /engine.io/?EIO=4 400 0 Transport unknown",
        "GET /engine.io/?EIO=4&transport=abc 400 0 Transport unknown",
        "GET /engine.io/?EIO=4&transport=webtransport 400 0 Transport unknown",
        "GET /engine.io/?EIO=4&transport=polling&sid=nope 400 1 Session ID unknown",
        "POST /engine.io/?EIO=4&transport=polling 400 2 Bad handshake method",
        "PUT /engine.io/?EIO=4&transport=polling 400 2 Bad handshake method",
        "OPTIONS /engine.io/?EIO=4&transport=polling 400 2 Bad handshake method",
        "GET /engine.io/?EIO=4&transport=websocket 400 3 Bad request",
        "GET /engine.io/?transport=polling 400 5 Unsupported protocol version",
        "GET /engine.io/?EIO=3&transport=polling 400 5 Unsupported protocol version",
        "GET /engine.io/?EIO=abc&transport=polling 400 5 Unsupported protocol version",
    })
    void errorsAreEngineIoJson(String line) {
        String[] p = line.split(" ", 5);
        Resp r = h.exchange(request(HttpMethod.valueOf(p[0]), p[1], null));
        assertThat(r.status).isEqualTo(Integer.parseInt(p[2]));
        assertThat(r.header(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(r.text()).isEqualTo("{\"code\":" + p[3] + ",\"message\":\"" + p[4] + "\"}");
        assertThat(h.sockets).isEmpty();
    }

    @Test
    void invalidOriginHeaderIsABadRequest() {
        // Netty's decoder already refuses such headers; a request built without validation reaches the check
        FullHttpRequest req = new io.netty.handler.codec.http.DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                HttpMethod.GET, BASE, Unpooled.EMPTY_BUFFER,
                io.netty.handler.codec.http.DefaultHttpHeadersFactory.headersFactory().withValidation(false),
                io.netty.handler.codec.http.DefaultHttpHeadersFactory.trailersFactory());
        req.headers().set(HttpHeaderNames.ORIGIN, "http://a\u0001b");
        Resp r = h.exchange(req);
        assertThat(r.status).isEqualTo(400);
        assertThat(r.text()).isEqualTo("{\"code\":3,\"message\":\"Bad request\"}");
    }

    @Test
    void transportMismatchWithoutUpgradeIsABadRequest() {
        String sid = h.handshake();
        Resp r = h.exchange(get("/engine.io/?EIO=4&transport=websocket&sid=" + sid));
        assertThat(r.status).isEqualTo(400);
        assertThat(r.text()).isEqualTo("{\"code\":3,\"message\":\"Bad request\"}");
        assertThat(h.server.clientsCount()).isEqualTo(1);
    }

    @Test
    void otherMethodOnASessionGets500LikeEngineIo() {
        String sid = h.handshake();
        Resp r = h.exchange(request(HttpMethod.PUT, sidUri(sid), "x"));
        assertThat(r.status).isEqualTo(500);
        assertThat(h.server.clientsCount()).isEqualTo(1);
    }

    @Test
    void webSocketUpgradeErrorsAreRawTextAndClose() {
        EmbeddedChannel ch = h.channel();
        FullHttpRequest req = get("/engine.io/?transport=websocket");
        req.headers().set(HttpHeaderNames.UPGRADE, "websocket");
        req.headers().set(HttpHeaderNames.CONNECTION, "Upgrade");
        Resp r = exchange(ch, req);
        assertThat(r.status).isEqualTo(400);
        assertThat(r.header(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/html");
        assertThat(r.text()).isEqualTo("Unsupported protocol version");
        assertThat(ch.isOpen()).isFalse();

        EmbeddedChannel ch2 = h.channel();
        FullHttpRequest req2 = get("/engine.io/?EIO=4&transport=websocket&sid=unknown");
        req2.headers().set(HttpHeaderNames.UPGRADE, "WebSocket");
        req2.headers().set(HttpHeaderNames.CONNECTION, "keep-alive, Upgrade");
        Resp r2 = exchange(ch2, req2);
        assertThat(r2.text()).isEqualTo("Session ID unknown");
        assertThat(ch2.isOpen()).isFalse();

        // without the Connection upgrade token Node makes it an ordinary request: engine.io's JSON error
        EmbeddedChannel ch3 = h.channel();
        FullHttpRequest req3 = get("/engine.io/?EIO=4&transport=websocket&sid=unknown");
        req3.headers().set(HttpHeaderNames.UPGRADE, "WebSocket");
        Resp r3 = exchange(ch3, req3);
        assertThat(r3.status).isEqualTo(400);
        assertThat(r3.text()).isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
    }

    @Test
    void postedTextIsDeliveredAndEchoedInOneGet() {
        String sid = h.handshake();
        Resp ok = h.exchange(post(sidUri(sid), "4test1\u001e4test2\u001e4test3"));
        assertThat(ok.status).isEqualTo(200);
        assertThat(ok.text()).isEqualTo("ok");
        assertThat(ok.header(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/html");
        assertThat(h.events).containsExactly("message:test1", "message:test2", "message:test3");
        Resp poll = h.exchange(get(sidUri(sid)));
        assertThat(poll.status).isEqualTo(200);
        assertThat(poll.text()).isEqualTo("4test1\u001e4test2\u001e4test3");
    }

    @Test
    void binaryIsBase64InPayloads() {
        String sid = h.handshake();
        assertThat(h.exchange(post(sidUri(sid), "4hello\u001ebAQIDBA==")).text()).isEqualTo("ok");
        assertThat(h.events).containsExactly("message:hello", "binary:4");
        assertThat(h.exchange(get(sidUri(sid))).text()).isEqualTo("4hello\u001ebAQIDBA==");
        h.sockets.get(0).send(new byte[0]);
        h.sockets.get(0).send(EngineMessage.binary(new byte[] {(byte) 0xff, 0}));
        assertThat(h.exchange(get(sidUri(sid))).text()).isEqualTo("b\u001eb/wA=");
    }

    @Test
    void multiByteUtf8AndEmojiSurviveBothWays() {
        String text = "héllo € 日本語 😀🎉 \u0000 end";
        String sid = h.handshake();
        assertThat(h.exchange(post(sidUri(sid), "4" + text)).text()).isEqualTo("ok");
        assertThat(h.events).containsExactly("message:" + text);
        Resp poll = h.exchange(get(sidUri(sid)));
        assertThat(poll.body).isEqualTo(("4" + text).getBytes(StandardCharsets.UTF_8));
        assertThat(Integer.parseInt(poll.header(HttpHeaderNames.CONTENT_LENGTH))).isEqualTo(poll.body.length);
    }

    @Test
    void emptyMessageAndSeparatorInsideNothing() {
        String sid = h.handshake();
        assertThat(h.exchange(post(sidUri(sid), "4\u001e4x")).text()).isEqualTo("ok");
        assertThat(h.events).containsExactly("message:", "message:x");
        assertThat(h.exchange(get(sidUri(sid))).text()).isEqualTo("4\u001e4x");
    }

    @Test
    void pendingGetIsAnsweredBySend() {
        String sid = h.handshake();
        EmbeddedChannel ch = h.channel();
        assertThat(exchange(ch, get(sidUri(sid)))).isNull();
        h.sockets.get(0).send("later");
        assertThat(read(ch).text()).isEqualTo("4later");
    }

    @Test
    void sharedMessageGoesToManySessions() {
        String a = h.handshake();
        String b = h.handshake();
        EngineMessage m = EngineMessage.text("to all ✓");
        for (EngineSocket s : h.sockets) {
            s.send(m);
        }
        assertThat(h.exchange(get(sidUri(a))).text()).isEqualTo("4to all ✓");
        assertThat(h.exchange(get(sidUri(b))).text()).isEqualTo("4to all ✓");
        assertThat(m.isBinary()).isFalse();
        assertThat(m.textValue()).isEqualTo("to all ✓");
    }

    @Test
    void controlPacketsFromTheClient() {
        String sid = h.handshake();
        // noop, upgrade and open on an established polling transport are ignored; an unsolicited pong is fine
        assertThat(h.exchange(post(sidUri(sid), "6\u001e5\u001e0\u001e3")).text()).isEqualTo("ok");
        assertThat(h.server.clientsCount()).isEqualTo(1);
        assertThat(h.events).isEmpty();
    }

    @Test
    void clientPingIsAnErrorThatClosesTheSession() {
        String sid = h.handshake();
        assertThat(h.exchange(post(sidUri(sid), "2")).status).isEqualTo(200);
        assertThat(h.events).containsExactly("close:transport error");
        assertThat(h.exchange(get(sidUri(sid))).text()).isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
    }

    @Test
    void clientCloseAnswersThePendingGetWithNoop() {
        String sid = h.handshake();
        EmbeddedChannel poll = h.channel();
        assertThat(exchange(poll, get(sidUri(sid)))).isNull();
        assertThat(h.exchange(post(sidUri(sid), "1")).text()).isEqualTo("ok");
        assertThat(read(poll).text()).isEqualTo("6");
        assertThat(h.events).containsExactly("close:transport close");
        assertThat(h.exchange(get(sidUri(sid))).status).isEqualTo(400);
        assertThat(h.server.clientsCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "", "9x", "4ok\u001e", "b!!!", "4ok\u001e\u001e4no"})
    void malformedPayloadClosesWithParseError(String body) {
        String sid = h.handshake();
        Resp r = h.exchange(post(sidUri(sid), body));
        assertThat(r.status).isEqualTo(400);
        assertThat(r.text()).isEqualTo("{\"code\":3,\"message\":\"Bad request\"}");
        assertThat(h.events).last().isEqualTo("close:parse error");
        if (body.startsWith("4ok")) {
            // like engine.io, the packets before the bad one are delivered
            assertThat(h.events).first().isEqualTo("message:ok");
        }
        assertThat(h.exchange(get(sidUri(sid))).status).isEqualTo(400);
    }

    @Test
    void malformedInputDoesNotHurtOtherSessions() {
        String bad = h.handshake();
        String good = h.handshake();
        h.exchange(post(sidUri(bad), "zzz"));
        assertThat(h.exchange(post(sidUri(good), "4still here")).text()).isEqualTo("ok");
        assertThat(h.exchange(get(sidUri(good))).text()).isEqualTo("4still here");
        assertThat(h.server.clientsCount()).isEqualTo(1);
    }

    @Test
    void octetStreamPostIsRefused() {
        String sid = h.handshake();
        FullHttpRequest req = post(sidUri(sid), "4x");
        req.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
        assertThat(h.exchange(req).status).isEqualTo(400);
        assertThat(h.events).containsExactly("close:transport error");
    }

    @Test
    void concurrentGetClosesTheSession() {
        String sid = h.handshake();
        EmbeddedChannel first = h.channel();
        assertThat(exchange(first, get(sidUri(sid)))).isNull();
        Resp second = h.exchange(get(sidUri(sid)));
        assertThat(second.status).isEqualTo(400);
        Resp firstResp = read(first);
        assertThat(firstResp.status).isEqualTo(200);
        assertThat(firstResp.text()).isEqualTo("1");
        assertThat(h.events).containsExactly("close:transport error");
        assertThat(h.exchange(get(sidUri(sid))).status).isEqualTo(400);
    }

    private static HttpRequest postHead(String uri, int length) {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri);
        req.headers().set(HttpHeaderNames.HOST, "localhost");
        req.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        return req;
    }

    @Test
    void concurrentPostClosesTheSession() {
        String sid = h.handshake();
        EmbeddedChannel first = h.channel();
        first.writeInbound(postHead(sidUri(sid), 6));
        first.writeInbound(new DefaultHttpContent(Unpooled.copiedBuffer("4a", StandardCharsets.UTF_8)));
        assertThat(read(first)).isNull();
        EmbeddedChannel second = h.channel();
        second.writeInbound(postHead(sidUri(sid), 2));
        second.writeInbound(new DefaultLastHttpContent(Unpooled.copiedBuffer("4b", StandardCharsets.UTF_8)));
        assertThat(read(second).status).isEqualTo(400);
        assertThat(h.events).containsExactly("close:transport error");
        first.writeInbound(new DefaultLastHttpContent(Unpooled.copiedBuffer("bcd", StandardCharsets.UTF_8)));
        assertThat(read(first).status).isEqualTo(400);
        assertThat(h.events).doesNotContain("message:abcd", "message:b");
    }

    @Test
    void chunkedPostIsAggregatedAndDelivered() {
        String sid = h.handshake();
        EmbeddedChannel ch = h.channel();
        ch.writeInbound(postHead(sidUri(sid), 8));
        ch.writeInbound(new DefaultHttpContent(Unpooled.copiedBuffer("4ab", StandardCharsets.UTF_8)));
        ch.writeInbound(new DefaultLastHttpContent(Unpooled.copiedBuffer("\u001e4cd", StandardCharsets.UTF_8)));
        assertThat(read(ch).text()).isEqualTo("ok");
        assertThat(h.events).containsExactly("message:ab", "message:cd");
        // the same keep-alive connection carries the next POST
        assertThat(exchange(ch, post(sidUri(sid), "4ef")).text()).isEqualTo("ok");
        assertThat(h.exchange(get(sidUri(sid))).text()).isEqualTo("4ab\u001e4cd\u001e4ef");
    }

    @Test
    void abortedPostClosesTheSession() {
        String sid = h.handshake();
        EmbeddedChannel ch = h.channel();
        ch.writeInbound(postHead(sidUri(sid), 10));
        ch.close();
        ch.runPendingTasks();
        assertThat(h.events).containsExactly("close:transport error");
    }

    @Test
    void abortedGetClosesTheSession() {
        String sid = h.handshake();
        EmbeddedChannel ch = h.channel();
        assertThat(exchange(ch, get(sidUri(sid)))).isNull();
        ch.close();
        ch.runPendingTasks();
        assertThat(h.events).containsExactly("close:transport error");
        assertThat(h.exchange(get(sidUri(sid))).status).isEqualTo(400);
    }

    @Test
    void oversizePostGets413AndClosesTheSession() {
        h.close();
        h = new EngineHarness(EngineOptions.builder().maxHttpBufferSize(100).build());
        String sid = h.handshake();
        EmbeddedChannel ch = h.channel();
        ch.writeInbound(postHead(sidUri(sid), 101));
        Resp r = read(ch);
        assertThat(r.status).isEqualTo(413);
        assertThat(ch.isOpen()).isFalse();
        assertThat(h.events).containsExactly("close:transport error");
        // exactly the limit passes on another session
        String sid2 = h.handshake();
        assertThat(h.exchange(post(sidUri(sid2), "4" + "x".repeat(99))).text()).isEqualTo("ok");
    }

    @Test
    void oversizeChunkedPostGets413() {
        h.close();
        h = new EngineHarness(EngineOptions.builder().maxHttpBufferSize(100).build());
        String sid = h.handshake();
        EmbeddedChannel ch = h.channel();
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, sidUri(sid));
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
        ch.writeInbound(head);
        ch.writeInbound(new DefaultHttpContent(Unpooled.copiedBuffer("4" + "y".repeat(80), StandardCharsets.UTF_8)));
        ch.writeInbound(new DefaultHttpContent(Unpooled.copiedBuffer("y".repeat(80), StandardCharsets.UTF_8)));
        assertThat(read(ch).status).isEqualTo(413);
        assertThat(h.events).containsExactly("close:transport error");
    }
}
