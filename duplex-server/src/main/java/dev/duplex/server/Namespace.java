package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.adapter.Adapter;
import dev.duplex.adapter.AdapterHost;
import dev.duplex.adapter.BroadcastFlags;
import dev.duplex.adapter.LocalSocket;
import dev.duplex.adapter.PreparedPacket;
import dev.duplex.protocol.socketio.SocketPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A namespace: its connection middlewares, connection listeners, sockets and adapter. Obtained with
 * {@link SocketIoServer#of(String)}; a dynamic (parent) namespace made with {@link SocketIoServer#of(BiPredicate)}
 * or {@link SocketIoServer#of(java.util.regex.Pattern)} applies its middlewares and listeners to every child
 * namespace it creates, and its broadcasts reach every child. Thread-safe.
 */
public final class Namespace {
    private static final Logger LOG = LoggerFactory.getLogger(Namespace.class);

    private final SocketIoServer server;
    private final String name;
    private final Namespace parent;
    private final BiPredicate<String, Handshake> matcher;
    private final Adapter adapter;
    private final ConcurrentHashMap<String, Socket> sockets = new ConcurrentHashMap<>();
    /** Recovered sockets not connected yet: broadcasts reach them (held by their {@link Recovery}). */
    private final ConcurrentHashMap<String, Socket> recovering = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Middleware> middlewares = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<Socket>> connectionListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Namespace> children = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, CopyOnWriteArrayList<EventHandler>> serverSideListeners =
            new ConcurrentHashMap<>();
    private final AtomicInteger ackIds = new AtomicInteger();
    /** Connections between lookup and the end of the middlewares; guarded by this. */
    private int connecting;
    /** A child removed by cleanupEmptyChildNamespaces; guarded by this. */
    private boolean removed;

    Namespace(SocketIoServer server, String name, Namespace parent, BiPredicate<String, Handshake> matcher) {
        this.server = server;
        this.name = name;
        this.parent = parent;
        this.matcher = matcher;
        this.adapter = server.options().adapter().create(new Host());
        adapter.init().exceptionally(e -> {
            LOG.error("Adapter of namespace {} failed to initialise", name, e);
            return null;
        });
    }

    /** The namespace name, e.g. {@code "/"} or {@code "/chat"} (a generated name for a dynamic parent). */
    public String name() {
        return name;
    }

    /** The adapter of this namespace. */
    public Adapter adapter() {
        return adapter;
    }

    /** The server. */
    public SocketIoServer server() {
        return server;
    }

    /** The connected local sockets by id (a read-only live view). */
    public Map<String, Socket> sockets() {
        return Collections.unmodifiableMap(sockets);
    }

    /** Adds a connection listener. */
    public Namespace onConnection(Consumer<Socket> listener) {
        connectionListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** {@code on("connection", listener)} (also "connect"). */
    public Namespace on(String event, Consumer<Socket> listener) {
        if (!"connection".equals(event) && !"connect".equals(event)) {
            throw new IllegalArgumentException("only \"connection\" and \"connect\" are namespace events; use "
                    + "onServerSideEmit for server-side events");
        }
        return onConnection(listener);
    }

    /** Adds a connection middleware. */
    public Namespace use(Middleware middleware) {
        middlewares.add(Objects.requireNonNull(middleware, "middleware"));
        return this;
    }

    /** Listens to server-side events of this namespace sent by other servers of the cluster. */
    public Namespace onServerSideEmit(String event, Consumer<List<JsonNode>> listener) {
        Objects.requireNonNull(listener, "listener");
        return onServerSideEmit(event, (args, ack) -> listener.accept(args));
    }

    /**
     * Listens to server-side events of this namespace sent by other servers of the cluster; {@code ack} is non-null
     * when the sender used {@link #serverSideEmitWithAck} (socket.io's {@code io.on(event, (...args, callback))}).
     * Only the first argument of the first {@code ack.send} is sent back.
     */
    public Namespace onServerSideEmit(String event, EventHandler listener) {
        Objects.requireNonNull(listener, "listener");
        serverSideListeners.computeIfAbsent(event, k -> new CopyOnWriteArrayList<>()).add(listener);
        return this;
    }

    // ------------------------------------------------------------------ broadcast

    private BroadcastOperator operator() {
        return new BroadcastOperator(this, Set.of(), Set.of(), BroadcastFlags.DEFAULT);
    }

    /** Targets a room. */
    public BroadcastOperator to(String room) {
        return operator().to(room);
    }

    /** Targets rooms. */
    public BroadcastOperator to(Collection<String> rooms) {
        return operator().to(rooms);
    }

    /** Same as {@link #to(String)}. */
    public BroadcastOperator in(String room) {
        return operator().to(room);
    }

    /** Excludes the sockets of a room. */
    public BroadcastOperator except(String room) {
        return operator().except(room);
    }

    /** Excludes the sockets of rooms. */
    public BroadcastOperator except(Collection<String> rooms) {
        return operator().except(rooms);
    }

    /** The {@code volatile} flag: the event may be dropped for sockets that cannot take it now. */
    public BroadcastOperator volatileFlag() {
        return operator().volatileFlag();
    }

    /** The compress flag. */
    public BroadcastOperator compress(boolean compress) {
        return operator().compress(compress);
    }

    /** Only the sockets of this server (meaningful with a cluster adapter). */
    public BroadcastOperator local() {
        return operator().local();
    }

    /** Ack timeout for {@link BroadcastOperator#emitWithAck}. */
    public BroadcastOperator timeout(Duration timeout) {
        return operator().timeout(timeout);
    }

    /** Sends an event to every socket of the namespace. */
    public void emit(String event, Object... args) {
        operator().emit(event, args);
    }

    /** Sends an event to every socket and completes with their responses (see {@link BroadcastOperator}). */
    public CompletableFuture<List<JsonNode>> emitWithAck(String event, Object... args) {
        return operator().emitWithAck(event, args);
    }

    /** The sockets of the namespace. */
    public CompletableFuture<List<RemoteSocket>> fetchSockets() {
        return operator().fetchSockets();
    }

    /** Makes every socket join the rooms. */
    public void socketsJoin(String... rooms) {
        operator().socketsJoin(rooms);
    }

    /** Makes every socket leave the rooms. */
    public void socketsLeave(String... rooms) {
        operator().socketsLeave(rooms);
    }

    /** Disconnects every socket. */
    public void disconnectSockets(boolean close) {
        operator().disconnectSockets(close);
    }

    /** Sends an event to the other servers of the cluster (nothing happens with the in-memory adapter). */
    public void serverSideEmit(String event, Object... args) {
        Reserved.check(event);
        adapter.serverSideEmit(Socket.eventList(event, args));
    }

    /**
     * Sends an event to the other servers of the cluster and completes with one reply per other server; fails with
     * a {@link dev.duplex.adapter.ClusterTimeoutException} (carrying the replies that arrived) when a server does
     * not answer within the adapter's request timeout. Completes with an empty list for a cluster of one.
     */
    public CompletableFuture<List<JsonNode>> serverSideEmitWithAck(String event, Object... args) {
        Reserved.check(event);
        return adapter.serverSideEmitWithAck(Socket.eventList(event, args));
    }

    // ------------------------------------------------------------------ internals

    boolean isParent() {
        return matcher != null;
    }

    boolean matches(String childName, Handshake handshake) {
        return matcher.test(childName, handshake);
    }

    Namespace createChild(String childName) {
        Namespace child = new Namespace(server, childName, this, null);
        children.add(child);
        return child;
    }

    /** The namespaces a broadcast from this one reaches: itself, or the children of a parent. */
    List<Namespace> targets() {
        return isParent() ? new ArrayList<>(children) : List.of(this);
    }

    int nextAckId() {
        return ackIds.getAndUpdate(i -> i == Integer.MAX_VALUE ? 0 : i + 1);
    }

    /**
     * Counts a connection about to be added (see {@link #add}), so that an empty child is not removed under it;
     * false when this child has been removed (look it up again).
     */
    synchronized boolean retain() {
        if (removed) {
            return false;
        }
        connecting++;
        return true;
    }

    private void release() {
        synchronized (this) {
            connecting--;
        }
        cleanupIfEmpty();
    }

    /** With cleanupEmptyChildNamespaces, removes this child of a dynamic namespace once it has no socket. */
    private void cleanupIfEmpty() {
        if (parent == null || !server.options().cleanupEmptyChildNamespaces()) {
            return;
        }
        synchronized (this) {
            if (removed || connecting > 0 || !sockets.isEmpty()) {
                return;
            }
            removed = true;
            server.removeNamespace(this);
            parent.children.remove(this);
        }
        LOG.debug("Removing empty child namespace {}", name);
        try {
            adapter.close();
        } catch (RuntimeException e) {
            LOG.warn("Adapter of {} failed to close", name, e);
        }
    }

    /**
     * Runs the middlewares then, if {@code decision} accepts, connects the socket; on the client's lane. The
     * namespace was {@link #retain() retained} by the lookup.
     */
    void add(Socket socket, Function<Exception, Boolean> decision) {
        add(socket, false, decision);
    }

    /** {@link #add(Socket, Function)}, without the middlewares when {@code skipMiddlewares} (a recovered socket). */
    void add(Socket socket, boolean skipMiddlewares, Function<Exception, Boolean> decision) {
        if (skipMiddlewares || (middlewares.isEmpty() && (parent == null || parent.middlewares.isEmpty()))) {
            // no middleware (the usual case): no chain to build and run
            admit(socket, decision, null);
            return;
        }
        List<Middleware> chain = new ArrayList<>();
        if (parent != null) {
            chain.addAll(parent.middlewares);
        }
        chain.addAll(middlewares);
        run(chain, 0, socket, error -> admit(socket, decision, error));
    }

    /** The end of the middlewares: connects the socket if {@code decision} accepts, then the connection listeners. */
    private void admit(Socket socket, Function<Exception, Boolean> decision, Exception error) {
        if (!decision.apply(error)) {
            release();
            return;
        }
        sockets.put(socket.id(), socket);
        release();
        socket.onConnect();
        // a snapshot of the listeners as they are now (the list's iterator is one when there is no parent's)
        Iterable<Consumer<Socket>> listeners = connectionListeners;
        if (parent != null) {
            List<Consumer<Socket>> both = new ArrayList<>(connectionListeners);
            both.addAll(parent.connectionListeners);
            listeners = both;
        }
        for (Consumer<Socket> l : listeners) {
            try {
                l.accept(socket);
            } catch (RuntimeException e) {
                socket.reportError("connection", e);
            }
        }
    }

    private void run(List<Middleware> chain, int index, Socket socket, Consumer<Exception> done) {
        if (index >= chain.size()) {
            done.accept(null);
            return;
        }
        AtomicBoolean called = new AtomicBoolean();
        Consumer<Exception> next = error -> {
            if (!called.compareAndSet(false, true)) {
                return;
            }
            socket.client().lane.runOrExecute(() -> {
                if (error != null) {
                    done.accept(error);
                } else {
                    run(chain, index + 1, socket, done);
                }
            });
        };
        try {
            chain.get(index).handle(socket, next);
        } catch (Exception e) {
            next.accept(e);
        }
    }

    void remove(Socket socket) {
        if (sockets.remove(socket.id(), socket)) {
            cleanupIfEmpty();
        }
    }

    /** Whether a socket with this id is connected or being recovered. */
    boolean hasSocket(String id) {
        return sockets.containsKey(id) || recovering.containsKey(id);
    }

    /** Registers a recovered socket until it is connected (or refused): broadcasts reach it from now on. */
    boolean startRecovery(Socket socket) {
        return !sockets.containsKey(socket.id()) && recovering.putIfAbsent(socket.id(), socket) == null;
    }

    void endRecovery(Socket socket) {
        recovering.remove(socket.id(), socket);
    }

    java.time.Duration recoveryWindow() {
        ConnectionStateRecovery csr = server.options().connectionStateRecovery();
        return csr == null ? null : csr.maxDisconnectionDuration();
    }

    /** The adapter's view of this namespace. */
    private final class Host implements AdapterHost {
        @Override
        public String namespace() {
            return name;
        }

        @Override
        public LocalSocket socket(String id) {
            Socket s = sockets.get(id);
            if (s == null && !recovering.isEmpty()) {
                s = recovering.get(id);
            }
            return s == null ? null : s.handle();
        }

        @Override
        public Duration maxDisconnectionDuration() {
            return recoveryWindow();
        }

        @Override
        public PreparedPacket prepare(SocketPacket packet) {
            return server.prepare(packet);
        }

        @Override
        public int nextAckId() {
            return Namespace.this.nextAckId();
        }

        @Override
        public void onServerSideEmit(List<JsonNode> args) {
            onServerSideEmit(args, null);
        }

        @Override
        public void onServerSideEmit(List<JsonNode> args, Consumer<JsonNode> reply) {
            if (args.isEmpty()) {
                return;
            }
            String event = args.get(0).asText();
            List<JsonNode> rest = java.util.Collections.unmodifiableList(new ArrayList<>(args.subList(1, args.size())));
            CopyOnWriteArrayList<EventHandler> list = serverSideListeners.get(event);
            if (list == null) {
                return;
            }
            Ack ack = reply == null ? null : values -> reply.accept(values == null || values.length == 0
                    ? com.fasterxml.jackson.databind.node.NullNode.instance
                    : server.mapper().valueToTree(values[0]));
            server.handlerPool().execute(() -> list.forEach(l -> {
                try {
                    l.handle(rest, ack);
                } catch (Exception e) {
                    LOG.warn("Server-side listener of event '{}' on namespace {} failed", event, name, e);
                }
            }));
        }
    }

    @Override
    public String toString() {
        return "Namespace[" + name + "]";
    }
}
