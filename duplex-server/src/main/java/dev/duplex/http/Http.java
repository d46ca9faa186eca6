package dev.duplex.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Shared helpers of the HTTP front: writing a complete response with keep-alive handling, URI parts. */
final class Http {
    private Http() {
    }

    /** The path part of a request target (before '?' or '#'), as sent (still percent-encoded). */
    static String rawPath(String uri) {
        int end = uri.length();
        int q = uri.indexOf('?');
        if (q >= 0) {
            end = q;
        }
        int h = uri.indexOf('#');
        if (h >= 0 && h < end) {
            end = h;
        }
        String path = uri.substring(0, end);
        // absolute-form request target: http://host/path
        if (!path.startsWith("/")) {
            int scheme = path.indexOf("://");
            if (scheme > 0) {
                int slash = path.indexOf('/', scheme + 3);
                path = slash < 0 ? "/" : path.substring(slash);
            }
        }
        return path;
    }

    static boolean isGetOrHead(HttpRequest request) {
        return HttpMethod.GET.equals(request.method()) || HttpMethod.HEAD.equals(request.method());
    }

    /**
     * Writes a complete response. {@code body} is left out for HEAD requests (Content-Length still tells its
     * size); the connection is closed afterwards when the request did not ask for keep-alive.
     */
    static void send(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status, HttpHeaders headers,
            byte[] body) {
        boolean head = HttpMethod.HEAD.equals(request.method());
        byte[] content = body == null ? new byte[0] : body;
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                head || content.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(content));
        if (headers != null) {
            response.headers().set(headers);
        }
        boolean noBody = status.code() == 304 || status.code() == 204;
        if (!noBody) {
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, content.length);
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (keepAlive) {
            if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** A short plain-text answer, e.g. a 404. */
    static void sendText(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status, String text) {
        HttpHeaders headers = new io.netty.handler.codec.http.DefaultHttpHeaders();
        headers.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        headers.set("X-Content-Type-Options", "nosniff");
        send(ctx, request, status, headers, text.getBytes(StandardCharsets.UTF_8));
    }

    static void notFound(ChannelHandlerContext ctx, HttpRequest request) {
        sendText(ctx, request, HttpResponseStatus.NOT_FOUND, "Not Found");
    }

    /**
     * Whether an {@code If-None-Match} header value matches the entity tag: {@code *}, the tag itself or its weak
     * form, alone or in a comma-separated list (weak comparison, as RFC 9110 asks for GET/HEAD).
     */
    static boolean etagMatches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null || etag == null) {
            return false;
        }
        String opaque = etag.startsWith("W/") ? etag.substring(2) : etag;
        for (String part : ifNoneMatch.split(",")) {
            String t = part.trim();
            if (t.equals("*")) {
                return true;
            }
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals(opaque)) {
                return true;
            }
        }
        return false;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
