package dev.duplex.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A request's headers do not replace the timer set when the connection came (a cancel and a new timer per request
 * before): it is set for the headers' deadline, which comes first, and sets the next one when it runs.
 */
class HttpTimeoutsTimerTest {
    @Test
    void theHeadersOfARequestKeepTheTimerSetAtTheConnection() throws Exception {
        EngineServer server = EngineServer.create(EngineOptions.builder().build());
        EmbeddedChannel ch = new EmbeddedChannel();
        try {
            server.initPipeline(ch.pipeline());
            HttpTimeouts timeouts = ch.pipeline().get(HttpTimeouts.class);
            Object atConnection = timer(timeouts);
            assertThat(atConnection).as("the timer of the connection").isNotNull();
            // the headers and part of the body: the request is still being received
            ch.writeInbound(Unpooled.copiedBuffer("POST /nothing HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Length: 100\r\n\r\nhalf", StandardCharsets.US_ASCII));
            assertThat(timer(timeouts)).as("the timer once the headers came").isSameAs(atConnection);
        } finally {
            server.close();
            ch.finishAndReleaseAll();
        }
    }

    private static Object timer(HttpTimeouts t) throws ReflectiveOperationException {
        Field f = HttpTimeouts.class.getDeclaredField("timer");
        f.setAccessible(true);
        return f.get(t);
    }
}
