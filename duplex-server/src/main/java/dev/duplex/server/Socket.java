package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.duplex.adapter.BroadcastFlags;
import dev.duplex.adapter.LocalSocket;
import dev.duplex.adapter.PreparedPacket;
import dev.duplex.adapter.RestoredSession;
import dev.duplex.protocol.socketio.SocketPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A client's connection to one namespace (socket.io's server-side {@code Socket}).
 *
 * <p>Listeners and handlers run on the socket's handler lane (see {@link SocketIoServer} for the threading model),
 * one at a time and in the order the packets arrived. Emitting, joining and leaving are thread-safe.
 */
public final class Socket {
    private static final Logger LOG = LoggerFactory.getLogger(Socket.class);

    private final Namespace nsp;
    private final Client client;
    private final String id;
    private final Handshake handshake;
    private final ConcurrentMap<String, Object> data = new ConcurrentHashMap<>();
    /** The private session id (connection state recovery), or null when recovery is off. */
    private final String pid;
    /** Set when this socket is a recovered session. */
    private final Recovery recovery;
    private volatile boolean connected;
    private volatile boolean closed;
    private volatile String closeReason;
    private final Handle handle = new Handle();

    private final ConcurrentHashMap<String, CopyOnWriteArrayList<Registration>> handlers = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<AnyListener> anyListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<AnyOutgoingListener> anyOutgoing = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<PacketMiddleware> middlewares = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<String>> disconnectListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<String>> disconnectingListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<Throwable>> errorListeners = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<Integer, Consumer<List<JsonNode>>> acks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, CompletableFuture<List<JsonNode>>> pending = new ConcurrentHashMap<>();

    private record Registration(Object original, EventHandler invoker) {
    }

    /** Per executor given to {@link #on(String, Executor, EventHandler)}: runs this socket's calls in order. */
    private final ConcurrentHashMap<Executor, Lane> offloadLanes = new ConcurrentHashMap<>();

    Socket(Namespace nsp, Client client, Handshake handshake) {
        this(nsp, client, handshake, null);
    }

    /** A new socket, or with {@code restored} the socket of a recovered session (same id, pid and data). */
    Socket(Namespace nsp, Client client, Handshake handshake, RestoredSession restored) {
        this.nsp = nsp;
        this.client = client;
        this.handshake = handshake;
        if (restored != null) {
            this.id = restored.sid();
            this.pid = restored.pid();
            data.putAll(restored.data());
            this.recovery = new Recovery(this, restored);
        } else {
            this.id = Ids.next();
            this.pid = client.server.options().connectionStateRecovery() != null ? Ids.next() : null;
            this.recovery = null;
        }
    }

    // ------------------------------------------------------------------ identity

    /** The socket id: new for every namespace connection, not the Engine.IO session id. */
    public String id() {
        return id;
    }

    /** The handshake (headers, query, auth...). */
    public Handshake handshake() {
        return handshake;
    }

    /** Per-socket user data, thread-safe. */
    public ConcurrentMap<String, Object> data() {
        return data;
    }

    /** The rooms of this socket (including the one named after its id once connected). */
    public Set<String> rooms() {
        return nsp.adapter().socketRooms(id);
    }

    /**
     * Whether this socket is a session brought back by connection state recovery: same id, rooms and data as before
     * the disconnection, and the missed broadcasts sent before the CONNECT reply.
     */
    public boolean recovered() {
        return recovery != null;
    }

    /** True from the CONNECT reply until the disconnect. */
    public boolean connected() {
        return connected;
    }

    /** The namespace. */
    public Namespace nsp() {
        return nsp;
    }

    /** The current transport of the underlying connection: "polling" or "websocket". */
    public String transport() {
        return client.conn.transport();
    }

    /** The Engine.IO session id of the underlying connection (shared by its namespaces). */
    public String engineId() {
        return client.conn.id();
    }

    // ------------------------------------------------------------------ listeners

    /** Adds a handler for {@code event}; it gets the raw JSON arguments and the ack (or null). */
    public Socket on(String event, EventHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return register(event, handler, handler);
    }

