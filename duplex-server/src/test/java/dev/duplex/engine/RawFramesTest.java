package dev.duplex.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Without a WebSocket extension the engine writes complete frames as plain buffers (header included, shared
 * messages framed once); a standard frame decoder must read them back exactly, for every header length.
 */
class RawFramesTest {
    private EngineServer server;
    private EmbeddedChannel ch;
    private EmbeddedChannel client;
    private Session session;

    @BeforeEach
    void setUp() {
        server = EngineServer.create(EngineOptions.defaults());
        ch = new EmbeddedChannel();
        session = new Session(server, "raw", null, ch.eventLoop(), "websocket");
        WsHandler ws = new WsHandler(session, 1_000_000);
        ch.pipeline().addLast(ws);
        ws.setReady(true);
        session.start(ws);
        server.register(session);
        session.flush();
        client = new EmbeddedChannel(new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(false).maxFramePayloadLength(1 << 20).build()));
        assertThat(nextFrame()).isEqualTo("T:0{\"sid\":\"raw\",\"upgrades\":[],\"pingInterval\":25000,"
                + "\"pingTimeout\":20000,\"maxPayload\":1000000}");
    }

    @AfterEach
    void tearDown() {
        server.close();
        ch.finishAndReleaseAll();
        client.finishAndReleaseAll();
    }

    /** Moves what the server wrote into the client decoder and returns the next decoded frame. */
    private String nextFrame() {
        ch.runPendingTasks();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            assertThat(o).isInstanceOf(ByteBuf.class);
            client.writeInbound(o);
        }
        WebSocketFrame f = client.readInbound();
        assertThat(f).isNotNull();
        assertThat(f.isFinalFragment()).isTrue();
        try {
            if (f instanceof TextWebSocketFrame) {
                return "T:" + ((TextWebSocketFrame) f).text();
            }
            assertThat(f).isInstanceOf(BinaryWebSocketFrame.class);
            return "B:" + ByteBufUtil.hexDump(f.content());
        } finally {
            ReferenceCountUtil.release(f);
        }
    }

    @Test
    void textOfEveryHeaderLength() {
        for (int len : new int[] {0, 1, 124, 125, 126, 127, 1000, 65534, 65535, 65536, 200_000}) {
            String s = "é😀".repeat(len / 6) + "x".repeat(len % 6);
            session.send(s);
            assertThat(nextFrame()).isEqualTo("T:4" + s);
        }
    }

    @Test
    void binaryOfEveryHeaderLength() {
        for (int len : new int[] {0, 3, 125, 126, 65535, 65536}) {
            byte[] b = new byte[len];
            Arrays.fill(b, (byte) 0xab);
            session.send(b);
            assertThat(nextFrame()).isEqualTo("B:" + ByteBufUtil.hexDump(b));
        }
    }

    @Test
    void sharedMessagesAreFramedOnce() {
        EngineMessage text = EngineMessage.text("shared ✓ " + "y".repeat(300));
        EngineMessage bin = EngineMessage.binary(new byte[] {1, 2, 3});
        session.send(text);
        session.send(text);
        session.send(bin);
        assertThat(nextFrame()).isEqualTo("T:4" + text.textValue());
        assertThat(nextFrame()).isEqualTo("T:4" + text.textValue());
        assertThat(nextFrame()).isEqualTo("B:010203");
        assertThat(text.wsFrame()).isSameAs(text.wsFrame());
        byte[] payload = ("4" + text.textValue()).getBytes(StandardCharsets.UTF_8);
        assertThat(text.wsFrame().length).isEqualTo(4 + payload.length);
    }
}
