package dev.duplex.engine;

import dev.duplex.protocol.engineio.EnginePacketType;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Engine.IO session (engine.io's {@code Socket}): its state, heartbeat and write buffer; it writes through its
 * {@link Transport} ({@link PollingTransport}, {@link WebSocketTransport}), and an {@link Upgrade} moves it from
 * polling to a WebSocket. All its state is confined to the loop that owns it ({@link SessionLoop}, which moves
 * it to the WebSocket's loop at an upgrade): every method whose name starts with {@code on} or that is documented
 * "on loop" must run there; the public API hops onto it.
 * <p>The write buffer holds {@code String} (a text message), {@code byte[]} (a binary message) or
 * {@link EngineMessage} (a shared message or a control packet), possibly wrapped in {@link Uncompressed} (a message
 * sent with {@code compress} false).
 */
final class Session implements EngineSocket {
    private static final Logger log = LoggerFactory.getLogger(Session.class);

    static final EngineMessage CLOSE = EngineMessage.control('1', "");
    private static final Listener NO_LISTENER = new Listener() {
    };
    /** The close reason when more than {@link EngineOptions#maxBufferedBytes()} wait for a client. */
    static final String BUFFER_FULL = "write buffer full";

    enum State { OPEN, CLOSING, CLOSED }

    private final EngineServer server;
    final EngineOptions options;
    final String id;
    private final EngineRequest request;
    /** The loop that owns the session's state; it changes once if an upgrade moves the session. */
    private final SessionLoop owner;

    private volatile State state = State.OPEN;
    private volatile String transportName;
    private volatile Listener listener = NO_LISTENER;
    final WriteBuffer writeBuffer = new WriteBuffer();

    private final Inbox inbox = new Inbox(this);

    /** The active transport; null until a direct WebSocket session starts. */
    Transport transport;
    /** The polling transport when the session started on polling (kept after an upgrade for a held POST). */
    PollingTransport polling;
    /** The WebSocket being probed for an upgrade, or null. */
    Upgrade upgrade;
    boolean upgraded;
    private boolean readPaused;

    final Heartbeat heartbeat;
    /** What an Engine.IO v3 session does differently; null for a v4 session (see {@link EngineV3}). */
    final EngineV3 v3;

    Session(EngineServer server, String id, EngineRequest request, EventLoop loop, String transportName) {
        this(server, id, request, loop, transportName, false, false);
    }

    /**
     * A session of protocol v3 when {@code eio3} (with binary polling payloads unless {@code base64}), else v4.
     */
    Session(EngineServer server, String id, EngineRequest request, EventLoop loop, String transportName,
            boolean eio3, boolean base64) {
        this.server = server;
        this.options = server.options();
        this.id = id;
        this.request = request;
        this.owner = new SessionLoop(loop);
        this.transportName = transportName;
        this.heartbeat = new Heartbeat(this, server.heartbeatTimers(loop));
        this.v3 = eio3 ? new EngineV3(this, !base64) : null;
        if ("polling".equals(transportName)) {
            polling = new PollingTransport(this);
            transport = polling;
        }
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
    public int protocol() {
        return v3 == null ? 4 : 3;
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
        return owner.loop();
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
        run(this::forceClose);
    }

    @Override
    public void pauseReading(boolean paused) {
        run(() -> {
            if (readPaused == paused || state == State.CLOSED) {
                return;
            }
            readPaused = paused;
            if (transport != null) {
                transport.pauseReading(paused);
            }
            if (polling != null && polling != transport) {
                polling.pauseReading(paused);
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

    State state() {
        return state;
    }

    /** The active transport when it is the session's polling transport, else null. On loop. */
    PollingTransport activePolling() {
        return transport == polling ? polling : null;
    }

    private void enqueue(Object item) {
        // the owner's loop writes at once, as engine.io does, even while tasks of the session wait in its queue
        if (owner.loop().inEventLoop()) {
            if (!inbox.isEmpty()) {
                // sent by this thread before it owned the session (a move): those go first
                takeInbox();
            }
            sendItem(item);
        } else {
            inbox.add(item, owner);
        }
    }

    void takeInbox() {
        if (inbox.moveTo(writeBuffer, state == State.OPEN)) {
            flush();
            checkBuffered();
        }
    }

    private void sendItem(Object item) {
        if (state != State.OPEN) {
            return;
        }
        if (writeBuffer.isEmpty() && transport instanceof WebSocketTransport ws && ws.sendNow(item)) {
            // nothing queued before it and the socket took it: no write-buffer round trip (one per broadcast member)
            return;
        }
        writeBuffer.add(item);
        flush();
        checkBuffered();
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

    /** Writes what is buffered to the current transport when it can take it. On loop. */
    void flush() {
        if (state != State.CLOSED && !writeBuffer.isEmpty() && transport != null) {
            transport.flush();
        }
    }

    void fireDrain() {
        try {
            listener.onDrain();
        } catch (RuntimeException e) {
            log.warn("onDrain listener of {} threw", id, e);
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
            transport = new WebSocketTransport(this, directWs);
        }
        if (!openSent) {
            writeBuffer.add(openPacket());
        }
        if (v3 == null) {
            heartbeat.schedulePing();
        } else {
            // v3: the client pings
            v3.resetTimeout();
        }
    }

    /** The open packet of this session. */
    EngineMessage openPacket() {
        return EngineMessage.control('0', handshakeJson());
    }

    String handshakeJson() {
        return server.openPackets.json(id, canUpgrade());
    }

    private boolean canUpgrade() {
        return "polling".equals(transportName) && options.allowUpgrades() && options.transports().contains("websocket");
    }

    /** The complete WebSocket frame of this session's open packet (written with the 101 of a direct WebSocket). */
    byte[] openFrame() {
        byte[] f = canUpgrade() ? null : server.openPackets.wsFrameNoUpgrade(id);
        return f != null ? f : openPacket().wsFrame();
    }

    /** Hands the session to the connection listeners. On loop. */
    void fireConnection() {
        server.fireConnection(this);
    }

    /** Runs {@code task} on the session's loop after {@code delayMs}. */
    ScheduledFuture<?> schedule(Runnable task, long delayMs) {
        return owner.schedule(task, delayMs, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} on the session's loop after {@code delayNanos}, the timer on {@code on}. */
    ScheduledFuture<?> schedule(EventLoop on, Runnable task, long delayNanos) {
        return owner.schedule(on, task, delayNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Closes with "ping timeout" when the pong deadline has passed but the timer has not run yet, see
     * {@link Heartbeat#expired()}.
     */
    boolean pingExpired() {
        if (heartbeat.expired()) {
            closeWith("ping timeout", null);
            return true;
        }
        return false;
    }

    /** Server-initiated close: flush, then close the transport; reason "forced close". On loop. */
    private void forceClose() {
        if (state != State.OPEN) {
            return;
        }
        state = State.CLOSING;
        if (upgrade != null) {
            cancelUpgrade(true);
        }
        if (transport == null) {
            closeWith("forced close", null);
        } else {
            transport.forceClose();
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
        heartbeat.stop();
        if (v3 != null) {
            v3.stop();
        }
        if (upgrade != null) {
            cancelUpgrade(true);
        }
        writeBuffer.clear();
        inbox.clear();
        if (polling != null) {
            polling.onSessionClosed();
        }
        if (transport != null && transport != polling) {
            transport.onSessionClosed();
        }
        server.unregister(this);
        try {
            listener.onClose(reason, cause);
        } catch (RuntimeException e) {
            log.warn("onClose listener of {} threw", id, e);
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
                if (v3 != null) {
                    onError("invalid heartbeat direction");
                } else {
                    heartbeat.onPong();
                }
                break;
            case PING:
                if (v3 != null) {
                    v3.onPing();
                } else {
                    onError("invalid heartbeat direction");
                }
                break;
            case CLOSE:
                transport.onClientClose();
                closeWith("transport close", null);
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

    // ------------------------------------------------------------------ websocket (on loop)

    /** The client sent {@code 5} over {@code ws}: it is the transport from now on. On loop. */
    void upgradeTo(WsHandler ws) {
        upgraded = true;
        transport = new WebSocketTransport(this, ws);
        if (readPaused) {
            transport.pauseReading(true);
        }
        transportName = "websocket";
        try {
            listener.onUpgrade("websocket");
        } catch (RuntimeException e) {
            log.warn("onUpgrade listener of {} threw", id, e);
        }
    }

    /**
     * Moves the session, and its heartbeat timers, to {@code to}: as the very last thing the current task does
     * with the session, since {@code to} may run it as soon as this returns. On loop.
     */
    void moveTo(EventLoop to) {
        if (state != State.CLOSED && to != owner.loop()) {
            boolean timer = heartbeat.detach(server.heartbeatTimers(to));
            owner.moveTo(to);
            if (timer) {
                // the new loop's timers are its own: the timer joins them there, before any later task of the
                // session (which may replace it)
                owner.execute(heartbeat::attach);
            }
        }
    }

    /** Ends the upgrade under way, if any, closing its candidate when asked. On loop. */
    void cancelUpgrade(boolean closeCandidate) {
        Upgrade u = upgrade;
        upgrade = null;
        if (u != null) {
            u.cancel(closeCandidate);
        }
    }

    /** Runs a task on the session's loop: now when this thread owns the session, else queued in order. */
    void run(Runnable task) {
        owner.run(task);
    }

    /** Queues a task of the session for its loop, after those already queued. Any thread. */
    void execute(Runnable task) {
        owner.execute(task);
    }

    /** Whether the current thread owns the session (see {@link SessionLoop#owns()}). */
    boolean owns() {
        return owner.owns();
    }

    /** For tests: the event loop of the WebSocket channel of the session, or null while it is on polling. */
    EventLoop webSocketLoop() {
        return transport instanceof WebSocketTransport ? ((WebSocketTransport) transport).loop() : null;
    }
}
