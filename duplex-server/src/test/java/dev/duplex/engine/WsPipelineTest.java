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
        } finally {
            server.close();
            ch.finishAndReleaseAll();
        }
    }
}
