package dev.duplex.http;

import dev.duplex.engine.EngineRequest;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of the HTTP request a {@link Route} answers: the request as the Engine.IO layer sees a
 * handshake ({@link EngineRequest}: headers lower-cased) plus a copy of the body.
 */
public final class RouteRequest {
    private final EngineRequest request;
    private final byte[] body;

    RouteRequest(ChannelHandlerContext ctx, FullHttpRequest request) {
        this.request = EngineRequest.of(ctx, request);
        byte[] b = new byte[request.content().readableBytes()];
        request.content().getBytes(request.content().readerIndex(), b);
        this.body = b;
    }

    /** The method, e.g. "GET". */
    public String method() {
        return request.method();
    }

    /** The request target as sent, with its query string. */
    public String uri() {
        return request.uri();
    }

    /** The decoded path, without the query string. */
    public String path() {
        return request.path();
    }

    /** All query parameters. */
    public Map<String, List<String>> queryParameters() {
        return request.queryParameters();
    }

    /** The first value of a query parameter, or null. */
    public String query(String name) {
        return request.query(name);
    }

    /** The headers, names in lower case. */
    public Map<String, List<String>> headers() {
        return request.headers();
    }

    /** The first value of a header (case-insensitive name), or null. */
    public String header(String name) {
        return request.header(name);
    }

    /** A copy of the body. */
    public byte[] body() {
        return body.clone();
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The peer's address, or null when unknown. */
    public InetSocketAddress remoteAddress() {
        return request.remoteAddress();
    }
}