    /** Adds a handler whose return value (or completion stage) is sent as the ack. */
    public Socket on(String event, RequestHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return register(event, handler, (args, ack) -> reply(event, ack, handler.handle(args)));
    }

    /**
     * Adds a handler that runs on {@code executor} instead of the connection's lane: for handlers that block (JDBC,
     * file I/O, a remote call), which would otherwise hold a thread of the server's handler pool and, when enough
     * of them block at once, delay every connection. Calls of this socket on {@code executor} run one at a time, in
     * the order the events arrived; the socket's other handlers (and its other events) do not wait for them, like
     * an {@code async} handler on Node. Errors thrown go to {@link #onError} on the lane. If the executor rejects a
     * call, the call is dropped (logged).
     */
    public Socket on(String event, Executor executor, EventHandler handler) {
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(handler, "handler");
        return register(event, handler, (args, ack) -> offload(event, executor, () -> handler.handle(args, ack)));
    }

    /** As {@link #on(String, Executor, EventHandler)}, the return value (or completion stage) sent as the ack. */
    public Socket on(String event, Executor executor, RequestHandler handler) {
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(handler, "handler");
        return register(event, handler, (args, ack) -> offload(event, executor,
                () -> reply(event, ack, handler.handle(args))));
    }

    /** A handler body that may throw. */
    private interface Call {
        void run() throws Exception;
    }

    private void offload(String event, Executor executor, Call call) {
        Lane lane = offloadLanes.computeIfAbsent(executor, e -> Lane.serial(e, null));
        lane.execute(() -> {
            try {
                call.run();
            } catch (Exception e) {
                client.lane.execute(() -> reportError(event, e));
            }
        });
    }

    /** Adds a handler of the first argument mapped by Jackson to {@code type}. */
    public <T> Socket on(String event, Class<T> type, TypedHandler<T> handler) {
        Objects.requireNonNull(handler, "handler");
        return register(event, handler, (args, ack) -> handler.handle(map(args, type), ack));
    }

    /** Adds a handler of the first argument mapped to {@code type}, whose return value is sent as the ack. */
    public <T> Socket on(String event, Class<T> type, TypedRequestHandler<T> handler) {
        Objects.requireNonNull(handler, "handler");
        return register(event, handler, (args, ack) -> reply(event, ack, handler.handle(map(args, type))));
    }

    private Socket register(String event, Object original, EventHandler invoker) {
        Objects.requireNonNull(event, "event");
        handlers.computeIfAbsent(event, k -> new CopyOnWriteArrayList<>()).add(new Registration(original, invoker));
        return this;
    }

    private <T> T map(List<JsonNode> args, Class<T> type) throws Exception {
        if (args.isEmpty() || args.get(0) == null || args.get(0).isNull()) {
            return null;
        }
        return client.server.mapper().treeToValue(args.get(0), type);
    }

    private void reply(String event, Ack ack, Object result) {
        if (result instanceof CompletionStage<?> stage) {
            stage.whenComplete((value, error) -> {
                if (error != null) {
                    reportError(event, error);
                } else if (ack != null) {
                    ack.send(value);
                }
            });
        } else if (ack != null) {
            ack.send(result);
        }
    }

    /** Removes every handler of {@code event}. */
    public Socket off(String event) {
        handlers.remove(event);
        return this;
    }

    /** Removes one handler (as given to {@code on}). */
    public Socket off(String event, Object handler) {
        CopyOnWriteArrayList<Registration> list = handlers.get(event);
        if (list != null) {
            for (Registration r : list) {
                if (r.original() == handler) {
                    list.remove(r);
                    break;
                }
            }
        }
        return this;
    }

