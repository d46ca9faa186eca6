package dev.duplex.engine;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node's HTTP timeouts for one connection, until it becomes a WebSocket: the complete headers of a request must
 * arrive within {@link EngineOptions#headersTimeout()} and the whole request within
 * {@link EngineOptions#requestTimeout()}, counted from the connection or from the first byte after the previous
 * response (else {@code 408} and the connection is closed); a connection with no request in progress is closed
 * after {@link EngineOptions#keepAliveTimeout()}. A request being answered (a pending long-poll GET) has no limit.
 * This handler sits after the HTTP codec; {@link #rawObserver()} sits before it to see the first bytes of a
 * request.
 */
final class HttpTimeouts extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(HttpTimeouts.class);

    private enum State { RECEIVING, ANSWERING, IDLE, DONE }

    private final long headersNanos;
    private final long requestNanos;
    private final long keepAliveNanos;
    private ChannelHandlerContext ctx;
    private State state = State.RECEIVING;
    private boolean headersDone;
    private ScheduledFuture<?> timer;
    /** When {@link #timer} runs (System.nanoTime), while it is set. */
    private long timerAt;
    private long headersDeadline;
    private long requestDeadline;
    private final Raw raw = new Raw();

    HttpTimeouts(EngineOptions options) {
        this.headersNanos = options.headersTimeout().toNanos();
        this.requestNanos = options.requestTimeout().toNanos();
        this.keepAliveNanos = options.keepAliveTimeout().toNanos();
    }

    /** The handler to install before the HTTP codec. */
    ChannelDuplexHandler rawObserver() {
        return raw;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            startReceiving();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (timer == null && state == State.RECEIVING) {
            startReceiving();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        state = State.DONE;
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
        state = State.DONE;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state != State.DONE) {
            if (msg instanceof HttpRequest) {
                if (state != State.RECEIVING) {
                    startReceiving();
                }
                headersDone = true;
                arm();
            }
            if (msg instanceof LastHttpContent && state == State.RECEIVING) {
                state = State.ANSWERING;
                cancel();
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse) {
            HttpResponseStatus status = ((HttpResponse) msg).status();
            if (status.code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                // a WebSocket now: its heartbeat takes over
                finish();
            } else if (status.codeClass() == HttpStatusClass.INFORMATIONAL) {
                ctx.write(msg, promise);
                return;
            }
        }
        if (msg instanceof LastHttpContent && state == State.ANSWERING) {
            state = State.IDLE;
            cancel();
            timerAt = System.nanoTime() + keepAliveNanos;
            timer = ctx.executor().schedule(this::onTimeout, keepAliveNanos, TimeUnit.NANOSECONDS);
        }
        ctx.write(msg, promise);
    }

    /** The first bytes of a request (or anything) arrived. */
    private void onBytes() {
        if (state == State.IDLE) {
            startReceiving();
        }
    }

    private void startReceiving() {
        state = State.RECEIVING;
        headersDone = false;
        long now = System.nanoTime();
        headersDeadline = now + headersNanos;
        requestDeadline = now + requestNanos;
        arm();
    }

    /** The deadline of the request being received: its headers' and its own, or its own once the headers came. */
    private long receivingDeadline() {
        return headersDone ? requestDeadline : Math.min(headersDeadline, requestDeadline);
    }

    /**
     * Makes sure a timer runs no later than the nearest deadline of the request being received. A timer already
     * set for an earlier time is kept (when it runs it sets the next one, see {@link #onTimeout}): the headers of a
     * request move its deadline later, and a cancel and a new timer for every request cost more than a timer that
     * occasionally runs early.
     */
    private void arm() {
        long deadline = receivingDeadline();
        if (timer != null && timerAt - deadline <= 0) {
            return;
        }
        cancel();
        timerAt = deadline;
        timer = ctx.executor().schedule(this::onTimeout, Math.max(0, deadline - System.nanoTime()),
                TimeUnit.NANOSECONDS);
    }

    private void onTimeout() {
        timer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        if (state == State.RECEIVING && System.nanoTime() - receivingDeadline() < 0) {
            // set for an earlier deadline (or the keep-alive) than the one the request has now
            arm();
            return;
        }
        if (state == State.IDLE) {
            log.debug("closing idle HTTP connection {} (keepAliveTimeout)", ctx.channel());
            state = State.DONE;
            ctx.close();
        } else if (state == State.RECEIVING) {
            log.debug("request timeout on {} ({})", ctx.channel(), headersDone ? "requestTimeout" : "headersTimeout");
            state = State.DONE;
            FullHttpResponse res = Responses.plain(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT,
                    "Request Timeout", null);
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            // a client that does not read cannot hold the connection open
            ctx.executor().schedule(() -> {
                ctx.channel().close();
            }, 1, TimeUnit.SECONDS);
        }
    }

    /** Stops watching: the connection is a WebSocket now. */
    private void finish() {
        cancel();
        state = State.DONE;
        ctx.executor().execute(() -> {
            if (ctx.pipeline().context(raw) != null) {
                ctx.pipeline().remove(raw);
            }
            if (ctx.pipeline().context(this) != null) {
                ctx.pipeline().remove(this);
            }
        });
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /**
     * Holds back flushes that reach the connection below the HTTP codec until {@link #releaseFlushes()}, and returns
     * the context to write below the codec from (a WebSocket handshake writes its open packet after the 101 and
     * flushes both at once); null when this handler has left the pipeline.
     */
    ChannelHandlerContext holdFlushes() {
        ChannelHandlerContext c = raw.ctx;
        if (c == null || c.isRemoved()) {
            return null;
        }
        raw.holdFlush = true;
        return c;
    }

    /** Ends {@link #holdFlushes()} and flushes what was written meanwhile. */
    void releaseFlushes() {
        raw.holdFlush = false;
        ChannelHandlerContext c = raw.ctx;
        if (c != null) {
            c.flush();
        }
    }

    /** Sees raw bytes before the codec; holds flushes while asked to (no handler added and removed for that). */
    private final class Raw extends ChannelDuplexHandler {
        private ChannelHandlerContext ctx;
        private boolean holdFlush;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
                onBytes();
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (!holdFlush) {
                ctx.flush();
            }
        }
    }
}
