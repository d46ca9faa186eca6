package dev.duplex.engine;

import dev.duplex.protocol.engineio.EngineCodec;
import dev.duplex.protocol.engineio.EnginePacketType;
import dev.duplex.protocol.engineio.EngineProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket transport of one session: decodes frames into packets for the session (hopping onto its loop
 * when the channel runs on another one) and writes the session's packets as frames, one packet per frame.
 */
final class WsHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(WsHandler.class);

    /** Compression extensions skip the frames of messages sent with {@code compress} false. */
    static final WebSocketExtensionFilterProvider COMPRESS_FILTER = new WebSocketExtensionFilterProvider() {
        private final WebSocketExtensionFilter skipPlain = frame -> frame instanceof PlainText
                || frame instanceof PlainBinary;

        @Override
        public WebSocketExtensionFilter encoderFilter() {
            return skipPlain;
        }

        @Override
        public WebSocketExtensionFilter decoderFilter() {
            return WebSocketExtensionFilter.NEVER_SKIP;
        }
    };

    /** A text frame that no extension compresses. */
    static final class PlainText extends TextWebSocketFrame {
        PlainText(ByteBuf content) {
            super(content);
        }
    }

    /** A binary frame that no extension compresses. */
    static final class PlainBinary extends BinaryWebSocketFrame {
        PlainBinary(ByteBuf content) {
            super(content);
        }
    }

    private final Session session;
    private final int maxMessageSize;
    /** Installed before this handler at the first fragmented message; null while none came. */
    private WebSocketFrameAggregator aggregator;
    private ChannelHandlerContext ctx;
    private Channel channel;
    private volatile boolean ready;
    /** Whether complete frames may be written as plain buffers (no extension such as permessage-deflate). */
    private volatile boolean rawFrames;
    private final AtomicBoolean closing = new AtomicBoolean();
    private Throwable error;
    /** Channel-loop only: inside a read batch, flushes wait for channelReadComplete. */
    private boolean inRead;
    private boolean flushPending;
    /**
     * Channel-loop only: the payload of the latest ping not answered yet because the channel was not writable
     * (RFC 6455 lets a pong answer only the most recent ping), so a peer that pings and never reads costs one
     * buffer, not a queue of pongs.
     */
    private ByteBuf pendingPong;

    WsHandler(Session session, int maxMessageSize) {
        this.session = session;
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.channel = ctx.channel();
    }

    void setReady() {
        ready = true;
    }

    /** Marks the handshake done; {@code raw} when the connection has no WebSocket extension. */
    void setReady(boolean raw) {
        rawFrames = raw;
        ready = true;
    }

    boolean isReady() {
        return ready && !closing.get();
    }

    // ------------------------------------------------------------------ inbound (channel loop)

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        inRead = true;
        if (aggregator == null && msg instanceof WebSocketFrame && !((WebSocketFrame) msg).isFinalFragment()) {
            // clients rarely fragment messages: the aggregator joins the pipeline only when one does, and the
            // frame that revealed it goes through it (its later frames will by themselves)
            aggregator = new WebSocketFrameAggregator(maxMessageSize);
            ctx.pipeline().addBefore(ctx.name(), "engine-ws-aggregator", aggregator);
            aggregator.channelRead(ctx.pipeline().context(aggregator), msg);
            return;
        }
        if (msg instanceof TextWebSocketFrame) {
            onText((TextWebSocketFrame) msg);
        } else if (msg instanceof BinaryWebSocketFrame) {
            WebSocketFrame f = (WebSocketFrame) msg;
            byte[] data;
            try {
                data = ByteBufUtil.getBytes(f.content());
            } finally {
                f.release();
            }
            if (session.loop.inEventLoop()) {
                session.onWsBinary(this, data);
            } else {
                session.loop.execute(() -> session.onWsBinary(this, data));
            }
        } else if (msg instanceof PingWebSocketFrame) {
            ByteBuf payload = ((PingWebSocketFrame) msg).content();
            if (ctx.channel().isWritable() && pendingPong == null) {
                ctx.write(new PongWebSocketFrame(payload), ctx.voidPromise());
                flushPending = true;
            } else {
                if (pendingPong != null) {
                    pendingPong.release();
                }
                pendingPong = payload;
            }
        } else if (msg instanceof CloseWebSocketFrame) {
            CloseWebSocketFrame f = (CloseWebSocketFrame) msg;
            if (closing.compareAndSet(false, true)) {
                ctx.writeAndFlush(f).addListener(ChannelFutureListener.CLOSE);
            } else {
                f.release();
                ctx.close();
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onText(TextWebSocketFrame f) {
        EnginePacketType type;
        String data = null;
        byte[] binary = null;
        boolean bad = false;
        try {
            ByteBuf c = f.content();
            int n = c.readableBytes();
            if (n == 0) {
                bad = true;
                type = null;
            } else {
                int ri = c.readerIndex();
                char code = (char) c.getByte(ri);
                if (code == 'b') {
                    type = EnginePacketType.MESSAGE;
                    try {
                        binary = EngineCodec.decodeBase64(c.toString(ri + 1, n - 1, StandardCharsets.US_ASCII));
                    } catch (EngineProtocolException e) {
                        bad = true;
                    }
                } else {
                    type = EnginePacketType.fromCode(code);
                    if (type == null) {
                        bad = true;
                    } else {
                        data = n == 1 ? "" : c.toString(ri + 1, n - 1, StandardCharsets.UTF_8);
                    }
                }
            }
        } finally {
            f.release();
        }
        if (bad) {
            session.run(() -> session.onWsParseError(this));
        } else if (binary != null) {
            byte[] b = binary;
            session.run(() -> session.onWsBinary(this, b));
        } else if (session.loop.inEventLoop()) {
            session.onWsPacket(this, type, data);
        } else {
            EnginePacketType t = type;
            String d = data;
            session.loop.execute(() -> session.onWsPacket(this, t, d));
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inRead = false;
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing.set(true);
        if (pendingPong != null) {
            pendingPong.release();
            pendingPong = null;
        }
        Throwable e = error;
        session.run(() -> session.onWsClosed(this, e));
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            if (pendingPong != null) {
                ByteBuf payload = pendingPong;
                pendingPong = null;
                ctx.writeAndFlush(new PongWebSocketFrame(payload), ctx.voidPromise());
            }
            session.run(() -> session.onWsWritable(this));
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("websocket error on {}", ctx.channel(), cause);
        if (error == null) {
            error = cause;
        }
        ctx.close();
    }

    // ------------------------------------------------------------------ outbound (session loop)

    /** Writes as many queued items as the channel accepts, then flushes. */
    void writeAll(WriteBuffer buffer) {
        boolean direct = channel.eventLoop().inEventLoop();
        boolean wrote = false;
        Object item;
        while (channel.isWritable() && (item = buffer.poll()) != null) {
            Object frame = frame(item);
            if (direct) {
                ctx.write(frame, ctx.voidPromise());
            } else {
                channel.write(frame, channel.voidPromise());
            }
            wrote = true;
        }
        if (!wrote) {
            return;
        }
        if (direct) {
            if (inRead) {
                flushPending = true;
            } else {
                ctx.flush();
            }
        } else {
            channel.flush();
        }
    }

    Channel channel() {
        return channel;
    }

    /** Whether the channel takes more writes now (below its write-buffer high water mark). */
    boolean isWritable() {
        return channel.isWritable();
    }

    /** Writes one control packet now (e.g. {@code 3probe}). */
    void writeControl(EngineMessage m) {
        channel.writeAndFlush(frame(m), channel.voidPromise());
    }

    /**
     * The frame for one queued item: with no extension a complete frame in one buffer (header written here, so
     * Netty's frame encoder lets it through untouched and a shared message costs no encoding per recipient), else
     * a frame object for the extension encoders.
     */
    private Object frame(Object item) {
        if (item instanceof Session.Uncompressed) {
            Object frame = frame(((Session.Uncompressed) item).item());
            if (rawFrames) {
                // no extension: nothing is compressed anyway
                return frame;
            }
            WebSocketFrame f = (WebSocketFrame) frame;
            return f instanceof BinaryWebSocketFrame ? new PlainBinary(f.content()) : new PlainText(f.content());
        }
        if (rawFrames) {
            if (item instanceof String) {
                String s = (String) item;
                int payload = ByteBufUtil.utf8Bytes(s) + 1;
                ByteBuf buf = ctx.alloc().buffer(WsFrames.headerLength(payload) + payload);
                WsFrames.writeHeader(buf, false, payload);
                buf.writeByte('4');
                ByteBufUtil.writeUtf8(buf, s);
                return buf;
            }
            if (item instanceof byte[]) {
                byte[] b = (byte[]) item;
                ByteBuf buf = ctx.alloc().buffer(WsFrames.headerLength(b.length) + b.length);
                WsFrames.writeHeader(buf, true, b.length);
                buf.writeBytes(b);
                return buf;
            }
            return ((EngineMessage) item).wsFrameBuffer();
        }
        if (item instanceof String) {
            String s = (String) item;
            int len = s.length();
            ByteBuf buf = ctx.alloc().buffer(len < 1024 ? len * 3 + 1 : ByteBufUtil.utf8Bytes(s) + 1);
            buf.writeByte('4');
            ByteBufUtil.writeUtf8(buf, s);
            return new TextWebSocketFrame(buf);
        }
        if (item instanceof byte[]) {
            return new BinaryWebSocketFrame(Unpooled.wrappedBuffer((byte[]) item));
        }
        EngineMessage m = (EngineMessage) item;
        ByteBuf buf = Unpooled.wrappedBuffer(m.frame());
        return m.isBinary() ? new BinaryWebSocketFrame(buf) : new TextWebSocketFrame(buf);
    }

    /**
     * Sends a close frame (once) and closes the channel; a channel that cannot take the frame (a peer that does not
     * read) is closed at once, and the close never waits more than a second for the frame. Any thread.
     */
    void closeChannel() {
        if (channel == null) {
            return;
        }
        if (closing.compareAndSet(false, true) && ready && channel.isActive() && channel.isWritable()) {
            channel.writeAndFlush(new CloseWebSocketFrame()).addListener(ChannelFutureListener.CLOSE);
            try {
                channel.eventLoop().schedule(() -> {
                    channel.close();
                }, 1, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                channel.close();
            }
        } else {
            channel.close();
        }
    }
}