    /** Adds a listener of every incoming event (after the packet middlewares). */
    public Socket onAny(AnyListener listener) {
        anyListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Adds a listener of every incoming event, called before the others. */
    public Socket prependAny(AnyListener listener) {
        anyListeners.add(0, Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Removes an incoming catch-all listener. */
    public Socket offAny(AnyListener listener) {
        anyListeners.remove(listener);
        return this;
    }

    /** Removes every incoming catch-all listener. */
    public Socket offAny() {
        anyListeners.clear();
        return this;
    }

    /** Adds a listener of every outgoing event (direct and broadcast), called on the emitting thread. */
    public Socket onAnyOutgoing(AnyOutgoingListener listener) {
        anyOutgoing.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Adds an outgoing catch-all listener, called before the others. */
    public Socket prependAnyOutgoing(AnyOutgoingListener listener) {
        anyOutgoing.add(0, Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Removes an outgoing catch-all listener. */
    public Socket offAnyOutgoing(AnyOutgoingListener listener) {
        anyOutgoing.remove(listener);
        return this;
    }

    /** Removes every outgoing catch-all listener. */
    public Socket offAnyOutgoing() {
        anyOutgoing.clear();
        return this;
    }

    /** Adds a per-packet middleware. */
    public Socket use(PacketMiddleware middleware) {
        middlewares.add(Objects.requireNonNull(middleware, "middleware"));
        return this;
    }

    /** Called with the reason once the socket is disconnected (rooms already left). */
    public Socket onDisconnect(Consumer<String> listener) {
        disconnectListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Called with the reason when the socket is about to disconnect ({@link #rooms()} still visible). */
    public Socket onDisconnecting(Consumer<String> listener) {
        disconnectingListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Called with errors from packet middlewares, handlers and protocol errors of the connection. */
    public Socket onError(Consumer<Throwable> listener) {
        errorListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    // ------------------------------------------------------------------ emitting

    /**
     * Sends an event to this client. {@code byte[]}/{@code ByteBuffer} anywhere in the arguments are sent as binary
     * attachments. Reserved names throw {@link IllegalArgumentException}.
     */
    public Socket emit(String event, Object... args) {
        return emit(true, event, args);
    }

    Socket emit(boolean compress, String event, Object... args) {
        Reserved.check(event);
        List<Object> list = eventList(event, args);
        notifyOutgoing(event, list.subList(1, list.size()));
        client.write(SocketPacket.event(nsp.name(), list, null), compress);
        return this;
    }

    /** socket.io's {@code socket.compress(false).emit(...)}: see {@link SocketEmitter#compress(boolean)}. */
    public SocketEmitter compress(boolean compress) {
        return new SocketEmitter(this, null, compress);
    }

    /** Sends an event and completes with the arguments of the client's ack (never times out). */
    public CompletableFuture<List<JsonNode>> emitWithAck(String event, Object... args) {
        return emitWithAck(null, event, args);
    }

    /** An emitter whose acks fail with {@link AckTimeoutException} after {@code timeout}. */
    public TimeoutEmitter timeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return new TimeoutEmitter(this, timeout);
    }

    CompletableFuture<List<JsonNode>> emitWithAck(Duration timeout, String event, Object... args) {
        return emitWithAck(timeout, true, event, args);
    }

    CompletableFuture<List<JsonNode>> emitWithAck(Duration timeout, boolean compress, String event, Object... args) {
        Reserved.check(event);
        if (closed) {
            // no ack can come any more: fail now rather than never (or only at the timeout)
            return CompletableFuture.failedFuture(disconnected());
        }
        List<Object> list = eventList(event, args);
        int ackId = nsp.nextAckId();
        CompletableFuture<List<JsonNode>> future = new CompletableFuture<>();
        pending.put(ackId, future);
        Instrumentation instr = client.server.options().instrumentation();
        long sent = instr != null ? System.nanoTime() : 0L;
        acks.put(ackId, response -> {
            pending.remove(ackId);
            if (instr != null) {
                instr.ackRoundTrip(System.nanoTime() - sent);
            }
            future.complete(response);
        });
        if (closed) {
            // raced with onClose, which may have failed the pending futures before this one was added
            acks.remove(ackId);
            pending.remove(ackId);
            future.completeExceptionally(disconnected());
            return future;
        }
        if (timeout != null) {
            // the timer thread only hands the timeout to the socket's lane: the future fails there (like an ack
            // completes it there), so a continuation that blocks delays this connection only, not other timeouts
            Runnable expire = () -> {
                if (acks.remove(ackId) != null) {
                    pending.remove(ackId);
                    future.completeExceptionally(new AckTimeoutException(List.of()));
                }
            };
            ScheduledFuture<?> timer = client.server.timer().schedule(() -> client.lane.execute(expire),
                    timeout.toNanos(), TimeUnit.NANOSECONDS);
            future.whenComplete((r, e) -> timer.cancel(false));
        }
        notifyOutgoing(event, list.subList(1, list.size()));
        client.write(SocketPacket.event(nsp.name(), list, ackId), compress);
        return future;
    }

    static List<Object> eventList(String event, Object[] args) {
        List<Object> list = new ArrayList<>(1 + (args == null ? 1 : args.length));
        list.add(event);
        if (args == null) {
            list.add(null);
        } else {
            list.addAll(Arrays.asList(args));
        }
        return list;
    }

    void notifyOutgoing(String event, List<?> args) {
        for (AnyOutgoingListener l : anyOutgoing) {
            try {
                l.onEvent(event, args);
            } catch (RuntimeException e) {
                LOG.warn("Outgoing listener of socket {} failed on event '{}'", id, event, e);
            }
        }
    }

    // ------------------------------------------------------------------ rooms and broadcast

    /** Joins a room (ignored once the socket is disconnected). */
    public Socket join(String room) {
        return join(Set.of(room));
    }

    /** Joins rooms (ignored once the socket is disconnected). */
    public Socket join(Collection<String> rooms) {
        if (closed) {
            return this;
        }
        nsp.adapter().addAll(id, Set.copyOf(rooms));
        if (closed) {
            // raced with the disconnect: leave no stale room behind
            nsp.adapter().delAll(id);
        }
        return this;
    }

    /** Leaves a room. */
    public Socket leave(String room) {
        nsp.adapter().del(id, room);
        return this;
    }

    /** Leaves rooms. */
    public Socket leave(Collection<String> rooms) {
        rooms.forEach(r -> nsp.adapter().del(id, r));
        return this;
    }

    private BroadcastOperator broadcastOperator() {
        return new BroadcastOperator(nsp, Set.of(), Set.of(id), new BroadcastFlags(false, true, false, true, null));
    }

    /** Broadcast to a room, excluding this socket. */
    public BroadcastOperator to(String room) {
        return broadcastOperator().to(room);
    }

    /** Broadcast to rooms, excluding this socket. */
    public BroadcastOperator to(Collection<String> rooms) {
        return broadcastOperator().to(rooms);
    }

    /** Same as {@link #to(String)}. */
    public BroadcastOperator in(String room) {
        return to(room);
    }

    /** Broadcast to every socket of the namespace except this one and those in {@code room}. */
    public BroadcastOperator except(String room) {
        return broadcastOperator().except(room);
    }

    /** Broadcast to every other socket of the namespace. */
    public BroadcastOperator broadcast() {
        return broadcastOperator();
    }

    // ------------------------------------------------------------------ disconnect

    /** Disconnects from the namespace (sends DISCONNECT). */
    public Socket disconnect() {
        return disconnect(false);
    }

    /**
     * Disconnects with reason "server namespace disconnect". With {@code close}, every namespace of the underlying
     * connection is disconnected and the connection closed; otherwise a DISCONNECT packet is sent.
     */
    public Socket disconnect(boolean close) {
        client.lane.runOrExecute(() -> {
            if (!connected) {
                return;
            }
            if (close) {
                client.disconnectAll();
            } else {
                disconnectFromServer();
            }
        });
        return this;
    }

    /** Writes DISCONNECT and closes with "server namespace disconnect"; on the lane. */
    void disconnectFromServer() {
        if (!connected) {
            return;
        }
        client.write(SocketPacket.disconnect(nsp.name()));
        onClose(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
    }

    // ------------------------------------------------------------------ internals (handler lane)

    Handle handle() {
        return handle;
    }

    Client client() {
        return client;
    }

    /** The CONNECT reply (after the missed packets of a recovered session); on the lane. */
    void onConnect() {
        connected = true;
        nsp.adapter().addAll(id, Set.of(id));
        if (recovery != null) {
            recovery.writeMissed();
        }
        Map<String, Object> reply = new LinkedHashMap<>(4);
        reply.put("sid", id);
        if (pid != null) {
            reply.put("pid", pid);
        }
        client.write(SocketPacket.connect(nsp.name(), reply));
        if (recovery != null) {
            recovery.connected();
        }
        Instrumentation instr = client.server.options().instrumentation();
        if (instr != null) {
            instr.socketConnected(nsp.name());
        }
    }

    /** The socket's recovery (restored sockets only), else null. */
    Recovery recovery() {
        return recovery;
    }

    void onPacket(SocketPacket packet) {
        switch (packet.type()) {
            case EVENT, BINARY_EVENT -> onEvent(packet);
            case ACK, BINARY_ACK -> onAck(packet);
            case DISCONNECT -> onClose(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT);
            default -> LOG.debug("Ignoring {} on socket {}", packet.type(), id);
        }
    }

    private void onEvent(SocketPacket packet) {
        JsonNode data = (JsonNode) packet.data();
        if (!(data instanceof ArrayNode array) || array.isEmpty()) {
            return;
        }
        String event = array.get(0).asText();
        List<JsonNode> args = new ArrayList<>(array.size() - 1);
        for (int i = 1; i < array.size(); i++) {
            args.add(array.get(i));
        }
        Ack ack = packet.id() == null ? null : new AckImpl(packet.id());
        EventPacket eventPacket = new EventPacket(event, args, ack);
        runMiddlewares(eventPacket, 0);
    }

    private void runMiddlewares(EventPacket packet, int index) {
        if (index >= middlewares.size()) {
            if (connected) {
                dispatch(packet);
            }
            return;
        }
        PacketMiddleware middleware = middlewares.get(index);
        AtomicBoolean called = new AtomicBoolean();
        Consumer<Exception> next = error -> {
            if (!called.compareAndSet(false, true)) {
                return;
            }
            client.lane.runOrExecute(() -> {
                if (error != null) {
                    reportError(packet.event(), error);
                } else {
                    runMiddlewares(packet, index + 1);
                }
            });
        };
        try {
            middleware.handle(packet, next);
        } catch (Exception e) {
            next.accept(e);
        }
    }

    private void dispatch(EventPacket packet) {
        String event = packet.event();
        for (AnyListener l : anyListeners) {
            try {
                l.onEvent(event, packet.args());
            } catch (Exception e) {
                reportError(event, e);
            }
        }
        CopyOnWriteArrayList<Registration> list = handlers.get(event);
        if (list == null) {
            return;
        }
        for (Registration r : list) {
            try {
                r.invoker().handle(packet.args(), packet.ack());
            } catch (Exception e) {
                reportError(event, e);
            }
        }
    }

    void reportError(String event, Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        LOG.warn("Error in handler of event '{}' on socket {} (namespace {})", event, id, nsp.name(), cause);
        emitError(cause);
    }

    void emitError(Throwable error) {
        for (Consumer<Throwable> l : errorListeners) {
            try {
                l.accept(error);
            } catch (RuntimeException e) {
                LOG.warn("Error listener of socket {} failed", id, e);
            }
        }
    }

    private void onAck(SocketPacket packet) {
        Integer ackId = packet.id();
        Consumer<List<JsonNode>> callback = ackId == null ? null : acks.remove(ackId);
        if (callback == null) {
            LOG.debug("Unknown ack {} on socket {}", ackId, id);
            return;
        }
        Instrumentation instr = client.server.options().instrumentation();
        if (instr != null) {
            instr.ackReceived();
        }
        List<JsonNode> args = new ArrayList<>();
        if (packet.data() instanceof ArrayNode array) {
            array.forEach(args::add);
        }
        try {
            callback.accept(args);
        } catch (RuntimeException e) {
            reportError("ack", e);
        }
    }

    /** Closes this namespace connection; on the lane. */
    void onClose(String reason) {
        if (!connected || closed) {
            return;
        }
        closed = true;
        for (Consumer<String> l : disconnectingListeners) {
            safe(() -> l.accept(reason), "disconnecting");
        }
        fireLifecycle("disconnecting", reason);
        Recovery.persist(this, pid, reason);
        nsp.adapter().delAll(id);
        nsp.remove(this);
        client.remove(this);
        connected = false;
        closeReason = reason;
        acks.clear();
        pending.values().forEach(f -> f.completeExceptionally(disconnected()));
        pending.clear();
        Instrumentation instr = client.server.options().instrumentation();
        if (instr != null) {
            instr.socketDisconnected(nsp.name(), reason);
        }
        for (Consumer<String> l : disconnectListeners) {
            safe(() -> l.accept(reason), "disconnect");
        }
        fireLifecycle("disconnect", reason);
    }

    private IllegalStateException disconnected() {
        String reason = closeReason;
        return new IllegalStateException("socket has been disconnected" + (reason == null ? "" : " (" + reason + ")"));
    }

    private void fireLifecycle(String event, String reason) {
        CopyOnWriteArrayList<Registration> list = handlers.get(event);
        if (list == null) {
            return;
        }
        List<JsonNode> args = List.of(TextNode.valueOf(reason));
        for (Registration r : list) {
            safe(() -> {
                try {
                    r.invoker().handle(args, null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, event);
        }
    }

    private void safe(Runnable r, String what) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("'{}' listener of socket {} failed", what, id, e);
        }
    }

    @Override
    public String toString() {
        return "Socket[" + id + ", nsp=" + nsp.name() + ", connected=" + connected + "]";
    }

    /** The acknowledgement of one incoming event. */
    private final class AckImpl implements Ack {
        private final int ackId;
        private final AtomicBoolean sent = new AtomicBoolean();

        AckImpl(int ackId) {
            this.ackId = ackId;
        }

        @Override
        public void send(Object... args) {
            if (!sent.compareAndSet(false, true)) {
                return;
            }
            List<Object> list = args == null ? java.util.Collections.singletonList(null) : Arrays.asList(args);
            client.write(SocketPacket.ack(nsp.name(), ackId, list));
            Instrumentation instr = client.server.options().instrumentation();
            if (instr != null) {
                instr.ackSent();
            }
        }
    }

    /** What the adapter sees of this socket. */
    final class Handle implements LocalSocket {
        Socket socket() {
            return Socket.this;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Set<String> rooms() {
            return Socket.this.rooms();
        }

        @Override
        public Map<String, Object> data() {
            return data;
        }

        @Override
        public Object handshake() {
            return handshake;
        }

        @Override
        public JsonNode handshakeJson() {
            return handshake.toJson();
        }

        @Override
        public void write(PreparedPacket packet, BroadcastFlags flags) {
            Recovery r = recovery;
            if (r != null && r.hold(packet, flags)) {
                return;
            }
            if (!anyOutgoing.isEmpty() && packet.packet().data() instanceof List<?> list && !list.isEmpty()) {
                notifyOutgoing(String.valueOf(list.get(0)), list.subList(1, list.size()));
            }
            Instrumentation instr = client.server.options().instrumentation();
            if (instr != null) {
                instr.broadcastRecipient();
            }
            client.writePrepared((Prepared) packet, flags);
        }

        @Override
        public void expectAck(int ackId, Consumer<List<JsonNode>> ack) {
            acks.put(ackId, ack);
        }

        @Override
        public void join(Set<String> rooms) {
            Socket.this.join(rooms);
        }

        @Override
        public void leave(String room) {
            Socket.this.leave(room);
        }

        @Override
        public void disconnect(boolean close) {
            Socket.this.disconnect(close);
        }
    }
}
