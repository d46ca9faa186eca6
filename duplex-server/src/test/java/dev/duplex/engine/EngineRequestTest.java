package dev.duplex.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The request snapshot of a handshake: the same maps as the copying constructor, built only when asked, so that a
 * connection that never reads them does not pay for copying every header and query parameter.
 */
class EngineRequestTest {

    private static ChannelHandlerContext context(EmbeddedChannel ch) {
        ch.pipeline().addLast("probe", new ChannelInboundHandlerAdapter());
        return ch.pipeline().context("probe");
    }

    private static FullHttpRequest request() {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                "/socket.io/?EIO=4&transport=websocket&x=1&x=2&y=%C3%A9");
        req.headers().add("Host", "localhost:3000")
                .add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("X-Multi", "a")
                .add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                .add("x-multi", "b")
                .add("Origin", "http://example.com");
        return req;
    }

    @Test
    void sameViewsAsTheCopyingConstructor() {
        EmbeddedChannel ch = new EmbeddedChannel();
        FullHttpRequest req = request();
        try {
            EngineRequest r = EngineRequest.of(context(ch), req);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            headers.put("host", List.of("localhost:3000"));
            headers.put("upgrade", List.of("websocket"));
            headers.put("connection", List.of("Upgrade"));
            headers.put("x-multi", List.of("a", "b"));
            // the WebSocket key is spent with the handshake: not kept (issue #19)
            headers.put("origin", List.of("http://example.com"));
            assertThat(r.header("ORIGIN")).isEqualTo("http://example.com");
            assertThat(r.header("x-Multi")).isEqualTo("a");
            assertThat(r.header("absent")).isNull();
            // x=1&x=2: the last, as engine.io's req._query
            assertThat(r.query("x")).isEqualTo("2");
            assertThat(r.query("y")).isEqualTo("\u00e9");
            assertThat(r.query("absent")).isNull();
            assertThat(r.headers()).containsExactlyEntriesOf(headers);
            Map<String, List<String>> query = new LinkedHashMap<>();
            query.put("EIO", List.of("4"));
            query.put("transport", List.of("websocket"));
            query.put("x", List.of("1", "2"));
            query.put("y", List.of("\u00e9"));
            assertThat(r.queryParameters()).containsExactlyEntriesOf(query);
            assertThat(r.queryParameters().get("x")).containsExactly("1", "2");
            assertThat(r.headers()).isSameAs(r.headers());
            assertThatThrownBy(() -> r.headers().put("a", List.of())).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> r.headers().get("x-multi").add("c"))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> r.queryParameters().get("x").add("3"))
                    .isInstanceOf(UnsupportedOperationException.class);

            EngineRequest copied = new EngineRequest(r.method(), r.uri(), r.path(), r.queryParameters(), r.headers(),
                    r.remoteAddress(), r.secure(), r.time());
            assertThat(copied.headers()).containsExactlyEntriesOf(r.headers());
            assertThat(copied.queryParameters()).containsExactlyEntriesOf(r.queryParameters());
            assertThat(copied.header("X-MULTI")).isEqualTo(r.header("X-MULTI"));
            assertThat(r.path()).isEqualTo("/socket.io/");
            assertThat(r.method()).isEqualTo("GET");
        } finally {
            req.release();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aSnapshotWhoseMapsAreNotReadCostsLittle() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        EmbeddedChannel ch = new EmbeddedChannel();
        FullHttpRequest req = request();
        try {
            ChannelHandlerContext ctx = context(ch);
            UriQuery qs = UriQuery.parse(req.uri());
            long tid = Thread.currentThread().getId();
            long best = Long.MAX_VALUE;
            for (int round = 0; round < 20; round++) {
                long before = mx.getThreadAllocatedBytes(tid);
                for (int i = 0; i < 100; i++) {
                    EngineRequest r = EngineRequest.of(ctx, req, qs);
                    if (r.header("origin") == null || r.query("EIO") == null) {
                        throw new AssertionError();
                    }
                }
                best = Math.min(best, (mx.getThreadAllocatedBytes(tid) - before) / 100);
            }
            // the copies of the seven headers and four parameters took about 2 KB; the flat snapshot about 500 B
            assertThat(best).isLessThan(1000);
        } finally {
            req.release();
            ch.finishAndReleaseAll();
        }
    }

    /** A request like {@link #request()} whose strings are all fresh instances, as each client's are. */
    private static FullHttpRequest freshRequest() {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                fresh("/socket.io/?EIO=4&transport=websocket"));
        req.headers().add(fresh("Host"), fresh("localhost:3000"))
                .add(fresh("Upgrade"), fresh("websocket"))
                .add(fresh("Connection"), fresh("Upgrade"))
                .add(fresh("Sec-WebSocket-Key"), fresh("dGhlIHNhbXBsZSBub25jZQ=="));
        return req;
    }

    private static String fresh(String s) {
        return new StringBuilder(s).toString();
    }

    @Test
    void snapshotsOfLikeRequestsKeepOneCopyOfTheStringsEveryClientSends() {
        // issue #19: an idle connection keeps its handshake snapshot; what every client sends alike (header names,
        // the values of headers such as Upgrade or Host, the query's EIO and transport, path and URI) is kept once
        EmbeddedChannel ch = new EmbeddedChannel();
        FullHttpRequest one = freshRequest();
        FullHttpRequest two = freshRequest();
        try {
            ChannelHandlerContext ctx = context(ch);
            EngineRequest a = EngineRequest.of(ctx, one);
            EngineRequest b = EngineRequest.of(ctx, two);
            assertThat(a.header("upgrade")).isEqualTo("websocket").isSameAs(b.header("upgrade"));
            assertThat(a.header("connection")).isSameAs(b.header("connection"));
            assertThat(a.header("host")).isSameAs(b.header("host"));
            assertThat(a.query("transport")).isEqualTo("websocket").isSameAs(b.query("transport"));
            assertThat(a.query("EIO")).isEqualTo("4").isSameAs(b.query("EIO"));
            assertThat(a.path()).isSameAs(b.path());
            assertThat(a.uri()).isSameAs(b.uri());
            assertThat(a.queryParameters().keySet()).containsExactly("EIO", "transport");
            // a client's own key is not kept at all: spent with the handshake, 64 B per idle connection otherwise
            assertThat(a.header("sec-websocket-key")).isNull();
            assertThat(a.headers()).doesNotContainKey("sec-websocket-key");
        } finally {
            one.release();
            two.release();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aRequestUnlikeTheLastGetsItsOwnHeadersAndQuery() {
        // like requests take the last snapshot's arrays in one pass: anything that differs (a value, a header more
        // or less, the order, a query value) must still be seen
        EmbeddedChannel ch = new EmbeddedChannel();
        try {
            ChannelHandlerContext ctx = context(ch);
            String ws = "/socket.io/?EIO=4&transport=websocket";
            EngineRequest base = snapshot(ctx, ws, "Host", "h", "Upgrade", "websocket");
            EngineRequest same = snapshot(ctx, ws, "Host", "h",
                    "Sec-WebSocket-Key", "a2V5a2V5a2V5a2V5a2V5aw==", "Upgrade", "websocket");
            assertThat(same.headers()).isEqualTo(base.headers());
            EngineRequest value = snapshot(ctx, ws, "Host", "g", "Upgrade", "websocket");
            assertThat(value.header("host")).isEqualTo("g");
            EngineRequest more = snapshot(ctx, ws, "Host", "g", "Upgrade", "websocket", "Origin", "o");
            assertThat(more.header("origin")).isEqualTo("o");
            EngineRequest fewer = snapshot(ctx, ws, "Host", "g");
            assertThat(fewer.headers()).containsOnlyKeys("host");
            EngineRequest order = snapshot(ctx, ws, "Upgrade", "websocket", "Host", "g");
            assertThat(order.headers().keySet()).containsExactly("upgrade", "host");
            String polling = "/socket.io/?EIO=4&transport=polling";
            EngineRequest query = snapshot(ctx, polling, "Upgrade", "websocket", "Host", "g");
            assertThat(query.query("transport")).isEqualTo("polling");
            EngineRequest queryMore = snapshot(ctx, "/socket.io/?EIO=4&transport=polling&t=1", "Upgrade", "websocket",
                    "Host", "g");
            assertThat(queryMore.query("t")).isEqualTo("1");
            EngineRequest queryFewer = snapshot(ctx, "/socket.io/?EIO=4", "Upgrade", "websocket", "Host", "g");
            assertThat(queryFewer.queryParameters()).containsOnlyKeys("EIO");
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private static EngineRequest snapshot(ChannelHandlerContext ctx, String uri, String... headers) {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        for (int i = 0; i < headers.length; i += 2) {
            req.headers().add(headers[i], headers[i + 1]);
        }
        try {
            return EngineRequest.of(ctx, req);
        } finally {
            req.release();
        }
    }
}
