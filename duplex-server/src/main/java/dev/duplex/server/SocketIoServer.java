package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.engine.EngineServer;
import dev.duplex.engine.EngineSocket;
import dev.duplex.engine.HttpHandler;
import dev.duplex.http.ClientScriptHandler;
import dev.duplex.protocol.socketio.PacketEncoder;
import dev.duplex.protocol.socketio.SocketPacket;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A Socket.IO v5 server (socket.io 4.x compatible) on the Duplex Engine.IO layer.
 *
 * <pre>{@code
 * SocketIoServer io = SocketIoServer.create(ServerOptions.builder().build()).start(3000);
 * io.onConnection(socket -> socket.on("hello", (args, ack) -> socket.emit("world", args.get(0))));
 * io.of("/chat").use((socket, next) -> next.accept(null));
 * io.to("room").emit("news", Map.of("x", 1));
 * io.close();
 * }</pre>
 *
 * <h2>Threading model</h2>
 * <ul>
 * <li>Netty event loops do I/O and decode Socket.IO packets; they never run user code by default.</li>
 * <li>Each Engine.IO connection has a <em>lane</em>: a serial executor over a shared pool
 * ({@link ServerOptions#handlerExecutor()}, or a pool owned by the server of {@link ServerOptions#handlerThreads()}
 * daemon threads, by default {@code max(4, 2 x cores)}). Connection middlewares, connection listeners, packet
 * middlewares, event handlers, ack callbacks and disconnect listeners of every socket of that connection run on its
 * lane, one at a time, in the order the packets arrived (across the polling to WebSocket upgrade too).</li>
 * <li>A slow handler delays the rest of its own connection's lane, and while it runs it holds one pool thread.
 * Other connections are not delayed as long as a thread is free: when as many handlers block at once as the pool
 * has threads (4 blocking handlers on a 1- or 2-CPU machine), every other connection's handlers wait until one
 * returns. Run blocking work (JDBC, files, remote calls) on an executor of your own with
 * {@link Socket#on(String, Executor, EventHandler)} (the socket's other handlers keep running meanwhile), or give
 * the server a {@link ServerOptions#handlerExecutor()} that grows with the load.</li>
 * <li>The server's own pool keeps thread hand-offs few: an event loop wakes a worker once per I/O batch, workers
 * are woken only when no awake one can take the work (at most one per CPU share a busy queue), and the writes of
 * a batch of handler runs go back to the event loop together. If every awake worker is stuck in a slow handler,
 * a watchdog wakes another one and hands held writes over within about 10 ms.</li>
 * <li>With {@link HandlerMode#EVENT_LOOP}, and by default ({@link HandlerMode#AUTO}) on a server with a single
 * CPU, the lane is the connection's Netty event loop, as in Node: faster (no thread switch per packet), but a
 * blocking handler stalls the I/O of every connection on that loop; a handler that runs longer than 100 ms there is
 * logged as a warning.</li>
 * <li>Emitting, joining, leaving, broadcasting and {@code disconnect} are thread-safe and may be called from any
 * thread; a {@code disconnect} called from another thread takes effect on the socket's lane.</li>
 * <li>Futures of {@code Socket.emitWithAck} complete on the socket's lane, with the ack or with the timeout (the
 * timer thread only hands the timeout over), so do not block a handler on such a future: its completion waits
 * for the lane that handler holds. Futures of a broadcast {@code emitWithAck} complete on the lane of the last
 * answering connection, or on the handler executor when they time out. {@code emitWithAck} on a disconnected
 * socket fails at once.</li>
 * </ul>
 */
public final class SocketIoServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SocketIoServer.class);
    private static final AtomicInteger PARENT_IDS = new AtomicInteger();

    private final ServerOptions options;
    private final EngineServer engine;
    private final boolean ownsEngine;
    private final PacketEncoder encoder;
    private final ObjectMapper mapper;
    private final Executor handlerPool;
    private final HandlerPool ownedPool;
    /** {@link ServerOptions#handlerMode()} resolved for this machine. */
    private final boolean handlersOnEventLoop;
    private final ScheduledThreadPoolExecutor timer;
    /** The watchdog of the owned handler pool, on its own thread: nothing else runs there. */
    private final ScheduledThreadPoolExecutor watchdog;
    private final ConcurrentHashMap<String, Namespace> nsps = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Namespace> parents = new CopyOnWriteArrayList<>();
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final CopyOnWriteArrayList<ConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<Namespace>> namespaceListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile HttpHandler clientScript;
    private final HttpHandler clientScriptDisabled;

    private SocketIoServer(ServerOptions options, EngineServer engine, boolean ownsEngine) {
        this.options = Objects.requireNonNull(options, "options");
        this.mapper = options.objectMapper();
        this.encoder = options.parser().newEncoder(mapper);
        this.engine = engine;
        this.ownsEngine = ownsEngine;
        this.timer = new ScheduledThreadPoolExecutor(1, daemon("duplex-timer-"));
        timer.setRemoveOnCancelPolicy(true);
        if (options.handlerExecutor() != null) {
            this.handlerPool = options.handlerExecutor();
            this.ownedPool = null;
            this.watchdog = null;
        } else {
            int cores = Runtime.getRuntime().availableProcessors();
            this.watchdog = new ScheduledThreadPoolExecutor(1, daemon("duplex-watchdog-"));
            int threads = options.handlerThreads() > 0 ? options.handlerThreads() : Math.max(4, 2 * cores);
            this.ownedPool = new HandlerPool(threads, cores, "duplex-handler-", watchdog);
            this.handlerPool = ownedPool;
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        this.handlersOnEventLoop = options.runsHandlersOnEventLoop(cpus);
        if (handlersOnEventLoop && options.handlerMode() == HandlerMode.AUTO) {
            LOG.info("Handlers run on the event loops: 1 CPU available, where a handler pool cannot run beside them "
                    + "(HandlerMode.AUTO). Run blocking handlers with socket.on(event, executor, handler), or set "
                    + "handlerMode(POOL).");
        }
        this.clientScript = ClientScriptHandler.forPath(options.path(), options.cors());
        this.clientScriptDisabled = ClientScriptHandler.disabledForPath(options.path());
        engine.onConnection(this::onEngineConnection);
        engine.before(this::serveClient);
        of("/");
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** A server with these options (not started). */
    public static SocketIoServer create(ServerOptions options) {
        return new SocketIoServer(options, EngineServer.create(options.engineOptions()), true);
    }

    /** A server with the default options (not started). */
    public static SocketIoServer create() {
        return create(ServerOptions.defaults());
    }

    /**
     * A server attached to an existing Engine.IO server (whose options, e.g. its path, apply). {@link #close()}
     * disconnects the sockets but leaves the engine running.
     */
    public static SocketIoServer attach(EngineServer engine, ServerOptions options) {
        return new SocketIoServer(options, engine, false);
    }

    /** Binds all interfaces on {@code port} (0: any free port); blocks until bound. */
    public SocketIoServer start(int port) {
        ServerWarmUp.run(this);
        engine.start(port);
        return this;
    }

    /** Binds {@code address}; blocks until bound. */
    public SocketIoServer start(InetSocketAddress address) {
        ServerWarmUp.run(this);
        engine.start(address);
        return this;
    }

    /** The bound port. */
    public int port() {
        return engine.port();
    }

    /** The options. */
    public ServerOptions options() {
        return options;
    }

    /** The Engine.IO server underneath. */
    public EngineServer engine() {
        return engine;
    }

    /**
     * Installs this server on each channel that your own Netty {@code ServerBootstrap} accepts, instead of
     * {@link #start}: see {@link EngineServer#channelInitializer()} and {@link EngineServer#addHandlers} (to put your
     * own handlers in front).
     *
     * <pre>{@code
     * SocketIoServer io = SocketIoServer.create(options);
     * io.onConnection(socket -> ...);
     * new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
     *         .childHandler(io.channelInitializer()).bind(8080).sync();
     * }</pre>
     */
    public io.netty.channel.ChannelInitializer<io.netty.channel.Channel> channelInitializer() {
        return engine.channelInitializer();
    }

    /** Handler of requests outside the Socket.IO path (static files, routes); passed to the engine. */
    public SocketIoServer fallback(HttpHandler handler) {
        engine.fallback(handler);
        return this;
    }

    /** Handler consulted before the engine for every request; passed to the engine. */
    public SocketIoServer before(HttpHandler handler) {
        engine.before(handler);
        return this;
    }

    /**
     * The handler of {@code <path>socket.io.js} (and its .min/.esm/.map variants) when {@link ServerOptions#serveClient()}
     * is on. By default {@link ClientScriptHandler#forPath(String, dev.duplex.engine.CorsOptions)}, which serves the
     * official socket.io-client bundle packed in the duplex-client-js module.
     */
    public SocketIoServer clientScript(HttpHandler handler) {
        this.clientScript = Objects.requireNonNull(handler, "handler");
        return this;
    }

    // ------------------------------------------------------------------ namespaces

    /** The namespace of this name, created if needed ({@code "chat"} means {@code "/chat"}). */
    public Namespace of(String name) {
        String n = name.startsWith("/") ? name : "/" + name;
        Namespace existing = nsps.get(n);
        if (existing != null) {
            return existing;
        }
        Namespace[] created = new Namespace[1];
        Namespace nsp = nsps.computeIfAbsent(n, k -> created[0] = new Namespace(this, k, null, null));
        if (created[0] == nsp) {
            namespaceCreated(nsp);
        }
        return nsp;
    }

    /**
     * A snapshot of the namespaces that exist now ({@code "/"}, those made with {@link #of(String)} and the
     * children of dynamic namespaces), socket.io's {@code io._nsps}; dynamic parents are not included.
     */
    public List<Namespace> namespaces() {
        return List.copyOf(nsps.values());
    }

    /**
     * Adds a listener called with each namespace created from now on (by {@link #of(String)} or as the child of a
     * dynamic namespace on its first connection): socket.io's {@code io.on("new_namespace")}. It runs on the thread
     * that created the namespace, before the namespace's first socket connects; it must not block.
     */
    public SocketIoServer onNewNamespace(Consumer<Namespace> listener) {
        namespaceListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Removes a listener added with {@link #onNewNamespace(Consumer)}. */
    public SocketIoServer offNewNamespace(Consumer<Namespace> listener) {
        namespaceListeners.remove(listener);
        return this;
    }

    private void namespaceCreated(Namespace nsp) {
        for (Consumer<Namespace> l : namespaceListeners) {
            try {
                l.accept(nsp);
            } catch (RuntimeException e) {
                LOG.warn("A new_namespace listener failed for {}", nsp.name(), e);
            }
        }
    }

    /** A dynamic namespace: every namespace name fully matching {@code pattern} is created on its first connection. */
    public Namespace of(Pattern pattern) {
        Objects.requireNonNull(pattern, "pattern");
        return of((name, handshake) -> pattern.matcher(name).matches());
    }

    /** A dynamic namespace: every namespace name accepted by {@code predicate} is created on its first connection. */
    public Namespace of(BiPredicate<String, Handshake> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        Namespace parent = new Namespace(this, "/_" + PARENT_IDS.getAndIncrement(), null, predicate);
        parents.add(parent);
        return parent;
    }

    /** The main namespace {@code "/"}. */
    public Namespace sockets() {
        return of("/");
    }

    /** The namespace for a CONNECT to {@code name}, {@link Namespace#retain() retained}; null if there is none. */
    Namespace lookup(String name, Handshake handshake) {
        Namespace existing = nsps.get(name);
        if (existing != null && existing.retain()) {
            return existing;
        }
        for (Namespace parent : parents) {
            boolean match;
            try {
                match = parent.matches(name, handshake);
            } catch (RuntimeException e) {
                LOG.warn("Dynamic namespace predicate failed for {}", name, e);
                match = false;
            }
            if (match) {
                while (true) {
                    Namespace[] created = new Namespace[1];
                    Namespace child = nsps.computeIfAbsent(name, k -> created[0] = parent.createChild(k));
                    if (created[0] == child) {
                        namespaceCreated(child);
                    }
                    if (child.retain()) {
                        return child;
                    }
                    // removed as empty between the two calls: it leaves the map before it refuses
                }
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ delegates to "/"

    /** Connection listener of {@code "/"}. */
    public SocketIoServer onConnection(Consumer<Socket> listener) {
        sockets().onConnection(listener);
        return this;
    }

    /** {@code on("connection", listener)} of {@code "/"}. */
    public SocketIoServer on(String event, Consumer<Socket> listener) {
        sockets().on(event, listener);
        return this;
    }

    /** Connection middleware of {@code "/"}. */
    public SocketIoServer use(Middleware middleware) {
        sockets().use(middleware);
        return this;
    }

    /** Emits to every socket of {@code "/"}. */
    public void emit(String event, Object... args) {
        sockets().emit(event, args);
    }

    /** Emits to every socket of {@code "/"} and collects their acks. */
    public CompletableFuture<List<JsonNode>> emitWithAck(String event, Object... args) {
        return sockets().emitWithAck(event, args);
    }

    /** Targets a room of {@code "/"}. */
    public BroadcastOperator to(String room) {
        return sockets().to(room);
    }

    /** Targets rooms of {@code "/"}. */
    public BroadcastOperator to(Collection<String> rooms) {
        return sockets().to(rooms);
    }

    /** Same as {@link #to(String)}. */
    public BroadcastOperator in(String room) {
        return sockets().in(room);
    }

    /** Excludes a room of {@code "/"}. */
    public BroadcastOperator except(String room) {
        return sockets().except(room);
    }

    /** The volatile flag on {@code "/"}. */
    public BroadcastOperator volatileFlag() {
        return sockets().volatileFlag();
    }

    /** The local flag on {@code "/"}. */
    public BroadcastOperator local() {
        return sockets().local();
    }

    /** The compress flag on {@code "/"}. */
    public BroadcastOperator compress(boolean compress) {
        return sockets().compress(compress);
    }

    /** Ack timeout on {@code "/"}. */
    public BroadcastOperator timeout(Duration timeout) {
        return sockets().timeout(timeout);
    }

    /** The sockets of {@code "/"}. */
    public CompletableFuture<List<RemoteSocket>> fetchSockets() {
        return sockets().fetchSockets();
    }

    /** Every socket of {@code "/"} joins the rooms. */
    public void socketsJoin(String... rooms) {
        sockets().socketsJoin(rooms);
    }

    /** Every socket of {@code "/"} leaves the rooms. */
    public void socketsLeave(String... rooms) {
        sockets().socketsLeave(rooms);
    }

    /** Disconnects every socket of {@code "/"}. */
    public void disconnectSockets(boolean close) {
        sockets().disconnectSockets(close);
    }

    /** Server-side emit on {@code "/"}. */
    public void serverSideEmit(String event, Object... args) {
        sockets().serverSideEmit(event, args);
    }

    /** Server-side emit with acks on {@code "/"}: one reply per other server of the cluster. */
    public CompletableFuture<List<JsonNode>> serverSideEmitWithAck(String event, Object... args) {
        return sockets().serverSideEmitWithAck(event, args);
    }

    /** Listens to server-side events of {@code "/"} sent by the other servers of the cluster. */
    public SocketIoServer onServerSideEmit(String event, EventHandler listener) {
        sockets().onServerSideEmit(event, listener);
        return this;
    }

    /**
     * Adds a listener of the raw Engine.IO connections (opened, upgraded, packets in and out, closed), called for
     * what happens from now on; see {@link ConnectionListener}.
     */
    public SocketIoServer addConnectionListener(ConnectionListener listener) {
        connectionListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Removes a listener added with {@link #addConnectionListener(ConnectionListener)}. */
    public SocketIoServer removeConnectionListener(ConnectionListener listener) {
        connectionListeners.remove(listener);
        return this;
    }

    boolean hasConnectionListeners() {
        return !connectionListeners.isEmpty();
    }

    void connectionEvent(Consumer<ConnectionListener> event) {
        for (ConnectionListener l : connectionListeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("A connection listener failed", e);
            }
        }
    }

    /** The number of Engine.IO connections. */
    public int clientsCount() {
        return clients.size();
    }

    // ------------------------------------------------------------------ lifecycle

    /** Disconnects every socket ("server shutting down"), then closes the engine (when owned). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (Client c : new ArrayList<>(clients)) {
            done.add(c.shutdown());
        }
        try {
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            LOG.warn("Sockets did not all disconnect within 5 s", e);
        }
        if (ownsEngine) {
            engine.close();
        } else {
            for (Client c : new ArrayList<>(clients)) {
                c.closeConn();
            }
        }
        nsps.values().forEach(n -> closeQuietly(n));
        parents.forEach(n -> closeQuietly(n));
        timer.shutdownNow();
        if (ownedPool != null) {
            ownedPool.shutdown();
            watchdog.shutdownNow();
        }
    }

    private static void closeQuietly(Namespace n) {
        try {
            n.adapter().close();
        } catch (RuntimeException e) {
            LOG.warn("Adapter of {} failed to close", n.name(), e);
        }
    }

    // ------------------------------------------------------------------ internals

    private void onEngineConnection(EngineSocket conn) {
        if (closed.get()) {
            conn.close();
            return;
        }
        Lane lane = handlersOnEventLoop
                ? Lane.of(conn) : Lane.serial(handlerPool, conn);
        Client client = new Client(this, conn, lane);
        clients.add(client);
        conn.setListener(client);
        client.start();
    }

    /** Forgets an empty child namespace (cleanupEmptyChildNamespaces). */
    void removeNamespace(Namespace nsp) {
        nsps.remove(nsp.name(), nsp);
    }

    /** The namespace of this name if it exists (for tests). */
    Namespace existingNamespace(String name) {
        return nsps.get(name);
    }

    void removeClient(Client client) {
        clients.remove(client);
    }

    ObjectMapper mapper() {
        return mapper;
    }

    PacketEncoder encoder() {
        return encoder;
    }

    Executor handlerPool() {
        return handlerPool;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    /** Runs {@code task} on the handler executor (inline when it refuses: the server is closing). */
    void runOnHandlerExecutor(Runnable task) {
        try {
            handlerPool.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            task.run();
        }
    }

    Prepared prepare(SocketPacket packet) {
        return new Prepared(packet, encoder.encode(packet));
    }

    private boolean serveClient(ChannelHandlerContext ctx, FullHttpRequest request) {
        // with serveClient off, the bundle paths answer 404 instead of reaching the Engine.IO endpoint (400)
        return options.serveClient() ? clientScript.handle(ctx, request) : clientScriptDisabled.handle(ctx, request);
    }

}
