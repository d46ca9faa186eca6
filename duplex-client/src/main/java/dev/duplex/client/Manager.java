package dev.duplex.client;

import dev.duplex.protocol.engineio.EnginePacket;
import dev.duplex.protocol.socketio.EncodedPacket;
import dev.duplex.protocol.socketio.PacketDecoder;
import dev.duplex.protocol.socketio.PacketEncoder;
import dev.duplex.protocol.socketio.SocketIoDecoder;
import dev.duplex.protocol.socketio.SocketPacket;
import dev.duplex.protocol.socketio.SocketProtocolException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Engine.IO connection to a server, multiplexing the {@link Socket}s of its namespaces, and reconnecting with
 * back-off (socket.io-client's Manager). Events: {@code open}, {@code error} (a {@link DuplexClientException}),
 * {@code ping}, {@code close} (reason), {@code reconnect} (attempt), {@code reconnect_attempt} (attempt),
 * {@code reconnect_error} (a {@link DuplexClientException}), {@code reconnect_failed}.
 *
 * <p>Threads: a manager runs one daemon I/O thread ({@code duplex-client-io-*}) and one daemon event thread
 * ({@code duplex-client-events-*}) for listeners, unless an event executor is configured. Many managers can
 * share a few threads instead: {@link IoOptions.Builder#eventLoopGroup} and {@link IoOptions.Builder#eventExecutor}.
 * A manager's own threads are created when
 * a connection is opened and stopped once the manager is closed and not reconnecting, e.g. after
 * {@link #close()} or when its last socket disconnects; they are created again when needed.
 */
public final class Manager extends Emitter<Manager> {
    private static final Logger LOG = LoggerFactory.getLogger(Manager.class);
    private static final AtomicInteger EVENT_THREADS = new AtomicInteger();

    /** {@code "open"}: the Engine.IO connection is open. */
    public static final String EVENT_OPEN = "open";
    /** {@code "close"}, with the reason. */
    public static final String EVENT_CLOSE = "close";
    /** {@code "error"}, with a {@link DuplexClientException}. */
    public static final String EVENT_ERROR = "error";
    /** {@code "ping"}: a ping came from the server. */
    public static final String EVENT_PING = "ping";
    /** {@code "reconnect"}, with the number of attempts it took. */
    public static final String EVENT_RECONNECT = "reconnect";
    /** {@code "reconnect_attempt"}, with the attempt number. */
    public static final String EVENT_RECONNECT_ATTEMPT = "reconnect_attempt";
    /** {@code "reconnect_error"}, with a {@link DuplexClientException}. */
    public static final String EVENT_RECONNECT_ERROR = "reconnect_error";
    /** {@code "reconnect_failed"}: {@code reconnectionAttempts} attempts failed. */
    public static final String EVENT_RECONNECT_FAILED = "reconnect_failed";

    enum ReadyState { CLOSED, OPENING, OPEN }

    final IoOptions opts;
    final URI uri;
    private final boolean secure;
    private final String host;
    private final int port;
    private final Map<String, Cookie> cookies = new HashMap<>();
    final PacketEncoder encoder;
    private final Backoff backoff;
    private final Map<String, Socket> nsps = new ConcurrentHashMap<>();
    private Runnable onFullyClosed;

    private final Executor listenerExecutor;

    // threads (guarded by this)
    private EventLoopGroup group;
    private boolean ownGroup;
    private EventLoop loop;
    private ExecutorService events;

    // state, confined to the loop
    private volatile ReadyState readyState = ReadyState.CLOSED;
    private volatile boolean reconnecting;
    private boolean skipReconnect;
    private volatile EngineSocket engine;
    private PacketDecoder decoder;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private Consumer<DuplexClientException> openCallback;

    Manager(URI uri, IoOptions opts) {
        this.uri = uri;
        this.opts = opts;
        String scheme = uri.getScheme() == null ? "http" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        this.secure = scheme.equals("https") || scheme.equals("wss");
        this.host = uri.getHost() == null ? "localhost" : uri.getHost().replace("[", "").replace("]", "");
        this.port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
        this.encoder = opts.parser.newEncoder(opts.mapper);
        this.backoff = new Backoff(opts.reconnectionDelay, opts.reconnectionDelayMax, 2, opts.randomizationFactor,
                opts.random);
        this.listenerExecutor = opts.eventExecutor == null ? null : new SerialExecutor(opts.eventExecutor);
    }

    /** A manager for a server URL ({@code http(s)://host:port}); its namespaces are given to {@link #socket}. */
    public static Manager create(String url, IoOptions opts) {
        return new Manager(URI.create(url), opts);
    }

    /** A manager for a server URI ({@code http(s)://host:port}), like {@code new Manager(uri, opts)} there. */
    public static Manager create(URI uri, IoOptions opts) {
        return new Manager(uri, opts);
    }

    /** The socket of a namespace on this connection (one per namespace, created on first use). */
    public Socket socket(String nsp) {
        String n = nsp == null || nsp.isEmpty() ? "/" : nsp.startsWith("/") ? nsp : "/" + nsp;
        return nsps.computeIfAbsent(n, k -> new Socket(this, k));
    }

    boolean hasSocket(String nsp) {
        return nsps.containsKey(nsp);
    }

    /** Whether a connection is open. */
    public boolean isOpen() {
        return readyState == ReadyState.OPEN;
    }

    /** Whether the manager is waiting to reconnect or reconnecting. */
    public boolean isReconnecting() {
        return reconnecting;
    }

    /** The options. */
    public IoOptions options() {
        return opts;
    }

    /** Opens the connection (sockets do it when they connect). */
    public Manager open() {
        exec(() -> open(null));
        return this;
    }

    /**
     * Closes the connection and stops reconnecting; connected sockets get {@code disconnect} with "forced close"
     * and connect again on {@link Socket#connect()}. The manager's threads stop.
     */
    public Manager close() {
        exec(this::closeNow);
        return this;
    }

    // ---------------------------------------------------------------------------------------------------------
    // threads

    void exec(Runnable task) {
        EventLoop l;
        synchronized (this) {
            if (group == null) {
                ownGroup = opts.eventLoopGroup == null;
                group = ownGroup ? new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("duplex-client-io",
                        true), NioIoHandler.newFactory()) : opts.eventLoopGroup;
                loop = group.next();
                if (opts.eventExecutor == null && ownGroup) {
                    String name = "duplex-client-events-" + EVENT_THREADS.incrementAndGet();
                    events = Executors.newSingleThreadExecutor(r -> {
                        Thread t = new Thread(r, name);
                        t.setDaemon(true);
                        return t;
                    });
                }
            }
            l = loop;
        }
        execOn(l, task);
    }

    /**
     * Runs the task on {@code l}, taken from {@link #loop} a moment ago. The loop may have been released since, when
     * the manager became fully closed: the task then goes to the manager's current loop, a new one if need be.
     */
    void execOn(EventLoop l, Runnable task) {
        if (l.inEventLoop()) {
            task.run();
            return;
        }
        try {
            l.execute(() -> {
                if (loop() == l) {
                    task.run();
                } else {
                    exec(task); // accepted just before the loop was released
                }
            });
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                if (loop == l) {
                    throw e; // not released by this manager: nothing to fall back on
                }
            }
            exec(task);
        }
    }

    EventLoop loop() {
        synchronized (this) {
            return loop;
        }
    }

    @Override
    void dispatch(Runnable task) {
        Executor ex;
        synchronized (this) {
            ex = listenerExecutor != null ? listenerExecutor : events;
        }
        if (ex == null) {
            task.run();
            return;
        }
        try {
            ex.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /** Stops the threads once the engine is closed, when nothing is pending. */
    private void releaseThreads() {
        EngineSocket e = engine;
        CompletableFuture<Void> done = e == null ? CompletableFuture.completedFuture(null) : e.terminated();
        EventLoop l = loop();
        if (l != null && !done.isDone()) {
            // a transport that does not close in time must not keep the threads alive
            ScheduledFuture<?> guard = l.schedule(() -> done.complete(null), 2, TimeUnit.SECONDS);
            done.whenComplete((v, x) -> guard.cancel(false));
        }
        done.whenComplete((v, x) -> {
            Runnable stop = () -> {
                if (readyState != ReadyState.CLOSED || reconnecting) {
                    return;
                }
                if (loop() != l) {
                    return;
                }
                for (Socket s : nsps.values()) {
                    s.failTimedAcks();
                }
                EventLoopGroup g;
                ExecutorService ev;
                synchronized (this) {
                    if (loop != l) {
                        return;
                    }
                    g = ownGroup ? group : null; // a shared group belongs to its owner
                    ev = events;
                    group = null;
                    loop = null;
                    events = null;
                }
                if (ev != null) {
                    ev.shutdown();
                }
                if (g != null) {
                    g.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                }
                Runnable r = onFullyClosed;
                if (r != null) {
                    r.run();
                }
            };
            if (l != null && !l.isShuttingDown()) {
                try {
                    l.execute(stop);
                } catch (RejectedExecutionException ignored) {
                    // already stopped
                }
            }
        });
    }

    void onFullyClosed(Runnable r) {
        onFullyClosed = r;
    }

    // ---------------------------------------------------------------------------------------------------------
    // connection, on the loop

    ReadyState readyState() {
        return readyState;
    }

    boolean reconnectingNow() {
        return reconnecting;
    }

    EngineSocket engine() {
        return engine;
    }

    /** The name of the transport in use ("polling", "websocket"), or {@code null} before any connection. */
    public String transport() {
        EngineSocket e = engine;
        return e == null ? null : e.transportName();
    }

    void open(Consumer<DuplexClientException> callback) {
        if (readyState != ReadyState.CLOSED) {
            return;
        }
        ClientContext ctx = new ClientContext(loop(), opts, secure, host, port, cookies);
        EngineEvents events = new EngineEvents();
        EngineSocket e = new EngineSocket(ctx, events);
        events.owner = e;
        engine = e;
        decoder = opts.parser.newDecoder(opts.mapper, SocketIoDecoder.DEFAULT_MAX_ATTACHMENTS);
        readyState = ReadyState.OPENING;
        skipReconnect = false;
        openCallback = callback;
        if (opts.timeout != null) {
            long ms = opts.timeout.toMillis();
            timers.add(loop().schedule(() -> {
                if (engine == e && readyState == ReadyState.OPENING) {
                    // socket.io's name ("timeout"), the details in the cause
                    onOpenError(new DuplexClientException(DuplexClientException.Kind.TIMEOUT, "timeout",
                            new java.util.concurrent.TimeoutException("no connection to " + ctx.hostPort()
                                    + " within " + ms + " ms")));
                    e.close();
                }
            }, ms, TimeUnit.MILLISECONDS));
        }
        e.open();
    }

    private void cleanup() {
        for (ScheduledFuture<?> t : timers) {
            t.cancel(false);
        }
        timers.clear();
        if (decoder != null) {
            decoder.reset();
        }
    }

    private void onOpenError(DuplexClientException err) {
        cleanup();
        readyState = ReadyState.CLOSED;
        emitReserved("error", err);
        Consumer<DuplexClientException> cb = openCallback;
        openCallback = null;
        for (Socket s : nsps.values()) {
            s.onManagerError(err);
        }
        if (cb != null) {
            cb.accept(err);
        } else {
            maybeReconnectOnOpen();
        }
        if (!reconnecting) {
            releaseThreads();
        }
    }

    private void onopen() {
        cleanup();
        readyState = ReadyState.OPEN;
        emitReserved("open");
        Consumer<DuplexClientException> cb = openCallback;
        openCallback = null;
        for (Socket s : nsps.values()) {
            s.onManagerOpen();
        }
        if (cb != null) {
            cb.accept(null);
        }
    }

    private void maybeReconnectOnOpen() {
        if (!reconnecting && opts.reconnection && backoff.attempts() == 0) {
            reconnect();
        }
    }

    private void reconnect() {
        if (reconnecting || skipReconnect) {
            return;
        }
        if (backoff.attempts() >= opts.reconnectionAttempts) {
            backoff.reset();
            emitReserved("reconnect_failed");
            reconnecting = false;
            releaseThreads();
            return;
        }
        long delay = backoff.duration();
        reconnecting = true;
        timers.add(loop().schedule(() -> {
            if (skipReconnect) {
                return;
            }
            emitReserved("reconnect_attempt", backoff.attempts());
            open(err -> {
                if (err != null) {
                    reconnecting = false;
                    reconnect();
                    emitReserved("reconnect_error", err);
                } else {
                    int attempt = backoff.attempts();
                    reconnecting = false;
                    backoff.reset();
                    emitReserved("reconnect", attempt);
                }
            });
        }, delay, TimeUnit.MILLISECONDS));
    }

    private void onclose(String reason) {
        cleanup();
        // CLOSED first: the engine's own close event must not come back here
        readyState = ReadyState.CLOSED;
        if (engine != null) {
            engine.close();
        }
        backoff.reset();
        emitReserved("close", reason);
        for (Socket s : nsps.values()) {
            s.onManagerClose(reason);
        }
        if (opts.reconnection && !skipReconnect) {
            reconnect();
        }
        if (!reconnecting) {
            releaseThreads();
        }
    }

    /** Called by a socket that stops: closes the connection when no socket is active any more. */
    void destroy(Socket socket) {
        for (Socket s : nsps.values()) {
            if (s.active()) {
                return;
            }
        }
        closeNow();
    }

    private void closeNow() {
        skipReconnect = true;
        reconnecting = false;
        if (readyState == ReadyState.CLOSED) {
            cleanup();
            releaseThreads();
            return;
        }
        onclose("forced close");
    }

    /** Sends a Socket.IO packet, with its attachments. */
    void packet(EncodedPacket p) {
        EngineSocket e = engine;
        if (e == null) {
            return;
        }
        if (p.text() != null) {
            e.write(EnginePacket.message(p.text()));
        }
        for (byte[] a : p.attachments()) {
            e.write(EnginePacket.binary(a));
        }
    }

    void packet(SocketPacket p) {
        packet(encoder.encode(p));
    }

    private void ondecoded(SocketPacket p) {
        Socket s = nsps.get(p.namespace());
        if (s != null && s.active()) {
            s.onPacket(p);
        } else {
            LOG.debug("packet for a namespace without active socket: {}", p);
        }
    }

    /**
     * The events of one engine. Those of an engine the manager has replaced are ignored (socket.io-client removes
     * its subscriptions): a closed engine's late "close" would otherwise fail the connection that replaced it.
     */
    private final class EngineEvents implements EngineSocket.Events {
        EngineSocket owner;

        private boolean stale() {
            return owner != engine;
        }

        @Override
        public void onEngineOpen() {
            if (stale()) {
                return;
            }
            onopen();
        }

        @Override
        public void onEngineMessage(String text) {
            if (stale()) {
                return;
            }
            try {
                SocketPacket p = decoder.decode(text);
                if (p != null) {
                    ondecoded(p);
                }
            } catch (SocketProtocolException e) {
                LOG.warn("invalid packet from the server: {}", e.getMessage());
                onclose("parse error");
            }
        }

        @Override
        public void onEngineBinary(byte[] data) {
            if (stale()) {
                return;
            }
            try {
                SocketPacket p = decoder.decode(data);
                if (p != null) {
                    ondecoded(p);
                }
            } catch (SocketProtocolException e) {
                LOG.warn("invalid attachment from the server: {}", e.getMessage());
                onclose("parse error");
            }
        }

        @Override
        public void onEnginePing() {
            if (stale()) {
                return;
            }
            emitReserved("ping");
        }

        @Override
        public void onEngineError(DuplexClientException e) {
            if (stale()) {
                return;
            }
            if (readyState == ReadyState.OPENING) {
                onOpenError(e);
            } else if (readyState == ReadyState.OPEN) {
                emitReserved("error", e);
                for (Socket s : nsps.values()) {
                    s.onManagerError(e);
                }
            }
        }

        @Override
        public void onEngineClose(String reason, Throwable cause) {
            if (stale()) {
                return;
            }
            if (readyState == ReadyState.OPEN) {
                onclose(reason);
            } else if (readyState == ReadyState.OPENING) {
                onOpenError(cause instanceof DuplexClientException ? (DuplexClientException) cause
                        : new DuplexClientException(DuplexClientException.Kind.TRANSPORT,
                                "connection closed before the handshake: " + reason, cause));
            }
        }
    }
}
