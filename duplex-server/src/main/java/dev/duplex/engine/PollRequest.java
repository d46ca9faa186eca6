package dev.duplex.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * What the engine keeps of a polling request to answer it later, possibly from another thread: the channel,
 * keep-alive, the accepted encodings and the extra headers (CORS, cookie...). Answering is thread-safe.
 */
final class PollRequest {
    static final int COMPRESSION_THRESHOLD = 1024;

    final Channel channel;
    final HttpVersion version;
    final boolean keepAlive;
    final String acceptEncoding;
    /** Extra headers for the response (CORS...); may be null. */
    final HttpHeaders extraHeaders;

    PollRequest(Channel channel, HttpVersion version, boolean keepAlive, String acceptEncoding,
                HttpHeaders extraHeaders) {
        this.channel = channel;
        this.version = version;
        this.keepAlive = keepAlive;
        this.acceptEncoding = acceptEncoding;
        this.extraHeaders = extraHeaders;
    }

    /** Answers a GET with a payload, text/plain; charset=UTF-8, compressed when allowed and worth it. */
    void respondPayload(String payload, boolean compressionAllowed) {
        respond(payload.getBytes(StandardCharsets.UTF_8), "text/plain; charset=UTF-8", compressionAllowed);
    }

    /** Answers a GET with a binary payload (an Engine.IO v3 one), application/octet-stream like engine.io. */
    void respondBinary(byte[] payload, boolean compressionAllowed) {
        respond(payload, "application/octet-stream", compressionAllowed);
    }

    private void respond(byte[] bytes, String contentType, boolean compressionAllowed) {
        String encoding = null;
        if (compressionAllowed && bytes.length >= COMPRESSION_THRESHOLD) {
            encoding = HttpCompression.choose(acceptEncoding);
            if (encoding != null) {
                bytes = HttpCompression.compress(bytes, encoding);
            }
        }
        FullHttpResponse res = response(HttpResponseStatus.OK, Unpooled.wrappedBuffer(bytes), contentType);
        if (encoding != null) {
            res.headers().set(HttpHeaderNames.CONTENT_ENCODING, encoding);
        }
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        write(res);
    }

    /** Answers a POST with {@code ok}, text/html like engine.io. */
    void respondOk() {
        FullHttpResponse res = response(HttpResponseStatus.OK, Unpooled.wrappedBuffer(OK), "text/html");
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        write(res);
    }

    private static final byte[] OK = {'o', 'k'};

    /** Answers with engine.io's JSON error body. */
    void respondError(int status, int code, String message) {
        write(Responses.error(version, status, code, message, extraHeaders));
    }

    /** Answers with a status and no body. */
    void respondEmpty(int status) {
        write(response(HttpResponseStatus.valueOf(status), Unpooled.EMPTY_BUFFER, null));
    }

    private FullHttpResponse response(HttpResponseStatus status, ByteBuf body, String contentType) {
        FullHttpResponse res = new DefaultFullHttpResponse(version, status, body);
        if (contentType != null) {
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (extraHeaders != null) {
            res.headers().add(extraHeaders);
        }
        return res;
    }

    private void write(FullHttpResponse res) {
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (version.equals(HttpVersion.HTTP_1_0)) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        ChannelFuture f = channel.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
