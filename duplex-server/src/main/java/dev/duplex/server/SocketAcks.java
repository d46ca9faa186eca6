package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.duplex.protocol.socketio.SocketPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The acknowledgements of one {@link Socket} (socket.io's {@code acks} map, {@code emitWithAck} and
 * {@code onack}): the callbacks waiting for the client's acks of this socket's emits and of broadcasts with an ack,
 * their timeouts, and the replies to the client's own acks ({@link #incoming}). A socket creates it on its first
 * emit with an ack (most idle sockets never do), see {@link Socket#acks()}.
 */
final class SocketAcks {
    private static final Logger LOG = LoggerFactory.getLogger(Socket.class);

    private final Socket socket;
    private final ConcurrentHashMap<Integer, Consumer<List<JsonNode>>> acks = new ConcurrentHashMap<>(2);
    private final ConcurrentHashMap<Integer, CompletableFuture<List<JsonNode>>> pending = new ConcurrentHashMap<>(2);

    SocketAcks(Socket socket) {
        this.socket = socket;
    }

    /**
     * Sends {@code list} (event name first) with a new ack id; the future completes with the client's ack, fails
     * with {@link AckTimeoutException} after {@code timeout} (null: never) or when the socket disconnects.
     */
    CompletableFuture<List<JsonNode>> emit(Duration timeout, boolean compress, List<Object> list) {
        Client client = socket.client();
        int ackId = socket.nsp().nextAckId();
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
        if (socket.closed()) {
            // raced with onClose, which may have failed the pending futures before this one was added
            acks.remove(ackId);
            pending.remove(ackId);
            future.completeExceptionally(socket.disconnected());
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
        socket.listeners().notifyOutgoing((String) list.get(0), list.subList(1, list.size()));
        client.write(SocketPacket.event(socket.nsp().name(), list, ackId), compress);
        return future;
    }

    /** A broadcast with an ack reached this socket: {@code ack} gets the client's answer to {@code ackId}. */
    void expect(int ackId, Consumer<List<JsonNode>> ack) {
        acks.put(ackId, ack);
    }

    /** An ACK packet from the client to {@code socket}, whose acks are {@code acks} (null: none yet); on the lane. */
    static void onAck(Socket socket, SocketAcks acks, SocketPacket packet) {
        Integer ackId = packet.id();
        Consumer<List<JsonNode>> callback = ackId == null || acks == null ? null : acks.acks.remove(ackId);
        if (callback == null) {
            LOG.debug("Unknown ack {} on socket {}", ackId, socket.id());
            return;
        }
        Instrumentation instr = socket.client().server.options().instrumentation();
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
            socket.reportError("ack", e);
        }
    }

    /** The socket disconnected: no ack will come; pending futures fail with an error of {@code error}. */
    void close(Supplier<? extends Throwable> error) {
        acks.clear();
        pending.values().forEach(f -> f.completeExceptionally(error.get()));
        pending.clear();
    }

    /** The ack of an incoming event of {@code socket} with id {@code ackId} (null without one). */
    static Ack incoming(Socket socket, Integer ackId) {
        return ackId == null ? null : new Incoming(socket, ackId);
    }

    /** The acknowledgement of one incoming event. */
    private static final class Incoming implements Ack {
        private final Socket socket;
        private final int ackId;
        /** 1 once sent (a field through SENT: no AtomicBoolean per acknowledged event). */
        private volatile int sent;
        private static final java.lang.invoke.VarHandle SENT;

        static {
            try {
                SENT = java.lang.invoke.MethodHandles.lookup().findVarHandle(Incoming.class, "sent", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        Incoming(Socket socket, int ackId) {
            this.socket = socket;
            this.ackId = ackId;
        }

        @Override
        public void send(Object... args) {
            if (!SENT.compareAndSet(this, 0, 1)) {
                return;
            }
            List<Object> list = args == null ? Collections.singletonList(null) : Arrays.asList(args);
            Client client = socket.client();
            client.write(SocketPacket.ack(socket.nsp().name(), ackId, list));
            Instrumentation instr = client.server.options().instrumentation();
            if (instr != null) {
                instr.ackSent();
            }
        }
    }
}
