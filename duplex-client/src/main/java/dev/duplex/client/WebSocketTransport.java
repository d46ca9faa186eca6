package dev.duplex.client;

import dev.duplex.protocol.engineio.EngineCodec;
import dev.duplex.protocol.engineio.EnginePacket;
import dev.duplex.protocol.engineio.EngineProtocolException;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** WebSocket transport: one Engine.IO packet per frame, binary messages as raw binary frames. */
final class WebSocketTransport extends Transport {
    private Channel channel;
    private WebSocketClientHandshaker handshaker;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    WebSocketTransport(ClientContext ctx, String sid, Events events) {
        super(ctx, IoOptions.WEBSOCKET, sid, events);
    }

    @Override
    void open() {
        state = State.OPENING;
        URI uri = URI.create((ctx.secure ? "wss://" : "ws://") + ctx.hostHeader() + ctx.requestUri(name, sid));
        HttpHeaders headers = new DefaultHttpHeaders();
        ctx.addHeaders(IoOptions.WEBSOCKET, headers);
        handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, null, false, headers,
                ctx.opts.maxFramePayload);
        ChannelFuture f = ctx.connect(new HttpClientCodec(), new HttpObjectAggregator(1 << 20), new Handler());
        channel = f.channel();
        channel.closeFuture().addListener(x -> closed.complete(null));
        f.addListener(done -> {
            if (!done.isSuccess()) {
                fireError(Errors.of("websocket error", ctx.hostPort(), done.cause()));
            } else if (state == State.CLOSED) {
                channel.close();
            } else {
                handshaker.handshake(channel).addListener(h -> {
                    if (!h.isSuccess()) {
                        fireError(Errors.of("websocket error", ctx.hostPort(), h.cause()));
                        channel.close();
                    }
                });
            }
        });
    }

    @Override
    void send(List<EnginePacket> packets) {
        writable = false;
        ChannelFuture last = null;
        for (EnginePacket p : packets) {
            WebSocketFrame frame = p.isBinary() ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(p.binary()))
                    : new TextWebSocketFrame(EngineCodec.encode(p));
            last = channel.write(frame);
        }
        channel.flush();
        if (last == null) {
            writable = true;
            return;
        }
        last.addListener(w -> {
            if (state == State.CLOSED) {
                return;
            }
            if (w.isSuccess()) {
                writable = true;
                fireDrain();
            } else {
                fireError(Errors.of("websocket error", ctx.hostPort(), w.cause()));
            }
        });
    }

    @Override
    CompletableFuture<Void> close() {
        State was = state;
        state = State.CLOSED;
        if (channel == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (was == State.OPEN && channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame()).addListener(x -> channel.close());
            channel.eventLoop().schedule(() -> {
                channel.close();
            }, 1, java.util.concurrent.TimeUnit.SECONDS);
        } else {
            channel.close();
        }
        return closed;
    }

    private final class Handler extends SimpleChannelInboundHandler<Object> {
        @Override
        protected void channelRead0(ChannelHandlerContext c, Object msg) {
            if (msg instanceof FullHttpResponse) {
                FullHttpResponse res = (FullHttpResponse) msg;
                ctx.storeCookies(res.headers());
                if (!res.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                    fireError(Errors.http("websocket error", res.status().code(), res.status().reasonPhrase(),
                            res.content().toString(StandardCharsets.UTF_8)));
                    c.close();
                    return;
                }
                try {
                    handshaker.finishHandshake(c.channel(), res);
                } catch (RuntimeException e) {
                    fireError(Errors.protocol("websocket handshake failed: " + e.getMessage(), e));
                    c.close();
                    return;
                }
                c.pipeline().addBefore(c.name(), "ws-aggregator",
                        new WebSocketFrameAggregator(ctx.opts.maxFramePayload));
                if (state == State.OPENING) {
                    state = State.OPEN;
                    writable = true;
                    fireOpen();
                }
                return;
            }
            if (msg instanceof TextWebSocketFrame) {
                EnginePacket p;
                try {
                    p = EngineCodec.decode(((TextWebSocketFrame) msg).text());
                } catch (EngineProtocolException e) {
                    fireError(Errors.protocol("invalid packet from the server: " + e.getMessage(), e));
                    return;
                }
                firePacket(p);
            } else if (msg instanceof BinaryWebSocketFrame) {
                firePacket(EnginePacket.binary(ByteBufUtil.getBytes(((BinaryWebSocketFrame) msg).content())));
            } else if (msg instanceof PingWebSocketFrame) {
                c.writeAndFlush(new PongWebSocketFrame(((PingWebSocketFrame) msg).content().retain()));
            } else if (msg instanceof CloseWebSocketFrame) {
                c.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext c) {
            if (state == State.OPENING) {
                fireError(Errors.of("websocket error", ctx.hostPort(), null));
            } else {
                fireClose("transport close");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
            fireError(Errors.of("websocket error", ctx.hostPort(), cause));
            c.close();
        }
    }
}
