package dev.duplex.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The pipeline of an upgraded connection holds only the WebSocket handlers (no HTTP codec on the frame path). */
class WsPipelineTest {

    @Test
    void noHttpHandlerAfterTheHandshake() {
        EngineServer server = EngineServer.create(EngineOptions.defaults());
        EmbeddedChannel ch = new EmbeddedChannel();
        try {
            server.initPipeline(ch.pipeline());
            ch.writeInbound(Unpooled.copiedBuffer("GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                    + "Host: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                    StandardCharsets.US_ASCII));
            ch.runPendingTasks();
            StringBuilder out = new StringBuilder();
            ByteBuf b;
            while ((b = ch.readOutbound()) != null) {
                out.append(b.toString(StandardCharsets.ISO_8859_1));
                b.release();
            }
            assertThat(out.toString()).startsWith("HTTP/1.1 101");
            assertThat(ch.pipeline().names()).doesNotContain("http", "aggregator", "engine");
            assertThat(ch.pipeline().toMap().values())
                    .noneMatch(h -> h.getClass().getName().contains(".http.Http"));
            assertThat(server.clientsCount()).isEqualTo(1);
            // issue #19: an established connection without extension keeps two handlers, the frame decoder and
            // WsHandler: no Backpressure (WsHandler applies it), no frame encoder (frames are written complete)
            assertThat(ch.pipeline().toMap().values()).extracting(h -> h.getClass().getSimpleName())
                    .containsExactly("WebSocket13FrameDecoder", "WsHandler");
            // and it still answers: a masked ping gets its pong, a close frame its close, as complete frames
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x89, (byte) 0x82, 0, 0, 0, 0, 'h', 'i'}));
            ch.runPendingTasks();
            assertThat(hex(ch)).isEqualTo("8a026869");
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xe8}));
            ch.runPendingTasks();
            assertThat(hex(ch)).isEqualTo("880203e8");
        } finally {
            server.close();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void withPerMessageDeflateTheFrameEncoderStays() {
        EngineServer server = EngineServer.create(EngineOptions.builder().perMessageDeflate(true).build());
        EmbeddedChannel ch = new EmbeddedChannel();
        try {
            server.initPipeline(ch.pipeline());
            ch.writeInbound(Unpooled.copiedBuffer("GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                    + "Host: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                    StandardCharsets.US_ASCII));
            ch.runPendingTasks();
            Object o;
            while ((o = ch.readOutbound()) != null) {
                io.netty.util.ReferenceCountUtil.release(o);
            }
            assertThat(ch.pipeline().toMap().values()).extracting(h -> h.getClass().getSimpleName())
                    .contains("WebSocket13FrameEncoder", "WsHandler").doesNotContain("Backpressure");
        } finally {
            server.close();
            ch.finishAndReleaseAll();
        }
    }

    /** The bytes written since the last call, as hex. */
    private static String hex(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            out.append(io.netty.buffer.ByteBufUtil.hexDump(b));
            b.release();
        }
        return out.toString();
    }
}
