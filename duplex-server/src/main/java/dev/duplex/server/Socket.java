package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.duplex.adapter.BroadcastFlags;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
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
    /** Created on first use (most sockets never have data). */
    private volatile ConcurrentMap<String, Object> data;
    /** The private session id (connection state recovery), or null when recovery is off. */
    private final String pid;
    /** Set when this socket is a recovered session. */
    private final Recovery recovery;
    private volatile boolean connected;
    private volatile boolean closed;
    private volatile String closeReason;
    private final SocketHandle handle = new SocketHandle(this);

    private final SocketListeners listeners = new SocketListeners(this);
    /** Created by the first emit with an ack (or broadcast with an ack) that reaches this socket. */
    private volatile SocketAcks acks;

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
            if (!restored.data().isEmpty()) {
                data = new ConcurrentHashMap<>(restored.data());
            }
            this.recovery = new Recovery(this, restored);
        } else {
            // a Socket.IO v2 client's socket is known by its Engine.IO id (no connection state recovery for it)
            this.id = client.v3 ? ClientV3.socketId(nsp.name(), client.conn) : Ids.next();
            this.pid = client.server.options().connectionStateRecovery() != null && !client.v3 ? Ids.next() : null;
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
        ConcurrentMap<String, Object> map = data;
        if (map == null) {
            synchronized (this) {
                map = data;
                if (map == null) {
                    map = new ConcurrentHashMap<>();
                    data = map;
                }
            }
        }
        return map;
    }

    /** The data without creating the map: empty when none was ever set. */
    Map<String, Object> dataOrEmpty() {
        ConcurrentMap<String, Object> map = data;
        return map == null ? Map.of() : map;
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

    /** The underlying Engine.IO connection, socket.io's {@code socket.conn} (shared by the client's namespaces). */
    public Connection conn() {
        return client.connection();
    }

    // ------------------------------------------------------------------ listeners

    /** Adds a handler for {@code event}; it gets the raw JSON arguments and the ack (or null). */
    public Socket on(String event, EventHandler handler) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(event, "event");
        listeners.on(event, handler);
        return this;
    }

    /** Adds a handler whose return value (or completion stage) is sent as the ack. */
    public Socket on(String event, RequestHandler handler) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(event, "event");
        listeners.on(event, handler);
        return this;
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
        Objects.requireNonNull(event, "event");
        listeners.on(event, executor, handler);
        return this;
    }

    /** As {@link #on(String, Executor, EventHandler)}, the return value (or completion stage) sent as the ack. */
    public Socket on(String event, Executor executor, RequestHandler handler) {
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(event, "event");
        listeners.on(event, executor, handler);
        return this;
    }

    /** Adds a handler of the first argument mapped by Jackson to {@code type}. */
    public <T> Socket on(String event, Class<T> type, TypedHandler<T> handler) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(event, "event");
        listeners.on(event, type, handler);
        return this;
    }

    /** Adds a handler of the first argument mapped to {@code type}, whose return value is sent as the ack. */
    public <T> Socket on(String event, Class<T> type, TypedRequestHandler<T> handler) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(event, "event");
        listeners.on(event, type, handler);
        return this;
    }

    /** Removes every handler of {@code event}. */
    public Socket off(String event) {
        listeners.off(event);
        return this;
    }

    /** Removes one handler (as given to {@code on}). */
    public Socket off(String event, Object handler) {
        listeners.off(event, handler);
        return this;
    }

    /** Adds a listener of every incoming event (after the packet middlewares). */
    public Socket onAny(AnyListener listener) {
        listeners.onAny(Objects.requireNonNull(listener, "listener"), false);
        return this;
    }

    /** Adds a listener of every incoming event, called before the others. */
    public Socket prependAny(AnyListener listener) {
        listeners.onAny(Objects.requireNonNull(listener, "listener"), true);
        return this;
    }

    /** Removes an incoming catch-all listener. */
    public Socket offAny(AnyListener listener) {
        if (listener != null) {
            listeners.offAny(listener);
        }
        return this;
    }

    /** Removes every incoming catch-all listener. */
    public Socket offAny() {
        listeners.offAny(null);
        return this;
    }

    /** Adds a listener of every outgoing event (direct and broadcast), called on the emitting thread. */
    public Socket onAnyOutgoing(AnyOutgoingListener listener) {
        listeners.onAnyOutgoing(Objects.requireNonNull(listener, "listener"), false);
        return this;
    }

    /** Adds an outgoing catch-all listener, called before the others. */
    public Socket prependAnyOutgoing(AnyOutgoingListener listener) {
        listeners.onAnyOutgoing(Objects.requireNonNull(listener, "listener"), true);
        return this;
    }

    /** Removes an outgoing catch-all listener. */
    public Socket offAnyOutgoing(AnyOutgoingListener listener) {
        if (listener != null) {
            listeners.offAnyOutgoing(listener);
        }
        return this;
    }

    /** Removes every outgoing catch-all listener. */
    public Socket offAnyOutgoing() {
        listeners.offAnyOutgoing(null);
        return this;
    }

    /** Adds a per-packet middleware. */
    public Socket use(PacketMiddleware middleware) {
        listeners.use(Objects.requireNonNull(middleware, "middleware"));
        return this;
    }

    /** Called with the reason once the socket is disconnected (rooms already left). */
    public Socket onDisconnect(Consumer<String> listener) {
        listeners.onDisconnect(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Called with the reason when the socket is about to disconnect ({@link #rooms()} still visible). */
    public Socket onDisconnecting(Consumer<String> listener) {
        listeners.onDisconnecting(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Called with errors from packet middlewares, handlers and protocol errors of the connection. */
    public Socket onError(Consumer<Throwable> listener) {
        listeners.onError(Objects.requireNonNull(listener, "listener"));
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
        return acks().emit(timeout, compress, eventList(event, args));
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
        listeners.notifyOutgoing(event, args);
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

    SocketHandle handle() {
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
        Map<String, Object> reply;
        if (pid == null) {
            reply = Map.of("sid", id); // the usual reply: no hash map per connect
        } else {
            reply = new LinkedHashMap<>(4);
            reply.put("sid", id);
            reply.put("pid", pid);
        }
        client.write(client.v3 ? ClientV3.connectReply(nsp.name()) : SocketPacket.connect(nsp.name(), reply));
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
            case ACK, BINARY_ACK -> SocketAcks.onAck(this, acks, packet);
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
        Ack ack = SocketAcks.incoming(this, packet.id());
        listeners.dispatch(new EventPacket(event, args, ack));
    }

    void reportError(String event, Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        LOG.warn("Error in handler of event '{}' on socket {} (namespace {})", event, id, nsp.name(), cause);
        emitError(cause);
    }

    void emitError(Throwable error) {
        listeners.emitError(error);
    }

    /** Closes this namespace connection; on the lane. */
    void onClose(String reason) {
        if (!connected || closed) {
            return;
        }
        closed = true;
        listeners.fireDisconnecting(reason);
        Recovery.persist(this, pid, reason);
        nsp.adapter().delAll(id);
        nsp.remove(this);
        client.remove(this);
        connected = false;
        closeReason = reason;
        SocketAcks a = acks;
        if (a != null) {
            a.close(this::disconnected);
        }
        Instrumentation instr = client.server.options().instrumentation();
        if (instr != null) {
            instr.socketDisconnected(nsp.name(), reason);
        }
        listeners.fireDisconnect(reason);
    }

    /** True once {@link #onClose} started. */
    boolean closed() {
        return closed;
    }

    SocketListeners listeners() {
        return listeners;
    }

    /** The acks of this socket, created on first use. */
    SocketAcks acks() {
        SocketAcks a = acks;
        if (a == null) {
            synchronized (this) {
                a = acks;
                if (a == null) {
                    a = new SocketAcks(this);
                    acks = a;
                }
            }
        }
        return a;
    }

    IllegalStateException disconnected() {
        String reason = closeReason;
        return new IllegalStateException("socket has been disconnected" + (reason == null ? "" : " (" + reason + ")"));
    }

    @Override
    public String toString() {
        return "Socket[" + id + ", nsp=" + nsp.name() + ", connected=" + connected + "]";
    }
}
