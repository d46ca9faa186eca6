package dev.duplex.engine;

import static dev.duplex.engine.EngineHarness.BASE;
import static dev.duplex.engine.EngineHarness.exchange;
import static dev.duplex.engine.EngineHarness.get;
import static dev.duplex.engine.EngineHarness.post;
import static dev.duplex.engine.EngineHarness.read;
import static dev.duplex.engine.EngineHarness.request;
import static dev.duplex.engine.EngineHarness.sidUri;
import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.engine.EngineHarness.Resp;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The polling transport's heartbeat and close rules, and the HTTP front around it (routes, bad requests, listener
 * failures), on EmbeddedChannels; {@link PollingHandlerTest} has the handshake and the payloads.
 */
class PollingLifecycleTest {
    private EngineHarness h = new EngineHarness();

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void heartbeatPingsAndTimesOut() {
        h.close();
        h = new EngineHarness(EngineOptions.builder().pingInterval(Duration.ofMillis(300))
                .pingTimeout(Duration.ofMillis(200)).build());
        EmbeddedChannel hs = h.channel();
        hs.freezeTime();
        Resp open = exchange(hs, get(BASE));
        String sid = EngineHarness.sidOf(open.text());
        // the session lives on the handshake channel's loop: time is driven there
        hs.advanceTimeBy(299, TimeUnit.MILLISECONDS);
        hs.runScheduledPendingTasks();
        assertThat(h.exchange(get(sidUri(sid)))).isNull();
        hs.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        hs.runScheduledPendingTasks();
        Iterator<EmbeddedChannel> it = h.channels.iterator();
        EmbeddedChannel poll = null;
        while (it.hasNext()) {
            poll = it.next();
        }
        assertThat(read(poll).text()).isEqualTo("2");
        hs.advanceTimeBy(150, TimeUnit.MILLISECONDS);
        hs.runScheduledPendingTasks();
        assertThat(h.exchange(post(sidUri(sid), "3")).text()).isEqualTo("ok");
        // the next ping comes pingInterval after the pong
        hs.advanceTimeBy(299, TimeUnit.MILLISECONDS);
        hs.runScheduledPendingTasks();
        assertThat(h.server.clientsCount()).isEqualTo(1);
        hs.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        hs.runScheduledPendingTasks();
        assertThat(h.exchange(get(sidUri(sid))).text()).isEqualTo("2");
        // no pong: closed exactly pingTimeout later
        hs.advanceTimeBy(199, TimeUnit.MILLISECONDS);
        hs.runScheduledPendingTasks();
        assertThat(h.events).isEmpty();
        hs.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        hs.runScheduledPendingTasks();
        assertThat(h.events).containsExactly("close:ping timeout");
        assertThat(h.exchange(get(sidUri(sid))).status).isEqualTo(400);
    }

    @Test
    void serverCloseWithPendingGetSendsClosePacket() {
        String sid = h.handshake();
        EmbeddedChannel poll = h.channel();
        assertThat(exchange(poll, get(sidUri(sid)))).isNull();
        EngineSocket s = h.sockets.get(0);
        s.send("bye");
        assertThat(read(poll).text()).isEqualTo("4bye");
        assertThat(exchange(poll, get(sidUri(sid)))).isNull();
        s.close();
        assertThat(read(poll).text()).isEqualTo("1");
        assertThat(h.events).containsExactly("close:forced close");
        assertThat(s.isOpen()).isFalse();
    }

    @Test
    void serverCloseWithoutPendingGetFlushesOnTheNextGetThenCloses() {
        String sid = h.handshake();
        EngineSocket s = h.sockets.get(0);
        s.send("last");
        s.close();
        s.send("dropped: sent after close");
        assertThat(h.events).isEmpty();
        assertThat(s.isOpen()).isFalse();
        // as engine.io: the buffered messages first, the close packet alone in the next response
        assertThat(h.exchange(get(sidUri(sid))).text()).isEqualTo("4last");
        assertThat(h.events).isEmpty();
        assertThat(h.exchange(get(sidUri(sid))).text()).isEqualTo("1");
        assertThat(h.events).containsExactly("close:forced close");
        assertThat(h.exchange(get(sidUri(sid))).status).isEqualTo(400);
    }

    @Test
    void serverShutdownClosesEverySession() {
        String sid = h.handshake();
        EmbeddedChannel poll = h.channel();
        assertThat(exchange(poll, get(sidUri(sid)))).isNull();
        h.handshake();
        h.server.close();
        assertThat(read(poll).text()).isEqualTo("1");
        assertThat(h.events).containsExactly("close:server shutting down", "close:server shutting down");
        assertThat(h.server.clientsCount()).isZero();
        h.server.close();
    }

