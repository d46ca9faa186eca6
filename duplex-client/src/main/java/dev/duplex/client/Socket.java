package dev.duplex.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.duplex.protocol.socketio.EncodedPacket;
import dev.duplex.protocol.socketio.SocketIoParser;
import dev.duplex.protocol.socketio.SocketPacket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A connection to one namespace of a server, over its {@link Manager}'s Engine.IO connection
 * (socket.io-client's Socket). Thread-safe: every method may be called from any thread; listeners run on the
 * manager's event thread.
 *
 * <p>Reserved events: {@code connect}, {@code disconnect} (the reason, e.g. "io server disconnect",
 * "io client disconnect", "transport close", "ping timeout"), {@code connect_error} (a
 * {@link DuplexClientException}; for a refusal by the server its message and {@link DuplexClientException#data()}
 * come from the server). Other events carry {@code JsonNode} arguments and, when the server waits for an
 * answer, an {@link Ack} as the last argument.
 */
public final class Socket extends Emitter<Socket> {
    /** {@code "connect"}: connected to the namespace (also after a reconnection). */
    public static final String EVENT_CONNECT = "connect";
    /** {@code "disconnect"}, with the reason, e.g. "io server disconnect", "io client disconnect", "ping timeout". */
    public static final String EVENT_DISCONNECT = "disconnect";
    /** {@code "connect_error"}, with a {@link DuplexClientException} (message "timeout", the server's message...). */
    public static final String EVENT_CONNECT_ERROR = "connect_error";
    /** {@code "message"}, the event of {@link #send}. */
    public static final String EVENT_MESSAGE = "message";

    private static final String V2_MESSAGE = "It seems you are trying to reach a Socket.IO server in v2.x with a "
            + "v3.x client, but they are not compatible (more information here: "
            + "https://socket.io/docs/v3/migrating-from-2-x-to-3-0/)";

    private final Manager io;
    private final String nsp;
    private volatile String id;
    private volatile boolean connected;
    private volatile boolean active;
    private volatile boolean recovered;
    private final SocketAcks acks = new SocketAcks();
    private final CatchAllListeners anyListeners = new CatchAllListeners();
    private final CatchAllListeners anyOutgoingListeners = new CatchAllListeners();

    // confined to the manager's loop
    private final ArrayDeque<Buffered> sendBuffer = new ArrayDeque<>();
    private final List<Object[]> receiveBuffer = new ArrayList<>();
    private final RetryQueue queue;
    private String pid;
    private String lastOffset;

    Socket(Manager io, String nsp) {
        this.io = io;
        this.nsp = nsp;
        this.queue = new RetryQueue(io.opts.retries, () -> connected,
                (q, ack) -> send(new Flags(q.timeout, false, true), q.event, q.args, ack, false));
    }

    private record Buffered(EncodedPacket packet, Integer ackId, String event, List<Object> args) {
    }

    private record Flags(Duration timeout, boolean isVolatile, boolean fromQueue) {
        static final Flags NONE = new Flags(null, false, false);
    }

    // ---------------------------------------------------------------------------------------------------------
    // public API

    /** The session id of this namespace connection, {@code null} while disconnected. */
    public String id() {
        return id;
    }

    /** Whether the socket is connected to its namespace. */
    public boolean connected() {
        return connected;
    }

    /** Whether the socket is disconnected. */
    public boolean disconnected() {
        return !connected;
    }

    /** Whether the socket is subscribed to its manager, i.e. connected or trying to (re)connect. */
    public boolean active() {
        return active;
    }

    /** Same as {@link #active()} (socket.io-client-java's name). */
    public boolean isActive() {
        return active;
    }

    /** Whether the last connection restored the previous session (connection state recovery). */
    public boolean recovered() {
        return recovered;
    }

    /** The namespace, e.g. "/" or "/chat". */
    public String namespace() {
        return nsp;
    }

    /** The manager of the underlying connection. */
    public Manager io() {
        return io;
    }

    /** Connects (opening the manager's connection when needed). */
    public Socket connect() {
        io.exec(() -> {
            if (connected) {
                return;
            }
            active = true;
            if (!io.reconnectingNow()) {
                io.open(null);
            }
            if (io.readyState() == Manager.ReadyState.OPEN) {
                onopen();
            }
        });
        return this;
    }

    /** Same as {@link #connect()}. */
    public Socket open() {
        return connect();
    }

    /**
     * Disconnects from the namespace; the manager's connection is closed (and its threads stopped) when no other
     * socket uses it. {@code disconnect} is emitted with "io client disconnect".
     */
    public Socket disconnect() {
        io.exec(() -> {
            if (connected) {
                io.packet(SocketPacket.disconnect(nsp));
            }
            destroy();
            if (connected) {
                onclose("io client disconnect");
            }
        });
        return this;
    }

    /** Same as {@link #disconnect()}. */
    public Socket close() {
        return disconnect();
    }

    /**
     * Listens to an event whose first argument is converted by Jackson to {@code type}
     * (e.g. {@code socket.on("form", Form.class, form -> ...)}).
     */
    public <T> Socket on(String event, Class<T> type, Consumer<? super T> handler) {
        return on(event, args -> handler.accept(convert(args.length == 0 ? null : args[0], type)));
    }

    /** Listens to {@code connect_error}. */
    public Socket onConnectError(Consumer<? super DuplexClientException> handler) {
        return on("connect_error", args -> handler.accept((DuplexClientException) args[0]));
    }

    /** Converts an argument received from the server with the manager's Jackson mapper. */
    public <T> T convert(Object arg, Class<T> type) {
        if (arg == null) {
            return null;
        }
        if (type.isInstance(arg) && !(arg instanceof JsonNode && type == Object.class)) {
            return type.cast(arg);
        }
        try {
            if (arg instanceof JsonNode) {
                return io.opts.mapper.treeToValue((JsonNode) arg, type);
            }
            return io.opts.mapper.convertValue(arg, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot convert " + arg + " to " + type.getName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /** Adds a listener of every incoming event (called before the event's own listeners). */
    public Socket onAny(AnyListener listener) {
        anyListeners.add(listener);
        return this;
    }

    /** Removes a catch-all listener; {@code null} removes all. */
    public Socket offAny(AnyListener listener) {
        anyListeners.remove(listener);
        return this;
    }

    /**
     * socket.io-client-java's catch-all listener: {@code args[0]} is the event name, then its arguments. Removed
     * with {@link #offAnyIncoming(dev.duplex.client.Listener)}.
     */
    public Socket onAnyIncoming(dev.duplex.client.Listener listener) {
        anyListeners.add(listener);
        return this;
    }

    /** Removes a listener added with {@link #onAnyIncoming}. */
    public Socket offAnyIncoming(dev.duplex.client.Listener listener) {
        anyListeners.remove(listener);
        return this;
    }

    /** Removes every catch-all listener of incoming events. */
    public Socket offAnyIncoming() {
        anyListeners.clear();
        return this;
    }

    /** socket.io-client-java's outgoing catch-all listener: {@code args[0]} is the event name. */
    public Socket onAnyOutgoing(dev.duplex.client.Listener listener) {
        anyOutgoingListeners.add(listener);
        return this;
    }

    /** Removes a listener added with {@link #onAnyOutgoing(dev.duplex.client.Listener)}. */
    public Socket offAnyOutgoing(dev.duplex.client.Listener listener) {
        anyOutgoingListeners.remove(listener);
        return this;
    }

    /** Removes every outgoing catch-all listener. */
    public Socket offAnyOutgoing() {
        anyOutgoingListeners.clear();
        return this;
    }

    /** Adds a listener of every outgoing event, called when it is sent. */
    public Socket onAnyOutgoing(AnyListener listener) {
        anyOutgoingListeners.add(listener);
        return this;
    }

    /** Removes an outgoing catch-all listener; {@code null} removes all. */
    public Socket offAnyOutgoing(AnyListener listener) {
        anyOutgoingListeners.remove(listener);
        return this;
    }

    /**
     * Emits an event. Arguments are anything Jackson serializes; {@code byte[]} and {@code ByteBuffer} anywhere
     * become binary attachments. When the last argument is an {@link Ack}, the server's answer is passed to it.
     * While disconnected, the event is buffered and sent once connected.
     *
     * @throws IllegalArgumentException for a reserved event name or arguments Jackson cannot write
     */
    public Socket emit(String event, Object... args) {
        emit(Flags.NONE, event, args);
        return this;
    }

    /**
     * Emits an event with these arguments and an acknowledgement (socket.io-client-java's overload): the array is
     * the list of arguments, not one argument. {@code ack} may be an {@link AckWithTimeout}.
     */
    public Socket emit(String event, Object[] args, Ack ack) {
        Object[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = Objects.requireNonNull(ack, "ack");
        return emit(event, all);
    }

    /** Emits the "message" event. */
    public Socket send(Object... args) {
        return emit("message", args);
    }

    /**
     * Emits an event and returns the server's answer. The future fails with a {@link DuplexClientException}
     * of kind {@link DuplexClientException.Kind#TIMEOUT} when a timeout is set and expires, or
     * {@link DuplexClientException.Kind#DISCONNECTED} when the socket is disconnected after the event was sent
     * (unlike socket.io-client, whose promise then never settles). The future completes on the manager's I/O
     * thread: a listener may wait for it, and heavy work should go to {@code thenApplyAsync}.
     */
    public CompletableFuture<List<JsonNode>> emitWithAck(String event, Object... args) {
        return emitWithAck(Flags.NONE, event, args);
    }

    /** Emits with an acknowledgement timeout: {@code socket.timeout(Duration.ofSeconds(5)).emitWithAck(...)}. */
    public Flagged timeout(Duration timeout) {
        return new Flagged(this, new Flags(Objects.requireNonNull(timeout, "timeout"), false, false));
    }

    /** Emits that are dropped, instead of buffered, when the transport is not ready to send them. */
    public Flagged asVolatile() {
        return new Flagged(this, new Flags(null, true, false));
    }

    /** Emit modifiers made by {@link Socket#timeout(Duration)} and {@link Socket#asVolatile()}. */
    public static final class Flagged {
        private final Socket socket;
        private final Flags flags;

        private Flagged(Socket socket, Flags flags) {
            this.socket = socket;
            this.flags = flags;
        }

        public Flagged timeout(Duration timeout) {
            return new Flagged(socket, new Flags(Objects.requireNonNull(timeout, "timeout"), flags.isVolatile,
                    false));
        }

        public Flagged asVolatile() {
            return new Flagged(socket, new Flags(flags.timeout, true, false));
        }

        /** As {@link Socket#emit}; an {@link Ack} gets a single {@link DuplexClientException} on timeout. */
        public Socket emit(String event, Object... args) {
            socket.emit(flags, event, args);
            return socket;
        }

        /** As {@link Socket#emitWithAck}. */
        public CompletableFuture<List<JsonNode>> emitWithAck(String event, Object... args) {
            return socket.emitWithAck(flags, event, args);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // emitting

    private void emit(Flags flags, String event, Object[] args) {
        SocketAcks.Handler ack = null;
        Object[] a = args;
        if (a.length > 0 && a[a.length - 1] instanceof Ack) {
            Ack user = (Ack) a[a.length - 1];
            if (user instanceof AckWithTimeout && flags.timeout == null) {
                flags = new Flags(((AckWithTimeout) user).timeout(), flags.isVolatile, flags.fromQueue);
            }
            a = Arrays.copyOf(a, a.length - 1);
            ack = (err, res) -> io.dispatch(() -> {
                if (err != null) {
                    user.call(err);
                } else {
                    user.call(res.toArray());
                }
            });
        }
        send(flags, event, Arrays.asList(a), ack, false);
    }

    private CompletableFuture<List<JsonNode>> emitWithAck(Flags flags, String event, Object[] args) {
        CompletableFuture<List<JsonNode>> f = new CompletableFuture<>();
        // completed on the I/O thread, not the event thread, so that a listener may block on the future
        SocketAcks.Handler ack = (err, res) -> {
            if (err != null) {
                f.completeExceptionally(err);
            } else {
                f.complete(res);
            }
        };
        send(flags, event, Arrays.asList(args), ack, true);
        return f;
    }

    private void send(Flags flags, String event, List<Object> args, SocketAcks.Handler ack, boolean alwaysWithError) {
        Objects.requireNonNull(event, "event");
        if (SocketIoParser.isReservedEventName(event)) {
            throw new IllegalArgumentException("\"" + event + "\" is a reserved event name");
        }
        for (Object o : args) {
            if (o instanceof Ack) {
                throw new IllegalArgumentException("an Ack may only be the last argument");
            }
        }
        if (io.opts.retries > 0 && !flags.fromQueue && !flags.isVolatile) {
            List<Object> copy = new ArrayList<>(args);
            encode(event, copy, null); // fails now, on the caller's thread, when Jackson cannot write it
            io.exec(() -> queue.add(new RetryQueue.Queued(event, copy, ack, flags.timeout)));
            return;
        }
        Integer ackId = ack == null ? null : acks.nextId();
        EncodedPacket packet = encode(event, args, ackId);
        Duration timeout = flags.timeout != null ? flags.timeout : io.opts.ackTimeout;
        io.exec(() -> {
            if (ack != null) {
                acks.register(ackId, ack, timeout, alwaysWithError, io.loop(),
                        () -> sendBuffer.removeIf(b -> b.ackId != null && b.ackId == ackId));
            }
            EngineSocket engine = io.engine();
            boolean writable = engine != null && engine.transportWritable();
            boolean isConnected = connected && engine != null && !engine.hasPingExpired();
            if (flags.isVolatile && !writable) {
                return;
            }
            if (isConnected) {
                notifyOutgoing(event, args);
                io.packet(packet);
            } else {
                sendBuffer.add(new Buffered(packet, ackId, event, args));
            }
        });
    }

    private EncodedPacket encode(String event, List<Object> args, Integer ackId) {
        List<Object> data = new ArrayList<>(args.size() + 1);
        data.add(event);
        data.addAll(args);
        return io.encoder.encode(SocketPacket.event(nsp, data, ackId));
    }

    private void notifyOutgoing(String event, List<Object> args) {
        if (!anyOutgoingListeners.isEmpty()) {
            io.dispatch(anyOutgoingListeners.snapshot(event, args.toArray(), e -> {
                throw e;
            }));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // manager and packet events, on the loop

    private void onopen() {
        Object auth = io.opts.auth == null ? null : io.opts.auth.get();
        try {
            if (pid != null) {
                // socket.io-client: Object.assign({pid, offset}, auth), the offset left out until one was received
                ObjectNode data = io.opts.mapper.createObjectNode();
                data.put("pid", pid);
                if (lastOffset != null) {
                    data.put("offset", lastOffset);
                }
                if (auth != null && io.opts.mapper.valueToTree(auth) instanceof ObjectNode user) {
                    data.setAll(user);
                }
                auth = data;
            }
            io.packet(SocketPacket.connect(nsp, auth));
        } catch (IllegalArgumentException e) {
            emitReserved("connect_error", new DuplexClientException(DuplexClientException.Kind.PROTOCOL,
                    "cannot write the auth payload: " + e.getMessage(), e));
        }
    }

    void onManagerOpen() {
        if (active) {
            onopen();
        }
    }

    void onManagerError(DuplexClientException err) {
        if (active && !connected) {
            emitReserved("connect_error", err);
        }
    }

    void onManagerClose(String reason) {
        if (active) {
            onclose(reason);
        }
    }

    private void onclose(String reason) {
        connected = false;
        id = null;
        emitReserved("disconnect", reason);
        acks.clear(ackId -> sendBuffer.stream().anyMatch(b -> b.ackId != null && b.ackId == ackId));
    }

    /** Fails the acknowledgements whose timers die with the manager's threads. */
    void failTimedAcks() {
        acks.failTimed();
    }

    private void destroy() {
        active = false;
        io.destroy(this);
    }

    void onPacket(SocketPacket p) {
        JsonNode data = p.data() instanceof JsonNode ? (JsonNode) p.data() : null;
        switch (p.type()) {
            case CONNECT:
                if (data != null && data.path("sid").isTextual()) {
                    JsonNode pidNode = data.get("pid");
                    onconnect(data.get("sid").asText(), pidNode != null && pidNode.isTextual() ? pidNode.asText()
                            : null);
                } else {
                    emitReserved("connect_error", new DuplexClientException(DuplexClientException.Kind.PROTOCOL,
                            V2_MESSAGE, null));
                }
                break;
            case EVENT:
            case BINARY_EVENT:
                onevent(data, p.id());
                break;
            case ACK:
            case BINARY_ACK:
                acks.onAck(data, p.id());
                break;
            case DISCONNECT:
                destroy();
                onclose("io server disconnect");
                break;
            case CONNECT_ERROR:
                destroy();
                String message = data == null ? "connect error"
                        : data.isTextual() ? data.asText() : data.path("message").asText("connect error");
                JsonNode errData = data != null && data.isObject() ? data.get("data") : null;
                emitReserved("connect_error", new DuplexClientException(DuplexClientException.Kind.SERVER, message,
                        null, errData, 0));
                break;
            default:
                break;
        }
    }

    private void onconnect(String sid, String newPid) {
        id = sid;
        recovered = newPid != null && newPid.equals(pid);
        pid = newPid;
        connected = true;
        for (Object[] args : receiveBuffer) {
            emitEvent(args);
        }
        receiveBuffer.clear();
        Buffered b;
        while ((b = sendBuffer.poll()) != null) {
            notifyOutgoing(b.event, b.args);
            io.packet(b.packet);
        }
        emitReserved("connect");
        queue.drain(true);
    }

    private void onevent(JsonNode data, Integer ackId) {
        if (data == null || !data.isArray() || data.isEmpty()) {
            return;
        }
        List<Object> args = new ArrayList<>(data.size() + 1);
        data.forEach(args::add);
        if (ackId != null) {
            args.add(ackFor(ackId));
        }
        if (connected) {
            emitEvent(args.toArray());
        } else {
            receiveBuffer.add(args.toArray());
        }
    }

    private void emitEvent(Object[] all) {
        String event = ((JsonNode) all[0]).asText();
        Object[] args = Arrays.copyOfRange(all, 1, all.length);
        if (pid != null && args.length > 0 && args[args.length - 1] instanceof JsonNode
                && ((JsonNode) args[args.length - 1]).isTextual()) {
            lastOffset = ((JsonNode) args[args.length - 1]).asText();
        }
        Runnable any = anyListeners.snapshot(event, args,
                e -> org.slf4j.LoggerFactory.getLogger(Socket.class).warn("onAny listener failed", e));
        io.dispatch(() -> {
            any.run();
            callListeners(event, args);
        });
    }

    private Ack ackFor(int ackId) {
        AtomicBoolean sent = new AtomicBoolean();
        return answer -> {
            if (!sent.compareAndSet(false, true)) {
                return;
            }
            EncodedPacket packet = io.encoder.encode(SocketPacket.ack(nsp, ackId, Arrays.asList(answer)));
            io.exec(() -> io.packet(packet));
        };
    }

    @Override
    void dispatch(Runnable task) {
        io.dispatch(task);
    }
}
