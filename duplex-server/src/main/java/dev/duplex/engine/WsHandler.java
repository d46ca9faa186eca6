package dev.duplex.engine;

import dev.duplex.protocol.engineio.EngineCodec;
import dev.duplex.protocol.engineio.EnginePacketType;
import dev.duplex.protocol.engineio.EngineProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.util.ReferenceCountUtil;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket transport of one session: decodes frames into packets for the session (hopping onto its loop
 * when the channel runs on another one) and writes the session's packets as frames, one packet per frame.
 *
 * <p>RFC 6455 is applied as Node's {@code ws} does under engine.io: a protocol error (reserved bits or opcodes, bad
 * fragmentation, an invalid close code, an unmasked frame...) closes with 1002, invalid UTF-8 in a text message or
 * a close reason with 1007, a message over maxHttpBufferSize (fragmented or not) with 1009; the close frame carries
 * the code only, no reason text, then the connection is closed. Bytes and frames that arrive before the handshake is
 * complete (sent by the client in the same write as the upgrade request) are held and processed once it is.
 */
final class WsHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(WsHandler.class);

    private final Session session;
    private final int maxMessageSize;
    /** Installed before this handler at the first fragmented message; null while none came. */
    private WsFrames.StrictAggregator aggregator;
    private ChannelHandlerContext ctx;
    private Channel channel;
    private volatile boolean ready;
    /** Whether complete frames may be written as plain buffers (no extension such as permessage-deflate). */
    private volatile boolean rawFrames;
    /** 1 once closing (a field through CLOSING, not an AtomicBoolean per connection). */
    private volatile int closing;
    private static final VarHandle CLOSING;

    static {
        try {
            CLOSING = MethodHandles.lookup().findVarHandle(WsHandler.class, "closing", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Marks this handler closing; true for the caller that did it first. */
    private boolean startClosing() {
        return CLOSING.compareAndSet(this, 0, 1);
    }
    private Throwable error;
    /** Channel-loop only: a protocol error closed the connection; later frames are dropped. */
    private boolean failed;
    /**
     * Channel-loop only: while the handshake completes ({@link #holdInbound()} to {@link #releasePending()}), the
     * bytes and frames received, in order; null otherwise.
     */
    private ArrayDeque<Object> pending;
    /** Channel-loop only: inside a read batch, flushes wait for channelReadComplete. */
    private boolean inRead;
    private boolean flushPending;
    /**
     * Channel-loop only: the payload of the latest ping not answered yet because the channel was not writable
     * (RFC 6455 lets a pong answer only the most recent ping), so a peer that pings and never reads costs one
     * buffer, not a queue of pongs.
     */
    private ByteBuf pendingPong;
    /** Channel-loop only: reading paused by the session (its handlers are behind); see {@link #pauseReading}. */
    private boolean readPaused;
    /** Channel-loop only: {@link #established()} ran; writability now decides reading here. */
    private boolean established;

    /** {@link EngineV3#WS_V4}, or for a v3 session how its binary messages are framed. */
    private final byte v3;

    WsHandler(Session session, int maxMessageSize) {
        this(session, maxMessageSize, EngineV3.WS_V4);
    }

    WsHandler(Session session, int maxMessageSize, byte v3) {
        this.session = session;
        this.maxMessageSize = maxMessageSize;
        this.v3 = v3;
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

    /**
     * Once the handshake is done (channel loop): drops the handlers an established connection does not need, one
     * context each less per connection. {@link Backpressure}'s rule moves here ({@link #updateRead}); without an
     * extension every frame is written as a complete buffer ({@link #frame}, {@link #rawControl}), so Netty's
     * frame encoder has nothing left to do.
     */
    void established() {
        established = true;
        ChannelPipeline p = ctx.pipeline();
        if (p.get(Backpressure.class) != null) {
            p.remove(Backpressure.class);
        }
        if (rawFrames) {
            ChannelHandler encoder = p.get(WebSocketFrameEncoder.class);
            if (encoder != null) {
                p.remove(encoder);
            }
        }
    }

    /**
     * Pauses or resumes reading for the session (any thread): the connection is read only while it is writable and
     * not paused, so that a client that sends faster than its handlers run is read no faster than they run.
     */
    void pauseReading(boolean paused) {
        if (channel.eventLoop().inEventLoop()) {
            readPaused = paused;
            if (established) {
                updateRead();
            }
        } else {
            channel.eventLoop().execute(() -> pauseReading(paused));
        }
    }

    /** Reads while writable and not paused; channel loop, once the handshake is done. */
    void updateRead() {
        channel.config().setAutoRead(channel.isWritable() && !readPaused);
    }

    boolean isReady() {
        return ready && closing == 0;
    }

    // ------------------------------------------------------------------ inbound (channel loop)

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        inRead = true;
        // the usual frame first, in a small method; every other case (held input, fragments, binary, control,
        // errors) out of line, compiled only once it happens
        if (pending == null && !failed && msg instanceof TextWebSocketFrame) {
            TextWebSocketFrame f = (TextWebSocketFrame) msg;
            if (f.rsv() == 0 && f.isFinalFragment() && f.content().readableBytes() <= maxMessageSize) {
                onText(f);
                return;
            }
        }
        readOther(ctx, msg);
    }

    /** {@link #channelRead} of anything but a plain complete text frame while running normally. */
    private void readOther(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (pending != null) {
            // before the handshake completes: bytes the HTTP decoder had read past the upgrade request, or frames
            pending.add(msg);
            return;
        }
        if (failed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf) {
            decode((ByteBuf) msg);
            return;
        }
        if (msg instanceof WebSocketFrame && ((WebSocketFrame) msg).rsv() != 0) {
            // no extension left a reserved bit to us (permessage-deflate's decoder clears RSV1)
            ReferenceCountUtil.release(msg);
            fail(WebSocketCloseStatus.PROTOCOL_ERROR.code(), new CorruptedWebSocketFrameException(
                    WebSocketCloseStatus.PROTOCOL_ERROR, "reserved bits set"));
            return;
        }
        if ((msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame)
                && ((WebSocketFrame) msg).content().readableBytes() > maxMessageSize) {
            // an inflated message (permessage-deflate) over maxHttpBufferSize: frames are bounded by the decoder
            ReferenceCountUtil.release(msg);
            fail(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), new CorruptedWebSocketFrameException(
                    WebSocketCloseStatus.MESSAGE_TOO_BIG, "message over maxHttpBufferSize"));
            return;
        }
        if (aggregator == null && msg instanceof WebSocketFrame && !((WebSocketFrame) msg).isFinalFragment()) {
            // clients rarely fragment messages: the aggregator joins the pipeline only when one does, and the
            // frame that revealed it goes through it (its later frames will by themselves)
            aggregator = new WsFrames.StrictAggregator(maxMessageSize);
            ctx.pipeline().addBefore(ctx.name(), "engine-ws-aggregator", aggregator);
            aggregator.channelRead(ctx.pipeline().context(aggregator), msg);
            return;
        }
        if (msg instanceof TextWebSocketFrame) {
            onText((TextWebSocketFrame) msg);
        } else if (msg instanceof BinaryWebSocketFrame) {
            WebSocketFrame f = (WebSocketFrame) msg;
            byte[] bytes;
            try {
                bytes = ByteBufUtil.getBytes(f.content());
            } finally {
                f.release();
            }
            // v3: the frame starts with the packet type, only a message may carry binary
            byte[] data = v3 == EngineV3.WS_V4 ? bytes : EngineV3.binaryFrame(bytes);
            if (data == null) {
                session.run(() -> WebSocketTransport.onParseError(session, this));
            } else if (session.owns()) {
                WebSocketTransport.onBinary(session, this, data);
            } else {
                session.run(() -> WebSocketTransport.onBinary(session, this, data));
            }
        } else if (msg instanceof PingWebSocketFrame) {
            ByteBuf payload = ((PingWebSocketFrame) msg).content();
            if (ctx.channel().isWritable() && pendingPong == null) {
                ctx.write(pong(payload), ctx.voidPromise());
                flushPending = true;
            } else {
                if (pendingPong != null) {
                    pendingPong.release();
                }
                pendingPong = payload;
            }
        } else if (msg instanceof CloseWebSocketFrame) {
            CloseWebSocketFrame f = (CloseWebSocketFrame) msg;
            ByteBuf body = f.content();
            if (body.readableBytes() >= 2 && !WsFrames.isValidCloseCode(body.getUnsignedShort(body.readerIndex()))) {
                f.release();
                fail(WebSocketCloseStatus.PROTOCOL_ERROR.code(), new CorruptedWebSocketFrameException(
                        WebSocketCloseStatus.PROTOCOL_ERROR, "invalid close code"));
                return;
            }
            if (startClosing()) {
                ctx.writeAndFlush(rawFrames ? WsFrames.rawControl(ctx.alloc(), WsFrames.CLOSE, f.content()) : f).addListener(ChannelFutureListener.CLOSE);
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
        boolean invalidUtf8 = false;
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
                    if (v3 != EngineV3.WS_V4) {
                        // v3: b, the packet type, then base64
                        binary = EngineV3.base64Frame(c.toString(ri, n, StandardCharsets.US_ASCII));
                        bad = binary == null;
                    } else {
                        try {
                            binary = EngineCodec.decodeBase64(c.toString(ri + 1, n - 1, StandardCharsets.US_ASCII));
                        } catch (EngineProtocolException e) {
                            bad = true;
                        }
                    }
                } else {
                    type = EnginePacketType.fromCode(code);
                    if (type == null) {
                        bad = true;
                    } else {
                        data = n == 1 ? "" : c.toString(ri + 1, n - 1, StandardCharsets.UTF_8);
                        // the decoder replaces malformed input with U+FFFD: only then is the frame checked strictly
                        invalidUtf8 = data.indexOf('\uFFFD') >= 0 && !WsFrames.isValidUtf8(c);
                    }
                }
            }
            if (bad) {
                invalidUtf8 = !WsFrames.isValidUtf8(c);
            }
        } finally {
            f.release();
        }
        if (invalidUtf8) {
            fail(WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code(), new CorruptedWebSocketFrameException(
                    WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "invalid UTF-8 in a text frame"));
        } else if (bad) {
            session.run(() -> WebSocketTransport.onParseError(session, this));
        } else if (binary != null) {
            byte[] b = binary;
            session.run(() -> WebSocketTransport.onBinary(session, this, b));
        } else if (session.owns()) {
            WebSocketTransport.onPacket(session, this, type, data);
        } else {
            EnginePacketType t = type;
            String d = data;
            session.run(() -> WebSocketTransport.onPacket(session, this, t, d));
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

    /** Holds inbound bytes and frames until {@link #releasePending()} (called before the handshake). */
    void holdInbound() {
        if (pending == null) {
            pending = new ArrayDeque<>(2);
        }
    }

    /**
     * Processes what arrived before the handshake completed, in order: the caller has made the handler ready and
     * started or upgraded the session. Channel loop.
     */
    void releasePending() {
        ArrayDeque<Object> held = pending;
        pending = null;
        if (held == null) {
            return;
        }
        Object msg;
        try {
            while ((msg = held.poll()) != null) {
                channelRead(ctx, msg);
            }
            channelReadComplete(ctx);
        } catch (Exception e) {
            exceptionCaught(ctx, e);
        } finally {
            held.forEach(ReferenceCountUtil::release);
        }
    }

    /** Feeds raw bytes to the WebSocket frame decoder ahead of this handler; its frames come back here. */
    private void decode(ByteBuf bytes) throws Exception {
        ChannelHandlerContext decoder = ctx.pipeline().context(WebSocketFrameDecoder.class);
        if (decoder == null) {
            bytes.release();
            return;
        }
        ChannelInboundHandler h = (ChannelInboundHandler) decoder.handler();
        h.channelRead(decoder, bytes);
    }

    /**
     * Closes as ws does on a protocol error: a close frame with the code only (no reason), then the connection,
     * without waiting for the peer's close frame; later frames are dropped. Channel loop.
     */
    private void fail(int code, Throwable cause) {
        if (error == null) {
            error = cause;
        }
        failed = true;
        if (startClosing() && ready && channel.isActive()) {
            log.debug("websocket protocol error on {}, closing with {}", channel, code, cause);
            ctx.writeAndFlush(closeFrame(code)).addListener(ChannelFutureListener.CLOSE);
            closeLater();
        } else {
            ctx.close();
        }
    }

    private void closeLater() {
        try {
            channel.eventLoop().schedule(() -> {
                channel.close();
            }, 1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            channel.close();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeld();
    }

    private void releaseHeld() {
        ArrayDeque<Object> held = pending;
        pending = null;
        if (held != null) {
            held.forEach(ReferenceCountUtil::release);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseHeld();
        closing = 1;
        if (pendingPong != null) {
            pendingPong.release();
            pendingPong = null;
        }
        Throwable e = error;
        session.run(() -> WebSocketTransport.onClosed(session, this, e));
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (established && pending == null) {
            // established: Backpressure's rule, with the session's pause
            updateRead();
        }
        if (ctx.channel().isWritable()) {
            if (pendingPong != null) {
                ByteBuf payload = pendingPong;
                pendingPong = null;
                ctx.writeAndFlush(pong(payload), ctx.voidPromise());
            }
            session.run(() -> WebSocketTransport.onWritable(session, this));
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        int code = WsFrames.closeCode(cause);
        if (code > 0 && !failed) {
            fail(code, cause);
            return;
        }
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

    /**
     * Writes one item and flushes (or leaves the flush to the end of the read batch), when on the channel's loop and
     * the channel is writable; false (nothing written) otherwise.
     */
    boolean writeNow(Object item) {
        if (!channel.isWritable() || !channel.eventLoop().inEventLoop()) {
            return false;
        }
        ctx.write(frame(item), ctx.voidPromise());
        if (inRead) {
            flushPending = true;
        } else {
            ctx.flush();
        }
        return true;
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

    /** The frame for one queued item (see {@link WsFrames#frame}). */
    private Object frame(Object item) {
        return WsFrames.frame(ctx.alloc(), rawFrames, v3 == EngineV3.WS_V4 ? item
                : EngineV3.wsItem(item, v3 == EngineV3.WS_BINARY));
    }

    /** A pong answering {@code payload} (released by the write). */
    private Object pong(ByteBuf payload) {
        return WsFrames.pong(channel.alloc(), rawFrames, payload);
    }

    /** A close frame with {@code code}, or without a body for -1. */
    private Object closeFrame(int code) {
        return WsFrames.closeFrame(channel.alloc(), rawFrames, code);
    }

    /**
     * Sends a close frame (once) and closes the channel; a channel that cannot take the frame (a peer that does not
     * read) is closed at once, and the close never waits more than a second for the frame. Any thread.
     */
    void closeChannel() {
        if (channel == null) {
            return;
        }
        if (startClosing() && ready && channel.isActive() && channel.isWritable()) {
            channel.writeAndFlush(closeFrame(-1)).addListener(ChannelFutureListener.CLOSE);
            closeLater();
        } else {
            channel.close();
        }
    }
}
