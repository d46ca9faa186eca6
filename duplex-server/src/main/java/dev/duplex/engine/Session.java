package dev.duplex.engine;

import dev.duplex.protocol.engineio.EngineCodec;
import dev.duplex.protocol.engineio.EnginePacket;
import dev.duplex.protocol.engineio.EnginePacketType;
import dev.duplex.protocol.engineio.EngineProtocolException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Base64;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Engine.IO session. All its state is confined to {@link #loop}: every method whose name starts with
 * {@code on} or that is documented "on loop" must run there; the public API hops onto it.
 * <p>The write buffer holds {@code String} (a text message), {@code byte[]} (a binary message) or
 * {@link EngineMessage} (a shared message or a control packet), possibly wrapped in {@link Uncompressed} (a message
 * sent with {@code compress} false).
 */
final class Session implements EngineSocket {
    private static final Logger log = LoggerFactory.getLogger(Session.class);

    static final EngineMessage PING = EngineMessage.control('2', "");
    static final EngineMessage PONG_PROBE = EngineMessage.control('3', "probe");
    static final EngineMessage NOOP = EngineMessage.control('6', "");
    static final EngineMessage CLOSE = EngineMessage.control('1', "");
    private static final Listener NO_LISTENER = new Listener() {
    };
    /** engine.io's closeTimeout: how long a forced close over polling waits for a GET to carry the close packet. */
    static final long CLOSE_TIMEOUT_MS = 30_000;
    /** The close reason when more than {@link EngineOptions#maxBufferedBytes()} wait for a client. */
    static final String BUFFER_FULL = "write buffer full";

    private enum State { OPEN, CLOSING, CLOSED }

    private final EngineServer server;
    private final EngineOptions options;
    final String id;
    private final EngineRequest request;
    final EventLoop loop;

    private volatile State state = State.OPEN;
    private volatile String transportName;
    private volatile Listener listener = NO_LISTENER;
    private final WriteBuffer writeBuffer = new WriteBuffer();

    private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean inboxScheduled = new AtomicBoolean();
    private final Runnable drainInbox = this::drainInbox;

    // polling transport
    private PollRequest pendingGet;
    private ChannelFutureListener pendingGetCloseListener;
    private Channel postChannel;
    private ChannelFutureListener postCloseListener;
    private boolean inPost;
    /** Reading paused by the listener (see {@link #pauseReading}); a POST answered meanwhile waits here. */
    private boolean readPaused;
    private PollRequest heldPost;

    // websocket transport
    private WsHandler ws;
    private WsHandler upgradingWs;
    private boolean probed;
    private boolean upgraded;
    private ScheduledFuture<?> upgradeTimer;

    // heartbeat
    private ScheduledFuture<?> pingTimer;
    private ScheduledFuture<?> pingTimeoutTimer;
    /** System.nanoTime() at which the pending ping times out (valid while pingTimeoutTimer is set). */
    private long pingDeadline;
    private final Runnable pingTask = this::sendPing;
    private final Runnable pingTimeoutTask = () -> closeWith("ping timeout", null);

    private ScheduledFuture<?> closeTimer;
    /** Polling, closing: the close packet is queued once the buffered messages have gone out. */
    private boolean closeAfterFlush;

    Session(EngineServer server, String id, EngineRequest request, EventLoop loop, String transportName) {
        this.server = server;
        this.options = server.options();
        this.id = id;
        this.request = request;
        this.loop = loop;
        this.transportName = transportName;
    }

    // ------------------------------------------------------------------ public API

    @Override
    public String id() {
        return id;
    }

    @Override
    public String transport() {
        return transportName;
    }

    @Override
    public EngineRequest request() {
        return request;
    }

    @Override
    public boolean isOpen() {
        return state == State.OPEN;
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public void send(String text) {
        enqueue(java.util.Objects.requireNonNull(text, "text"));
    }

    @Override
    public void send(byte[] data) {
        enqueue(java.util.Objects.requireNonNull(data, "data"));
    }

    @Override
    public void send(EngineMessage message) {
        enqueue(java.util.Objects.requireNonNull(message, "message"));
    }

    @Override
    public void send(EngineMessage message, boolean compress) {
        java.util.Objects.requireNonNull(message, "message");
        enqueue(compress ? message : new Uncompressed(message));
    }

    /** A write-buffer item sent with engine.io's {@code compress: false}. */
    record Uncompressed(Object item) {
    }

    @Override
    public void close() {
        if (loop.inEventLoop()) {
            forceClose();
        } else {
            loop.execute(this::forceClose);
        }
    }

    @Override
    public void pauseReading(boolean paused) {
        run(() -> {
            if (readPaused == paused || state == State.CLOSED) {
                return;
            }
            readPaused = paused;
            if (ws != null) {
                Backpressure.pause(ws.channel(), paused);
            }
            if (!paused && heldPost != null) {
                PollRequest post = heldPost;
                heldPost = null;
                post.respondOk();
            }
        });
    }

    @Override
    public void setListener(Listener listener) {
        this.listener = listener == null ? NO_LISTENER : listener;
    }

    @Override
    public String toString() {
        return "EngineSocket{" + id + ", " + transportName + ", " + state + "}";
    }

    private void enqueue(Object item) {
        if (loop.inEventLoop()) {
            sendItem(item);
        } else {
            inbox.add(item);
            if (inboxScheduled.compareAndSet(false, true)) {
                loop.execute(drainInbox);
            }
        }
    }

    private void drainInbox() {
        inboxScheduled.set(false);
        boolean any = false;
        Object item;
        while ((item = inbox.poll()) != null) {
            if (state == State.OPEN) {
                writeBuffer.add(item);
                any = true;
            }
        }
        if (any) {
            flush();
            checkBuffered();
        }
    }

    /**
     * Closes the session when more than {@link EngineOptions#maxBufferedBytes()} wait for a client that does not
     * take them (a WebSocket that is not writable, or no long-poll GET). On loop.
     */
    private void checkBuffered() {
        long queued = writeBuffer.bytes();
        if (queued > options.maxBufferedBytes() && state != State.CLOSED) {
            log.warn("closing session {} ({}, {}): {} bytes queued for a client that does not read them, over "
                    + "maxBufferedBytes {}", id, transportName, request.remoteAddress(), queued,
                    options.maxBufferedBytes());
            closeWith(BUFFER_FULL, null);
        }
    }

    // ------------------------------------------------------------------ lifecycle (on loop)

    /** Starts a session: queues the open packet and the heartbeat. On loop. */
    void start(WsHandler directWs) {
        start(directWs, false);
    }

    /**
     * Starts a session: queues the open packet unless {@code openSent} (already written with the 101 of a direct
     * WebSocket), and the heartbeat. On loop.
     */
    void start(WsHandler directWs, boolean openSent) {
        if (directWs != null) {
            this.ws = directWs;
        }
        if (!openSent) {
            writeBuffer.add(openPacket());
        }
        schedulePing();
    }

    /** The open packet of this session. */
    EngineMessage openPacket() {
        return EngineMessage.control('0', handshakeJson());
    }

    String handshakeJson() {
        boolean canUpgrade = "polling".equals(transportName) && options.allowUpgrades()
                && options.transports().contains("websocket");
        return "{\"sid\":\"" + id + "\",\"upgrades\":" + (canUpgrade ? "[\"websocket\"]" : "[]")
                + ",\"pingInterval\":" + options.pingInterval().toMillis()
                + ",\"pingTimeout\":" + options.pingTimeout().toMillis()
                + ",\"maxPayload\":" + options.maxHttpBufferSize() + "}";
    }

    /** Hands the session to the connection listeners. On loop. */
    void fireConnection() {
        server.fireConnection(this);
    }

    private void schedulePing() {
        if (pingTimer != null) {
            pingTimer.cancel(false);
        }
        pingTimer = loop.schedule(pingTask, options.pingInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sendPing() {
        pingTimer = null;
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.OPEN) {
            // like engine.io's sendPacket, nothing more is queued once closing; the timeout still runs
            writeBuffer.add(PING);
            flush();
        }
        if (pingTimeoutTimer != null) {
            pingTimeoutTimer.cancel(false);
        }
        long timeout = options.pingTimeout().toMillis();
        pingDeadline = loop.ticker().nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
        pingTimeoutTimer = loop.schedule(pingTimeoutTask, timeout, TimeUnit.MILLISECONDS);
    }

    /**
     * Closes with "ping timeout" when the pong deadline has passed but the timer has not run yet (a busy or
     * descheduled loop), so that input processed late cannot outlive the deadline: timers first, like Node.
     */
    private boolean pingExpired() {
        if (pingTimeoutTimer != null && loop.ticker().nanoTime() - pingDeadline >= 0) {
            closeWith("ping timeout", null);
            return true;
        }
        return false;
    }

    private void sendItem(Object item) {
        if (state != State.OPEN) {
            return;
        }
        writeBuffer.add(item);
        flush();
        checkBuffered();
    }

    /** Writes what is buffered to the current transport when it can take it. On loop. */
    void flush() {
        if (state == State.CLOSED || writeBuffer.isEmpty() || inPost) {
            return;
        }
        if (ws != null) {
            if (!ws.isReady()) {
                return;
            }
            ws.writeAll(writeBuffer);
            if (writeBuffer.isEmpty() && (ws.isWritable() || state == State.CLOSING)) {
                // drained only when the socket can take more: volatile packets are dropped while it cannot
                fireDrain();
                if (state == State.CLOSING) {
                    // closeWith closes the channel after marking the session closed, so the reason stays
                    closeWith("forced close", null);
                }
            }
        } else if (pendingGet != null) {
            PollRequest get = takePendingGet();
            boolean closing = false;
            // as engine.io: the response is compressed when one of its packets is sent with compress true
            boolean compress = false;
            StringBuilder sb = new StringBuilder();
            Object item;
            boolean first = true;
            while ((item = writeBuffer.poll()) != null) {
                if (!first) {
                    sb.append('\u001e');
                }
                first = false;
                sb.append(pollingForm(item));
                compress |= !(item instanceof Uncompressed);
                if (item == CLOSE) {
                    closing = true;
                }
            }
            get.respondPayload(sb.toString(), options.httpCompression() && compress);
            fireDrain();
            if (closing && state != State.CLOSED) {
                closeWith("forced close", null);
            } else if (closeAfterFlush) {
                closeAfterFlush = false;
                writeBuffer.add(CLOSE);
            }
        }
    }

    private void fireDrain() {
        try {
            listener.onDrain();
        } catch (RuntimeException e) {
            log.warn("onDrain listener of {} threw", id, e);
        }
    }

    static String pollingForm(Object item) {
        if (item instanceof Uncompressed) {
            item = ((Uncompressed) item).item();
        }
        if (item instanceof String) {
            return "4" + item;
        }
        if (item instanceof byte[]) {
            return "b" + Base64.getEncoder().encodeToString((byte[]) item);
        }
        return ((EngineMessage) item).pollingForm();
    }

    private PollRequest takePendingGet() {
        PollRequest get = pendingGet;
        pendingGet = null;
        if (pendingGetCloseListener != null) {
            get.channel.closeFuture().removeListener(pendingGetCloseListener);
            pendingGetCloseListener = null;
        }
        return get;
    }

    /** Server-initiated close: flush, then close the transport; reason "forced close". On loop. */
    private void forceClose() {
        if (state != State.OPEN) {
            return;
        }
        state = State.CLOSING;
        if (upgradingWs != null) {
            cancelUpgrade(true);
        }
        if (ws != null) {
            if (writeBuffer.isEmpty() || !ws.isReady()) {
                closeWith("forced close", null);
            } else {
                flush();
            }
        } else {
            if (writeBuffer.isEmpty()) {
                writeBuffer.add(CLOSE);
            } else {
                // as engine.io (close waits for "drain"): the buffered messages go out first and the close packet
                // alone in a later response, so that the client handles them before its transport closes
                // (socket.io-client delivers decoded packets on the next tick: a DISCONNECT in the same payload as
                // the close would lose to it, and the client would see "transport close" and reconnect)
                closeAfterFlush = true;
            }
            if (pendingGet != null) {
                flush();
            }
            if (state != State.CLOSED) {
                closeTimer = loop.schedule(() -> closeWith("forced close", null), CLOSE_TIMEOUT_MS,
                        TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Closes with the server shutting down. On loop. */
    void shutdown() {
        closeWith("server shutting down", null);
    }

    /** engine.io's onError. On loop. */
    void onError(String message) {
        onError(message, null);
    }

    void onError(String message, Throwable cause) {
        if (log.isDebugEnabled()) {
            log.debug("session {} transport error: {}", id, message, cause);
        }
        closeWith("transport error", cause != null ? cause : new EngineTransportException(message));
    }

    /** engine.io's onClose: clears everything, answers a pending GET with a close packet. On loop. */
    void closeWith(String reason, Throwable cause) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        cancel(pingTimer);
        cancel(pingTimeoutTimer);
        cancel(closeTimer);
        pingTimer = null;
        pingTimeoutTimer = null;
        closeTimer = null;
        if (upgradingWs != null) {
            cancelUpgrade(true);
        }
        writeBuffer.clear();
        inbox.clear();
        if (heldPost != null) {
            heldPost.respondOk();
            heldPost = null;
        }
        if (pendingGet != null) {
            // "transport close" was already answered with a noop by the caller when it came from the client
            takePendingGet().respondPayload("1", false);
        }
        if (postChannel != null) {
            postChannel.closeFuture().removeListener(postCloseListener);
            postChannel = null;
            postCloseListener = null;
        }
        if (ws != null) {
            ws.closeChannel();
        }
        server.unregister(this);
        try {
            listener.onClose(reason, cause);
        } catch (RuntimeException e) {
            log.warn("onClose listener of {} threw", id, e);
        }
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    // ------------------------------------------------------------------ incoming packets (on loop)

    /** A decoded text packet from the active transport. On loop. */
    void onPacket(EnginePacketType type, String data) {
        if (state == State.CLOSED) {
            return;
        }
        switch (type) {
            case MESSAGE:
                try {
                    listener.onMessage(data);
                } catch (RuntimeException e) {
                    log.warn("onMessage listener of {} threw", id, e);
                }
                break;
            case PONG:
                cancel(pingTimeoutTimer);
                pingTimeoutTimer = null;
                schedulePing();
                break;
            case PING:
                onError("invalid heartbeat direction");
                break;
            case CLOSE:
                onClientClose();
                break;
            default:
                // open, upgrade and noop on an established transport are ignored, as engine.io does
                break;
        }
    }

    /** A binary message from the active transport. On loop. */
    void onBinary(byte[] data) {
        if (state == State.CLOSED) {
            return;
        }
        try {
            listener.onBinary(data);
        } catch (RuntimeException e) {
            log.warn("onBinary listener of {} threw", id, e);
        }
    }

    /** The client sent a close packet. On loop. */
    private void onClientClose() {
        if (ws == null && pendingGet != null) {
            takePendingGet().respondPayload("6", false);
        }
        closeWith("transport close", null);
    }

    // ------------------------------------------------------------------ polling (on loop)

    /** A long-poll GET for this session. On loop. */
    void onGet(PollRequest get) {
        if (state == State.CLOSED || pingExpired()) {
            get.respondError(400, 1, "Session ID unknown");
            return;
        }
        if (ws != null) {
            get.respondError(400, 3, "Bad request");
            return;
        }
        if (pendingGet != null) {
            get.respondEmpty(400);
            onError("overlap from client");
            return;
        }
        pendingGet = get;
        Channel ch = get.channel;
        pendingGetCloseListener = f -> {
            if (pendingGet != null && pendingGet.channel == ch) {
                run(() -> {
                    if (pendingGet != null && pendingGet.channel == ch) {
                        pendingGet = null;
                        pendingGetCloseListener = null;
                        onError("poll connection closed prematurely");
                    }
                });
            }
        };
        ch.closeFuture().addListener(pendingGetCloseListener);
        if (!writeBuffer.isEmpty()) {
            flush();
        } else if (probed && upgradingWs != null) {
            takePendingGet().respondPayload("6", false);
        }
    }

    /** The headers of a POST for this session arrived (its body may follow). On loop. */
    void onPostStart(Channel ch) {
        if (state == State.CLOSED || ws != null) {
            return;
        }
        if (postChannel != null && postChannel != ch) {
            onError("data request overlap from client");
            return;
        }
        if (postChannel == ch) {
            return;
        }
        postChannel = ch;
        postCloseListener = f -> run(() -> {
            if (postChannel == ch) {
                postChannel = null;
                postCloseListener = null;
                onError("data request connection closed prematurely");
            }
        });
        ch.closeFuture().addListener(postCloseListener);
    }

    /** A complete POST: {@code body} is its UTF-8 text. On loop. */
    void onPost(PollRequest post, String body, boolean octetStream) {
        if (state == State.CLOSED || pingExpired()) {
            post.respondError(400, 1, "Session ID unknown");
            return;
        }
        if (ws != null) {
            post.respondError(400, 3, "Bad request");
            return;
        }
        if (postChannel != null && postChannel != post.channel) {
            post.respondEmpty(400);
            onError("data request overlap from client");
            return;
        }
        if (postChannel != null) {
            postChannel.closeFuture().removeListener(postCloseListener);
            postChannel = null;
            postCloseListener = null;
        }
        if (octetStream) {
            post.respondEmpty(400);
            onError("invalid content");
            return;
        }
        inPost = true;
        boolean parseError = false;
        try {
            int n = body.length();
            int start = 0;
            for (int i = 0; i <= n && state != State.CLOSED; i++) {
                if (i == n || body.charAt(i) == '\u001e') {
                    if (!decodeAndDispatch(body, start, i)) {
                        parseError = true;
                        break;
                    }
                    start = i + 1;
                }
            }
        } finally {
            inPost = false;
        }
        if (parseError) {
            post.respondError(400, 3, "Bad request");
            closeWith("parse error", null);
            return;
        }
        if (readPaused && state != State.CLOSED) {
            // the client sends its next POST only once this one is answered
            heldPost = post;
        } else {
            post.respondOk();
        }
        flush();
    }

    /** Decodes one polling packet {@code body[start,end)} with the codec and handles it; false on a parse error. */
    private boolean decodeAndDispatch(String body, int start, int end) {
        EnginePacket packet;
        try {
            packet = EngineCodec.decode(body.subSequence(start, end));
        } catch (EngineProtocolException e) {
            return false;
        }
        if (packet.isBinary()) {
            onBinary(packet.binary());
        } else {
            onPacket(packet.type(), packet.text());
        }
        return true;
    }

    // ------------------------------------------------------------------ websocket (on loop)

    /** A text frame from a websocket of this session, already split into type and data. On loop. */
    void onWsPacket(WsHandler from, EnginePacketType type, String data) {
        if (from == ws) {
            if (pingTimeoutTimer != null && pingExpired()) {
                return;
            }
            onPacket(type, data);
        } else if (from == upgradingWs) {
            onUpgradePacket(from, type, data);
        }
    }

    /** A binary frame from a websocket of this session. On loop. */
    void onWsBinary(WsHandler from, byte[] data) {
        if (from == ws) {
            if (pingTimeoutTimer != null && pingExpired()) {
                return;
            }
            onBinary(data);
        } else if (from == upgradingWs) {
            cancelUpgrade(true);
        }
    }

    /** An undecodable frame. On loop. */
    void onWsParseError(WsHandler from) {
        if (from == ws) {
            closeWith("parse error", null);
        } else if (from == upgradingWs) {
            cancelUpgrade(true);
        }
    }

    /** The websocket channel closed. On loop. */
    void onWsClosed(WsHandler from, Throwable error) {
        if (from == ws) {
            if (error != null) {
                closeWith("transport error", error);
            } else {
                closeWith("transport close", null);
            }
        } else if (from == upgradingWs) {
            cancelUpgrade(false);
        }
    }

    /** The websocket channel became writable again. On loop. */
    void onWsWritable(WsHandler from) {
        if (from == ws && state != State.CLOSED) {
            if (writeBuffer.isEmpty()) {
                fireDrain();
            } else {
                flush();
            }
        }
    }

    /** A websocket with this sid completed its handshake: probe it. On loop. */
    void maybeUpgrade(WsHandler candidate) {
        if (state != State.OPEN || upgradingWs != null || upgraded || ws != null) {
            candidate.closeChannel();
            return;
        }
        upgradingWs = candidate;
        probed = false;
        upgradeTimer = loop.schedule(() -> {
            if (upgradingWs == candidate) {
                cancelUpgrade(true);
            }
        }, options.upgradeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onUpgradePacket(WsHandler candidate, EnginePacketType type, String data) {
        if (type == EnginePacketType.PING && "probe".equals(data)) {
            candidate.writeControl(PONG_PROBE);
            probed = true;
            if (pendingGet != null && writeBuffer.isEmpty()) {
                takePendingGet().respondPayload("6", false);
            }
        } else if (type == EnginePacketType.UPGRADE && state != State.CLOSED) {
            cancel(upgradeTimer);
            upgradeTimer = null;
            upgradingWs = null;
            probed = false;
            if (pendingGet != null) {
                takePendingGet().respondPayload("6", false);
            }
            upgraded = true;
            ws = candidate;
            if (readPaused) {
                Backpressure.pause(candidate.channel(), true);
            }
            transportName = "websocket";
            try {
                listener.onUpgrade("websocket");
            } catch (RuntimeException e) {
                log.warn("onUpgrade listener of {} threw", id, e);
            }
            if (state == State.CLOSING) {
                if (cancelCloseTimer()) {
                    writeBuffer.removeLast(CLOSE);
                }
                closeAfterFlush = false;
                if (writeBuffer.isEmpty()) {
                    closeWith("forced close", null);
                    return;
                }
            }
            flush();
        } else {
            cancelUpgrade(true);
        }
    }

    private boolean cancelCloseTimer() {
        if (closeTimer != null) {
            closeTimer.cancel(false);
            closeTimer = null;
            return true;
        }
        return false;
    }

    private void cancelUpgrade(boolean closeCandidate) {
        WsHandler candidate = upgradingWs;
        upgradingWs = null;
        probed = false;
        cancel(upgradeTimer);
        upgradeTimer = null;
        if (closeCandidate && candidate != null) {
            candidate.closeChannel();
        }
    }

    /** Runs a task on the session loop. */
    void run(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    /** The error handed to onClose for a "transport error" that has no exception of its own. */
    static final class EngineTransportException extends Exception {
        private static final long serialVersionUID = 1L;

        EngineTransportException(String message) {
            super(message, null, false, false);
        }
    }
}
