package dev.duplex.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which requests are the engine's, read from the raw request target as Node does: engine.io's attach() check (the
 * URI as sent starts with the path, trailing slash included), Node's HTTP parser (400 for a target with a control,
 * space or non-ASCII character) and engine.io's query (the last of repeated parameters).
 */
class RequestTargetTest {
    private final EngineServer server = EngineServer.create(EngineOptions.defaults());
    private final EmbeddedChannel ch = new EmbeddedChannel();

    RequestTargetTest() {
        server.initPipeline(ch.pipeline());
    }

    @AfterEach
    void tearDown() {
        server.close();
        ch.finishAndReleaseAll();
    }

    /** Writes a raw GET with this target (ISO-8859-1 bytes) and returns the response as text. */
    private String get(String target) {
        ch.writeInbound(Unpooled.copiedBuffer("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        ch.runPendingTasks();
        StringBuilder out = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/engine.io?EIO=4&transport=polling", "/engine.io", "/engine.iox/?EIO=4&transport=polling",
        "/x/engine.io/?EIO=4&transport=polling", "/engine.io%2F?EIO=4&transport=polling"})
    void targetsOutsideThePathAreNotTheEngines(String target) {
        assertThat(get(target)).startsWith("HTTP/1.1 404 Not Found\r\n");
        assertThat(server.clientsCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/engine.io?EIO=4&transport=polling", "/engine.io/?EIO=4&transport=polling",
        "/engine.iox?EIO=4&transport=polling"})
    void withoutAddTrailingSlashThePathWithoutItsSlashIsThePrefix(String target) {
        // engine.io's _computePath and attach() check: "/engine.io" is the prefix, so even "/engine.iox" is the engine's
        EngineServer lenient = EngineServer.create(EngineOptions.builder().addTrailingSlash(false).build());
        EmbeddedChannel c = new EmbeddedChannel();
        lenient.initPipeline(c.pipeline());
        try {
            c.writeInbound(Unpooled.copiedBuffer("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n",
                    StandardCharsets.ISO_8859_1));
            c.runPendingTasks();
            ByteBuf b = c.readOutbound();
            String res = b.toString(StandardCharsets.ISO_8859_1);
            b.release();
            assertThat(res).startsWith("HTTP/1.1 200 OK\r\n").contains("0{\"sid\":");
            assertThat(lenient.clientsCount()).isEqualTo(1);
            // the same target is outside the path with the default
            assertThat(get(target)).startsWith(target.startsWith("/engine.io/") ? "HTTP/1.1 200 OK\r\n"
                    : "HTTP/1.1 404 Not Found\r\n");
        } finally {
            lenient.close();
            c.finishAndReleaseAll();
        }
    }

    @Test
    void theFallbackHandlerGetsThePathWithoutTrailingSlash() {
        server.fallback((ctx, req) -> {
            io.netty.handler.codec.http.FullHttpResponse res = Responses.plain(req.protocolVersion(),
                    io.netty.handler.codec.http.HttpResponseStatus.OK, "fallback " + req.uri(), null);
            ctx.writeAndFlush(res);
            return true;
        });
        assertThat(get("/engine.io?EIO=4&transport=polling")).startsWith("HTTP/1.1 200 OK\r\n")
                .endsWith("fallback /engine.io?EIO=4&transport=polling");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/engine.io/\u0000?EIO=4&transport=polling", "/engine.io/?EIO=4\u0000&transport=polling",
        "/engine.io/?EIO=4&transport=polling\u0001", "/engine.io/\u007f?EIO=4&transport=polling",
        "/engine.io/\u00ff?EIO=4&transport=polling", "/other\u0000"})
    void controlOrNonAsciiCharacterInTheTargetIs400(String target) {
        String res = get(target);
        assertThat(res).startsWith("HTTP/1.1 400 Bad Request\r\n").containsIgnoringCase("\r\nconnection: close\r\n");
        assertThat(server.clientsCount()).isZero();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void percentEncodedNulIsAnOrdinaryTarget() {
        assertThat(get("/engine.io/%00?EIO=4&transport=polling")).startsWith("HTTP/1.1 200 OK\r\n");
        assertThat(server.clientsCount()).isEqualTo(1);
    }

    @Test
    void repeatedEioIsReadAsItsLastValue() {
        assertThat(get("/engine.io/?EIO=4&EIO=3&transport=polling")).startsWith("HTTP/1.1 400 Bad Request\r\n")
                .endsWith("{\"code\":5,\"message\":\"Unsupported protocol version\"}");
        assertThat(get("/engine.io/?EIO=4&transport=polling&EIO=")).startsWith("HTTP/1.1 400 Bad Request\r\n")
                .endsWith("{\"code\":5,\"message\":\"Unsupported protocol version\"}");
        assertThat(server.clientsCount()).isZero();
        // as on Node, the last one counts
        assertThat(get("/engine.io/?EIO=3&EIO=4&transport=polling")).startsWith("HTTP/1.1 200 OK\r\n");
        assertThat(server.clientsCount()).isEqualTo(1);
    }

    @Test
    void repeatedTransportIsReadAsItsLastValue() {
        assertThat(get("/engine.io/?EIO=4&transport=polling&transport=abc")).startsWith("HTTP/1.1 400")
                .endsWith("{\"code\":0,\"message\":\"Transport unknown\"}");
    }
}
