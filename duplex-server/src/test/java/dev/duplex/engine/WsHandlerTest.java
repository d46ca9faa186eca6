package dev.duplex.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The WebSocket transport's frame handling, on an EmbeddedChannel carrying WebSocket frames. */
class WsHandlerTest {
    private EngineServer server;
    private EmbeddedChannel ch;
    private Session session;
    private final List<String> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        server = EngineServer.create(EngineOptions.defaults());
        ch = new EmbeddedChannel();
        session = new Session(server, "sid1", null, ch.eventLoop(), "websocket");
        WsHandler ws = new WsHandler(session, 100);
        ch.pipeline().addLast(ws);
        ws.setReady();
        session.setListener(new EngineSocket.Listener() {
            @Override
            public void onMessage(String text) {
                events.add("message:" + text);
                session.send(text);
            }

            @Override
            public void onBinary(byte[] data) {
                events.add("binary:" + ByteBufUtil.hexDump(data));
                session.send(data);
            }

            @Override
            public void onDrain() {
                events.add("drain");
            }

            @Override
            public void onClose(String reason, Throwable cause) {
                events.add("close:" + reason);
            }
        });
        session.start(ws);
        server.register(session);
        session.flush();
        assertThat(nextText()).startsWith("0{\"sid\":\"sid1\",\"upgrades\":[],");
        events.clear();
    }

    @AfterEach
    void tearDown() {
        server.close();
        ch.finishAndReleaseAll();
    }

    private String nextText() {
        ch.runPendingTasks();
        Object o = ch.readOutbound();
        assertThat(o).isInstanceOf(TextWebSocketFrame.class);
        try {
            return ((TextWebSocketFrame) o).text();
        } finally {
            ReferenceCountUtil.release(o);
        }
    }

    private static TextWebSocketFrame text(String s) {
        return new TextWebSocketFrame(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
    }

    @Test
    void textMessagesIncludingUtf8AreDeliveredAndEchoed() {
        String s = "ü € 😀 \u0000 日本";
        ch.writeInbound(text("4" + s));
        assertThat(events).containsExactly("message:" + s, "drain");
        assertThat(nextText()).isEqualTo("4" + s);
        ch.writeInbound(text("4"));
        assertThat(nextText()).isEqualTo("4");
    }

    @Test
    void binaryFramesAndBase64TextAreBinaryMessages() {
        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, (byte) 0xff})));
        ch.writeInbound(text("bAQID"));
        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.EMPTY_BUFFER));
        assertThat(events).containsExactly("binary:0102ff", "drain", "binary:010203", "drain", "binary:", "drain");
        for (String expected : new String[] {"0102ff", "010203", ""}) {
            Object o = ch.readOutbound();
            assertThat(o).isInstanceOf(BinaryWebSocketFrame.class);
            assertThat(ByteBufUtil.hexDump(((WebSocketFrame) o).content())).isEqualTo(expected);
            ReferenceCountUtil.release(o);
        }
    }

    @Test
    void sharedMessagesAreEncodedOnceAndWrittenToEachChannel() {
        EngineMessage m = EngineMessage.text("shared ✓");
        session.send(m);
        session.send(m);
        assertThat(nextText()).isEqualTo("4shared ✓");
        assertThat(nextText()).isEqualTo("4shared ✓");
        assertThat(m.frameLength()).isEqualTo("4shared ✓".getBytes(StandardCharsets.UTF_8).length);
        session.send(EngineMessage.binary(new byte[] {7}));
        Object o = ch.readOutbound();
        assertThat(o).isInstanceOf(BinaryWebSocketFrame.class);
        ReferenceCountUtil.release(o);
    }

    @Test
    void pongAndIgnoredPackets() {
        ch.writeInbound(text("3"));
        ch.writeInbound(text("6"));
        ch.writeInbound(text("5"));
        ch.writeInbound(text("0"));
        assertThat(events).isEmpty();
        assertThat(session.isOpen()).isTrue();
        Object none = ch.readOutbound();
        assertThat(none).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "7", "b!!!", "abc"})
    void malformedFramesCloseWithParseError(String frame) {
        ch.writeInbound(text(frame));
        assertThat(events).containsExactly("close:parse error");
        assertThat(server.clientsCount()).isZero();
        drainClose();
    }

    @Test
    void clientPingPacketIsAnError() {
        ch.writeInbound(text("2"));
        assertThat(events).containsExactly("close:transport error");
        drainClose();
    }

    @Test
    void closePacketIsTransportClose() {
        ch.writeInbound(text("1"));
        assertThat(events).containsExactly("close:transport close");
        drainClose();
    }

    @Test
    void whileTheChannelIsNotWritableOnlyTheLatestPingIsAnswered() {
        ch.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(8, 16));
        // written, not flushed: the channel is above its high water mark
        ch.write(Unpooled.wrappedBuffer(new byte[64]));
        assertThat(ch.isWritable()).isFalse();
        for (int i = 0; i < 100; i++) {
            ch.writeInbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) i})));
        }
        ch.flush();
        ch.runPendingTasks();
        assertThat(ch.isWritable()).isTrue();
        Object first = ch.readOutbound();
        ReferenceCountUtil.release(first);
        Object pong = ch.readOutbound();
        assertThat(pong).isInstanceOf(PongWebSocketFrame.class);
        assertThat(((PongWebSocketFrame) pong).content().getByte(0)).isEqualTo((byte) 99);
        ReferenceCountUtil.release(pong);
        Object more = ch.readOutbound();
        assertThat(more).isNull();
    }

    @Test
    void webSocketPingIsAnsweredAndCloseFrameEchoed() {
        ch.writeInbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {5})));
        Object pong = ch.readOutbound();
        assertThat(pong).isInstanceOf(PongWebSocketFrame.class);
        ReferenceCountUtil.release(pong);
        ch.writeInbound(new PongWebSocketFrame());
        ch.writeInbound(new CloseWebSocketFrame(1000, "bye"));
        Object close = ch.readOutbound();
        assertThat(close).isInstanceOf(CloseWebSocketFrame.class);
        assertThat(((CloseWebSocketFrame) close).statusCode()).isEqualTo(1000);
        ReferenceCountUtil.release(close);
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(events).containsExactly("close:transport close");
    }

    @Test
    void unwritableChannelKeepsPacketsQueuedUntilWritable() {
        ch.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(8, 16));
        // EmbeddedChannel writes are flushed into its outbound queue at once, so writability only drops while
        // unflushed bytes wait: mark the channel unwritable through an unflushed write
        ch.write(Unpooled.wrappedBuffer(new byte[64]));
        assertThat(ch.isWritable()).isFalse();
        session.send("queued-1");
        session.send("queued-2");
        assertThat(events).isEmpty();
        ch.flush();
        ch.runPendingTasks();
        assertThat(ch.isWritable()).isTrue();
        Object raw = ch.readOutbound();
        ReferenceCountUtil.release(raw);
        assertThat(nextText()).isEqualTo("4queued-1");
        assertThat(nextText()).isEqualTo("4queued-2");
        assertThat(events).containsExactly("drain");
    }

    @Test
    void serverCloseFlushesThenClosesTheChannel() {
        session.send("last");
        session.close();
        assertThat(nextText()).isEqualTo("4last");
        ch.runPendingTasks();
        assertThat(events).contains("close:forced close");
        drainClose();
        assertThat(ch.isOpen()).isFalse();
    }

    private void drainClose() {
        ch.runPendingTasks();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ReferenceCountUtil.release(o);
        }
    }

    @Test
    void fragmentedMessagesAreJoined() {
        ch.writeInbound(new TextWebSocketFrame(false, 0, Unpooled.copiedBuffer("4hé", StandardCharsets.UTF_8)));
        ch.writeInbound(new io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame(false, 0,
                Unpooled.copiedBuffer("ll", StandardCharsets.UTF_8)));
        assertThat(events).isEmpty();
        ch.writeInbound(new io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame(true, 0,
                Unpooled.copiedBuffer("o 😀", StandardCharsets.UTF_8)));
        assertThat(events).containsExactly("message:héllo 😀", "drain");
        assertThat(nextText()).isEqualTo("4héllo 😀");
        // later unfragmented frames still pass
        ch.writeInbound(text("4next"));
        assertThat(nextText()).isEqualTo("4next");
        ch.writeInbound(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {1})));
        ch.writeInbound(new io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame(true, 0,
                Unpooled.wrappedBuffer(new byte[] {2})));
        assertThat(events).contains("binary:0102");
        drainClose();
    }

    @Test
    void oversizeFragmentedMessageClosesTheSession() {
        ch.writeInbound(new TextWebSocketFrame(false, 0, Unpooled.copiedBuffer("4" + "a".repeat(60),
                StandardCharsets.UTF_8)));
        ch.writeInbound(new io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame(true, 0,
                Unpooled.copiedBuffer("b".repeat(60), StandardCharsets.UTF_8)));
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(events).containsExactly("close:transport error");
        drainClose();
    }
}