    @Test
    void beforeAndFallbackHandlersAnd404() {
        h.server.before((ctx, req) -> {
            if (req.uri().startsWith("/engine.io/engine.io.js")) {
                ctx.writeAndFlush(new io.netty.handler.codec.http.DefaultFullHttpResponse(req.protocolVersion(),
                        io.netty.handler.codec.http.HttpResponseStatus.OK,
                        Unpooled.copiedBuffer("script", StandardCharsets.UTF_8)));
                return true;
            }
            return false;
        });
        h.server.fallback((ctx, req) -> false);
        h.server.fallback((ctx, req) -> {
            if (req.uri().equals("/hello")) {
                ctx.writeAndFlush(new io.netty.handler.codec.http.DefaultFullHttpResponse(req.protocolVersion(),
                        io.netty.handler.codec.http.HttpResponseStatus.ACCEPTED));
                return true;
            }
            return false;
        });
        assertThat(h.exchange(get("/engine.io/engine.io.js")).text()).isEqualTo("script");
        assertThat(h.exchange(get("/hello")).status).isEqualTo(202);
        assertThat(h.exchange(get("/nothing")).status).isEqualTo(404);
        assertThat(h.exchange(get(BASE)).status).isEqualTo(200);
    }

    @Test
    void badlyEncodedUriIsABadRequest() {
        Resp r = h.exchange(get("/engine.io/?EIO=4&transport=polling&sid=%zz"));
        assertThat(r.status).isEqualTo(400);
        assertThat(h.server.clientsCount()).isZero();
    }

    @Test
    void listenerExceptionsDoNotBreakTheSession() {
        h.server.onConnection(s -> s.setListener(new EngineSocket.Listener() {
            @Override
            public void onMessage(String text) {
                throw new IllegalStateException("boom");
            }
        }));
        String sid = h.handshake();
        assertThat(h.exchange(post(sidUri(sid), "4x\u001e4y")).text()).isEqualTo("ok");
        assertThat(h.server.clientsCount()).isEqualTo(1);
    }

    @Test
    void garbageHttpIsRefusedWithoutHurtingTheServer() {
        EmbeddedChannel raw = new EmbeddedChannel();
        h.server.initPipeline(raw.pipeline());
        h.channels.add(raw);
        raw.writeInbound(Unpooled.copiedBuffer("\u0001\u0002 NOT HTTP AT ALL\r\n\r\n", StandardCharsets.ISO_8859_1));
        raw.runPendingTasks();
        io.netty.buffer.ByteBuf out = raw.readOutbound();
        try {
            assertThat(out.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.").contains(" 400 ");
        } finally {
            out.release();
        }
        assertThat(raw.isOpen()).isFalse();
        assertThat(h.exchange(get(BASE)).status).isEqualTo(200);
    }

    @Test
    void rawHttpRoundTripThroughTheCodec() {
        EmbeddedChannel raw = new EmbeddedChannel();
        h.server.initPipeline(raw.pipeline());
        h.channels.add(raw);
        raw.writeInbound(Unpooled.copiedBuffer("GET " + BASE + " HTTP/1.1\r\nHost: x\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        raw.runPendingTasks();
        StringBuilder sb = new StringBuilder();
        io.netty.buffer.ByteBuf b;
        while ((b = raw.readOutbound()) != null) {
            sb.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        assertThat(sb.toString()).startsWith("HTTP/1.1 200 OK\r\n").contains("\r\n\r\n0{\"sid\":\"")
                .containsIgnoringCase("content-type: text/plain; charset=UTF-8");
        assertThat(raw.isOpen()).isTrue();
    }

    @Test
    void aLateTimerCannotLetARequestOutliveThePingDeadline() {
        h.close();
        h = new EngineHarness(EngineOptions.builder().pingInterval(Duration.ofMillis(300))
                .pingTimeout(Duration.ofMillis(200)).build());
        EmbeddedChannel hs = h.channel();
        hs.freezeTime();
        String sid = EngineHarness.sidOf(exchange(hs, get(BASE)).text());
        hs.advanceTimeBy(300, TimeUnit.MILLISECONDS);
        hs.runScheduledPendingTasks();
        assertThat(h.exchange(get(sidUri(sid))).text()).isEqualTo("2");
        // the deadline passes but the timeout task has not run (a busy loop): the next request sees the timeout
        hs.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        assertThat(h.exchange(post(sidUri(sid), "3")).status).isEqualTo(400);
        assertThat(h.events).containsExactly("close:ping timeout");
    }
}
