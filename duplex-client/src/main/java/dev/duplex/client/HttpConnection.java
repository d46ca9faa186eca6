package dev.duplex.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * One keep-alive HTTP/1.1 connection for long-polling, used for one request at a time and reconnected when the
 * server closes it. Runs on the event loop.
 */
final class HttpConnection {
    /** The answer to a request. */
    record Response(int status, String reason, String body) {
    }

    /** Called once per request with the response or the failure. */
    interface Callback {
        void done(Response response, Throwable failure);
    }

    private final ClientContext ctx;
    private Channel channel;
    private Callback pending;
    private boolean closed;

    HttpConnection(ClientContext ctx) {
        this.ctx = ctx;
    }

    boolean busy() {
        return pending != null;
    }

    void request(HttpMethod method, String uri, String body, Callback cb) {
        if (closed) {
            cb.done(null, new IllegalStateException("connection closed"));
            return;
        }
        pending = cb;
        if (channel != null && channel.isActive()) {
            write(method, uri, body);
            return;
        }
        ChannelFuture f = ctx.connect(new HttpClientCodec(),
                new HttpObjectAggregator(Math.max(ctx.opts.maxFramePayload, 1 << 20)), new Handler());
        channel = f.channel();
        f.addListener(done -> {
            if (!done.isSuccess()) {
                fail(done.cause());
            } else if (closed) {
                f.channel().close();
            } else {
                write(method, uri, body);
            }
        });
    }

    private void write(HttpMethod method, String uri, String body) {
        ByteBuf content = body == null ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, content);
        req.headers().set(HttpHeaderNames.HOST, ctx.hostHeader());
        req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        req.headers().set(HttpHeaderNames.ACCEPT, "*/*");
        if (body != null) {
            req.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain;charset=UTF-8");
        }
        HttpUtil.setContentLength(req, content.readableBytes());
        ctx.addHeaders(IoOptions.POLLING, req.headers());
        Channel ch = channel;
        ch.writeAndFlush(req).addListener(w -> {
            if (!w.isSuccess()) {
                fail(w.cause());
                ch.close();
            }
        });
    }

    private void fail(Throwable cause) {
        Callback cb = pending;
        pending = null;
        if (cb != null) {
            cb.done(null, cause == null ? new java.io.IOException("connection closed by the server") : cause);
        }
    }

    /** Closes the connection; a pending request fails. */
    CompletableFuture<Void> close() {
        closed = true;
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (channel == null) {
            f.complete(null);
        } else {
            channel.close().addListener(x -> f.complete(null));
        }
        pending = null;
        return f;
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext c, FullHttpResponse res) {
            ctx.storeCookies(res.headers());
            Response r = new Response(res.status().code(), res.status().reasonPhrase(),
                    res.content().toString(StandardCharsets.UTF_8));
            boolean keepAlive = HttpUtil.isKeepAlive(res);
            Callback cb = pending;
            pending = null;
            if (!keepAlive) {
                c.close();
            }
            if (cb != null) {
                cb.done(r, null);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext c) {
            if (c.channel() == channel) {
                fail(null);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
            fail(cause);
            c.close();
        }
    }
}
