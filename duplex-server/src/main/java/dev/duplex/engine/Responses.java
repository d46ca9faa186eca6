package dev.duplex.engine;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Engine.IO's error responses. */
final class Responses {
    private Responses() {
    }

    static final int UNKNOWN_TRANSPORT = 0;
    static final int UNKNOWN_SID = 1;
    static final int BAD_HANDSHAKE_METHOD = 2;
    static final int BAD_REQUEST = 3;
    static final int FORBIDDEN = 4;
    static final int UNSUPPORTED_PROTOCOL_VERSION = 5;

    private static final String[] MESSAGES = {
        "Transport unknown", "Session ID unknown", "Bad handshake method", "Bad request", "Forbidden",
        "Unsupported protocol version"
    };

    static String message(int code) {
        return MESSAGES[code];
    }

    /** {@code {"code":N,"message":"..."}} with application/json; 403 for Forbidden, else 400. */
    static FullHttpResponse error(HttpVersion version, int code, HttpHeaders extra) {
        return error(version, code, MESSAGES[code], extra);
    }

    /** The same with the message of the refusal (engine.io's {@code errorContext.message}), JSON-escaped here. */
    static FullHttpResponse error(HttpVersion version, int code, String message, HttpHeaders extra) {
        return error(version, code == FORBIDDEN ? 403 : 400, code, message, extra);
    }

    static FullHttpResponse error(HttpVersion version, int status, int code, String message, HttpHeaders extra) {
        byte[] body = ("{\"code\":" + code + ",\"message\":\""
                + new String(JsonStringEncoder.getInstance().quoteAsString(message)) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(version, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (extra != null) {
            res.headers().add(extra);
        }
        return res;
    }

    /** engine.io's abortUpgrade: a raw 400 with the message as text/html, then the connection is closed. */
    static void abortUpgrade(ChannelHandlerContext ctx, HttpVersion version, int code) {
        abortUpgrade(ctx, version, MESSAGES[code]);
    }

    /** abortUpgrade with the message of the refusal (engine.io's {@code errorContext.message}). */
    static void abortUpgrade(ChannelHandlerContext ctx, HttpVersion version, String message) {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(version, HttpResponseStatus.BAD_REQUEST,
                Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONNECTION, "close");
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html");
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * ws's abortHandshake: a 400 with the message as text/html (and an extra header when given), then the
     * connection is closed.
     */
    static void abortWebSocket(ChannelHandlerContext ctx, HttpVersion version, String message, String wsVersions) {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(version, HttpResponseStatus.BAD_REQUEST,
                Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONNECTION, "close");
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html");
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (wsVersions != null) {
            res.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, wsVersions);
        }
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    /** A plain response with a text body. */
    static FullHttpResponse plain(HttpVersion version, HttpResponseStatus status, String text, HttpHeaders extra) {
        ByteBuf body = text.isEmpty() ? Unpooled.EMPTY_BUFFER
                : Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
        FullHttpResponse res = new DefaultFullHttpResponse(version, status, body);
        if (body.isReadable()) {
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8");
        }
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (extra != null) {
            res.headers().add(extra);
        }
        return res;
    }
}
