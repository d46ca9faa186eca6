package dev.duplex.engine;

import static dev.duplex.engine.EngineHarness.exchange;
import static dev.duplex.engine.EngineHarness.get;
import static dev.duplex.engine.EngineHarness.post;
import static dev.duplex.engine.EngineHarness.read;
import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.engine.EngineHarness.Resp;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Engine.IO v3 sessions over polling (allowEIO3): v3 payloads both ways, binary payloads for clients that support
 * binary (browsers' socket.io-client 2; the Node one polls with b64), the client-driven heartbeat, and bad input.
 */
class EngineV3PollingTest {
    static final String V3 = "/engine.io/?EIO=3&transport=polling";

    private EngineHarness h = new EngineHarness(EngineOptions.builder().allowEIO3(true).build());

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static String sidUri(String sid) {
        return V3 + "&sid=" + sid;
    }

    /** Opens a v3 session; returns its sid (and checks the open packet's v3 framing). */
    private String handshake(String uri) {
        Resp r = h.exchange(get(uri));
        assertThat(r.status).isEqualTo(200);
        String body = r.text();
        int colon = body.indexOf(':');
        assertThat(Integer.parseInt(body.substring(0, colon))).isEqualTo(body.length() - colon - 1);
        return EngineHarness.sidOf(body.substring(colon + 1));
    }

    private static FullHttpRequest postBinary(String uri, byte[] body) {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
                Unpooled.wrappedBuffer(body));
        req.headers().set(HttpHeaderNames.HOST, "localhost");
        req.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
        req.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return req;
    }

    @Test
    void refusedWithoutAllowEIO3() {
        h.close();
        h = new EngineHarness();
        Resp r = h.exchange(get(V3));
        assertThat(r.status).isEqualTo(400);
        assertThat(r.text()).isEqualTo("{\"code\":5,\"message\":\"Unsupported protocol version\"}");
    }

    @Test
    void openPacketIsAV3PayloadAndTheSessionSaysProtocol3() {
        Resp r = h.exchange(get(V3));
        String body = r.text();
        assertThat(body).startsWith(body.length() - body.indexOf(':') - 1 + ":0{\"sid\":\"")
                .contains("\"upgrades\":[\"websocket\"]", "\"pingInterval\":25000", "\"pingTimeout\":20000");
        assertThat(h.sockets).hasSize(1);
        assertThat(h.sockets.get(0).protocol()).isEqualTo(3);
    }

    @Test
    void textPayloadsBothWaysWithUtf16Lengths() {
        String sid = handshake(V3);
        assertThat(h.exchange(post(sidUri(sid), "3:4hé3:4😀")).text()).isEqualTo("ok");
        assertThat(h.events).containsExactly("message:hé", "message:😀");
        Resp r = h.exchange(get(sidUri(sid)));
        assertThat(r.header(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/plain; charset=UTF-8");
        assertThat(r.text()).isEqualTo("3:4hé3:4😀");
    }

    @Test
    void binaryPayloadsBothWays() {
        String sid = handshake(V3);
        // a text packet "4é" (3 UTF-8 bytes) and a binary message {1,2,3} (4 bytes with its type byte)
        byte[] payload = {0, 3, (byte) 0xFF, '4', (byte) 0xC3, (byte) 0xA9, 1, 4, (byte) 0xFF, 4, 1, 2, 3};
        assertThat(h.exchange(postBinary(sidUri(sid), payload)).text()).isEqualTo("ok");
        assertThat(h.events).containsExactly("message:é", "binary:3");
        Resp r = h.exchange(get(sidUri(sid)));
        assertThat(r.header(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/octet-stream");
        assertThat(r.body).containsExactly(payload);
    }

    @Test
    void base64ClientsGetBinaryInTextPayloads() {
        String sid = handshake(V3 + "&b64=1");
        assertThat(h.exchange(post(sidUri(sid), "6:b4AQID")).text()).isEqualTo("ok");
        assertThat(h.events).containsExactly("binary:3");
        Resp r = h.exchange(get(sidUri(sid) + "&b64=1"));
        assertThat(r.header(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/plain; charset=UTF-8");
        assertThat(r.text()).isEqualTo("6:b4AQID");
    }

    @Test
    void clientPingsAndTheServerAnswersThenTimesOutWithoutPings() {
        h.close();
        h = new EngineHarness(EngineOptions.builder().allowEIO3(true).pingInterval(Duration.ofMillis(300))
                .pingTimeout(Duration.ofMillis(200)).build());
        EmbeddedChannel hs = h.channel();
        hs.freezeTime();
        Resp open = exchange(hs, get(V3));
        String sid = EngineHarness.sidOf(open.text().substring(open.text().indexOf(':') + 1));
        // no server ping in v3: a long-poll waits past pingInterval without an answer
        EmbeddedChannel poll = h.channel();
        poll.writeInbound(get(sidUri(sid)));
        hs.advanceTimeBy(450, TimeUnit.MILLISECONDS);
        hs.runScheduledPendingTasks();
        assertThat(read(poll)).isNull();
        // the client's ping is answered with a pong and moves the deadline to pingInterval + pingTimeout from now
        assertThat(h.exchange(post(sidUri(sid), "1:2")).text()).isEqualTo("ok");
        assertThat(read(poll).text()).isEqualTo("1:3");
        hs.advanceTimeBy(450, TimeUnit.MILLISECONDS);
        hs.runScheduledPendingTasks();
        assertThat(h.events).isEmpty();
        hs.advanceTimeBy(50, TimeUnit.MILLISECONDS);
        hs.runScheduledPendingTasks();
        assertThat(h.events).containsExactly("close:ping timeout");
    }

    @Test
    void aPongFromTheClientIsAnError() {
        String sid = handshake(V3);
        h.exchange(post(sidUri(sid), "1:3"));
        assertThat(h.events).containsExactly("close:transport error");
    }

    @Test
    void closeAndNoopAnswersAreV3Payloads() {
        String sid = handshake(V3);
        EmbeddedChannel poll = h.channel();
        poll.writeInbound(get(sidUri(sid)));
        assertThat(h.exchange(post(sidUri(sid), "1:1")).text()).isEqualTo("ok");
        assertThat(read(poll).text()).isEqualTo("1:6");
        assertThat(h.events).containsExactly("close:transport close");
    }

    @Test
    void malformedPayloadsCloseTheSession() {
        for (String bad : new String[]{"4hello", "9:4hi", "x:4", "2:9x", "3:b2A"}) {
            String sid = handshake(V3);
            h.events.clear();
            Resp r = h.exchange(post(sidUri(sid), bad));
            assertThat(r.status).as(bad).isEqualTo(400);
            assertThat(h.events).as(bad).containsExactly("close:parse error");
            assertThat(h.exchange(get(sidUri(sid))).status).isEqualTo(400);
        }
        String sid = handshake(V3);
        h.events.clear();
        assertThat(h.exchange(postBinary(sidUri(sid), new byte[]{0, 9, (byte) 0xFF, '4'})).status).isEqualTo(400);
        assertThat(h.events).containsExactly("close:parse error");
    }

    @Test
    void oversizePostGets413AndClosesTheSession() {
        h.close();
        h = new EngineHarness(EngineOptions.builder().allowEIO3(true).maxHttpBufferSize(100).build());
        String sid = handshake(V3);
        EmbeddedChannel ch = h.channel();
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, sidUri(sid));
        head.headers().set(HttpHeaderNames.HOST, "localhost");
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
        head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 101);
        ch.writeInbound(head);
        assertThat(read(ch).status).isEqualTo(413);
        assertThat(h.events).containsExactly("close:transport error");
    }
}
