package dev.duplex.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.duplex.protocol.socketio.SocketPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The base of cluster adapters, in the image of socket.io-adapter's {@code ClusterAdapter}: every operation of the
 * server API is applied locally and, unless {@link BroadcastFlags#local() local}, sent to the other servers as a
 * {@link ClusterMessage}; requests carry a {@code requestId}, their responses are counted against
 * {@link #serverCount()} and the request fails with a {@link ClusterTimeoutException} when they do not all arrive
 * within the timeout. A subclass is a transport: it publishes messages ({@link #publish},
 * {@link #publishResponse}), counts servers, and hands what it receives to {@link #onMessage}.
 *
 * <p>Thread-safe. Nothing here blocks: timeouts run on the given scheduler, and {@link #onMessage} may be called on
 * the transport's I/O thread.
 */
public abstract class ClusterAdapter extends InMemoryAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterAdapter.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** This adapter's uid, put in every message it sends. */
    protected final String uid;
    private final ScheduledExecutorService scheduler;
    private final Duration requestsTimeout;
    private final ConcurrentHashMap<String, Pending> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AckRequest> ackRequests = new ConcurrentHashMap<>();

    /**
     * @param host            the namespace
     * @param uid             this adapter's uid (unique in the cluster, never {@code "emitter"})
     * @param scheduler       runs the request timeouts
     * @param requestsTimeout how long a request waits for the responses of the other servers
     */
    protected ClusterAdapter(AdapterHost host, String uid, ScheduledExecutorService scheduler,
                             Duration requestsTimeout) {
        super(host);
        this.uid = Objects.requireNonNull(uid, "uid");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.requestsTimeout = Objects.requireNonNull(requestsTimeout, "requestsTimeout");
    }

    // ------------------------------------------------------------------ transport

    /** Sends a message to every other server of the namespace. Must not block. */
    protected abstract void publish(ClusterMessage message);

    /** Sends a response to the server whose uid is {@code requesterUid} (may be null). Must not block. */
    protected abstract void publishResponse(String requesterUid, ClusterMessage response);

    /** A fresh request id; 16 hex characters by default. */
    protected String newRequestId() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        StringBuilder sb = new StringBuilder(16);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString();
    }

    /** The uid of this adapter. */
    public String uid() {
        return uid;
    }

    /** The requests waiting for responses (for tests and monitoring). */
    public int pendingRequests() {
        return requests.size() + ackRequests.size();
    }

    private void publishQuietly(ClusterMessage message) {
        try {
            publish(message);
        } catch (RuntimeException e) {
            LOG.warn("Could not publish {} of namespace {}", message.type(), host.namespace(), e);
        }
    }

    private void respondQuietly(String requesterUid, ClusterMessage response) {
        try {
            publishResponse(requesterUid, response);
        } catch (RuntimeException e) {
            LOG.warn("Could not publish {} of namespace {}", response.type(), host.namespace(), e);
        }
    }

    // ------------------------------------------------------------------ server API

    @Override
    public void broadcast(SocketPacket packet, BroadcastOptions opts) {
        if (!opts.flags().local()) {
            publishQuietly(ClusterMessage.broadcast(uid, (List<?>) packet.data(), opts, null));
        }
        super.broadcast(packet, opts);
    }

    @Override
    public void broadcastWithAck(SocketPacket packet, BroadcastOptions opts, IntConsumer clientCountCallback,
                                 Consumer<JsonNode> ackCallback) {
        if (!opts.flags().local()) {
            String requestId = newRequestId();
            AckRequest request = new AckRequest(clientCountCallback, ackCallback);
            ackRequests.put(requestId, request);
            Duration timeout = opts.flags().timeout() != null ? opts.flags().timeout() : requestsTimeout;
            request.timer = scheduler.schedule(() -> ackRequests.remove(requestId), timeout.toNanos(),
                    TimeUnit.NANOSECONDS);
            publishQuietly(ClusterMessage.broadcast(uid, (List<?>) packet.data(), opts, requestId));
        }
        super.broadcastWithAck(packet, opts, clientCountCallback, ackCallback);
    }

    @Override
    public CompletableFuture<List<SocketDetails>> fetchSockets(BroadcastOptions opts) {
        List<SocketDetails> local = super.fetchSockets(opts).join();
        if (opts.flags().local()) {
            return CompletableFuture.completedFuture(local);
        }
        Duration timeout = opts.flags().timeout() != null ? opts.flags().timeout() : requestsTimeout;
        return this.<SocketDetails>request("fetchSockets", timeout,
                        id -> ClusterMessage.fetchSockets(uid, id, opts), m -> m.sockets())
                .thenApply(remote -> {
                    List<SocketDetails> all = new ArrayList<>(local);
                    all.addAll(remote);
                    return all;
                });
    }

    @Override
    public CompletableFuture<Set<String>> allRooms() {
        Set<String> local = rooms().keySet();
        return this.<String>request("allRooms", requestsTimeout, id -> ClusterMessage.allRooms(uid, id),
                        m -> m.rooms() == null ? List.<String>of() : new ArrayList<>(m.rooms()))
                .thenApply(remote -> {
                    Set<String> all = new LinkedHashSet<>(local);
                    all.addAll(remote);
                    return all;
                });
    }

    @Override
    public void addSockets(BroadcastOptions opts, Set<String> roomsToJoin) {
        if (!opts.flags().local()) {
            publishQuietly(ClusterMessage.socketsJoinLeave(uid, true, opts, roomsToJoin));
        }
        super.addSockets(opts, roomsToJoin);
    }

    @Override
    public void delSockets(BroadcastOptions opts, Set<String> roomsToLeave) {
        if (!opts.flags().local()) {
            publishQuietly(ClusterMessage.socketsJoinLeave(uid, false, opts, roomsToLeave));
        }
        super.delSockets(opts, roomsToLeave);
    }

    @Override
    public void disconnectSockets(BroadcastOptions opts, boolean close) {
        if (!opts.flags().local()) {
            publishQuietly(ClusterMessage.disconnectSockets(uid, opts, close));
        }
        super.disconnectSockets(opts, close);
    }

    @Override
    public void serverSideEmit(List<Object> args) {
        publishQuietly(ClusterMessage.serverSideEmit(uid, null, args));
    }

    @Override
    public CompletableFuture<List<JsonNode>> serverSideEmitWithAck(List<Object> args) {
        return request("serverSideEmitWithAck", requestsTimeout, id -> ClusterMessage.serverSideEmit(uid, id, args),
                m -> List.of(m.reply() == null ? NullNode.instance : m.reply()));
    }

    /**
     * Sends a request to the other servers and completes with the concatenated results of their responses, once
     * {@code serverCount() - 1} responses arrived; fails with a {@link ClusterTimeoutException} after
     * {@code timeout} (counted from this call, so a broker outage cannot make it hang) or when the servers cannot
     * be counted.
     */
    private <T> CompletableFuture<List<T>> request(String what, Duration timeout,
                                                   java.util.function.Function<String, ClusterMessage> message,
                                                   java.util.function.Function<ClusterMessage, List<? extends T>> extract) {
        String requestId = newRequestId();
        Pending pending = new Pending(what, extract);
        requests.put(requestId, pending);
        pending.timer = scheduler.schedule(() -> {
            if (requests.remove(requestId) != null) {
                pending.fail(new ClusterTimeoutException("timeout reached while waiting for " + what + " response"
                        + " (namespace " + host.namespace() + ", " + pending.received() + " of "
                        + pending.expectedText() + " responses)", pending.results()));
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        CompletableFuture<Integer> count;
        try {
            count = serverCount();
        } catch (RuntimeException e) {
            count = CompletableFuture.failedFuture(e);
        }
        count.whenComplete((n, error) -> {
            if (error != null) {
                if (requests.remove(requestId) != null) {
                    ClusterTimeoutException e = new ClusterTimeoutException(what + " failed: the servers of the "
                            + "cluster could not be counted (" + error + ")", List.of());
                    e.initCause(error);
                    pending.fail(e);
                }
                return;
            }
            if (n <= 1) {
                if (requests.remove(requestId) != null) {
                    pending.complete();
                }
                return;
            }
            pending.expect(n - 1);
            publishQuietly(message.apply(requestId));
        });
        @SuppressWarnings("unchecked")
        CompletableFuture<List<T>> future = (CompletableFuture<List<T>>) (CompletableFuture<?>) pending.future;
        return future;
    }

    // ------------------------------------------------------------------ receiving

    /**
     * Handles a message received from the transport. Messages from this adapter itself (same uid) are ignored,
     * except responses, which are matched by request id.
     */
    protected void onMessage(ClusterMessage m) {
        if (m.type().isResponse()) {
            onResponse(m);
            return;
        }
        if (uid.equals(m.uid())) {
            return;
        }
        switch (m.type()) {
            case BROADCAST -> onBroadcast(m);
            case SOCKETS_JOIN -> super.addSockets(m.opts(), m.rooms());
            case SOCKETS_LEAVE -> super.delSockets(m.opts(), m.rooms());
            case DISCONNECT_SOCKETS -> super.disconnectSockets(m.opts(), m.close());
            case FETCH_SOCKETS -> {
                if (m.requestId() != null && !requests.containsKey(m.requestId())) {
                    super.fetchSockets(m.opts()).thenAccept(list ->
                            respondQuietly(m.uid(), ClusterMessage.fetchSocketsResponse(uid, m.requestId(), list)));
                }
            }
            case ALL_ROOMS -> {
                if (m.requestId() != null && !requests.containsKey(m.requestId())) {
                    respondQuietly(m.uid(), ClusterMessage.allRoomsResponse(uid, m.requestId(),
                            new LinkedHashSet<>(rooms().keySet())));
                }
            }
            case SERVER_SIDE_EMIT -> onServerSideEmit(m);
            default -> LOG.debug("Ignored cluster message {}", m.type());
        }
    }

    private void onBroadcast(ClusterMessage m) {
        if (m.args() == null || m.args().isEmpty() || m.opts() == null) {
            return;
        }
        SocketPacket packet = SocketPacket.event(host.namespace(), m.args(), null);
        String requestId = m.requestId();
        if (requestId == null) {
            super.broadcast(packet, m.opts());
            return;
        }
        if (ackRequests.containsKey(requestId)) {
            return; // our own
        }
        String requester = m.uid();
        super.broadcastWithAck(packet, m.opts(),
                count -> respondQuietly(requester, ClusterMessage.clientCount(uid, requestId, count)),
                ack -> respondQuietly(requester, ClusterMessage.broadcastAck(uid, requestId, ack)));
    }

    private void onServerSideEmit(ClusterMessage m) {
        if (m.args() == null || m.args().isEmpty()) {
            return;
        }
        List<JsonNode> args = new ArrayList<>(m.args().size());
        for (Object o : m.args()) {
            args.add(o instanceof JsonNode n ? n : NullNode.instance);
        }
        String requestId = m.requestId();
        if (requestId == null) {
            host.onServerSideEmit(args);
            return;
        }
        if (requests.containsKey(requestId)) {
            return; // our own
        }
        String requester = m.uid();
        java.util.concurrent.atomic.AtomicBoolean sent = new java.util.concurrent.atomic.AtomicBoolean();
        host.onServerSideEmit(args, reply -> {
            if (sent.compareAndSet(false, true)) {
                respondQuietly(requester, ClusterMessage.serverSideEmitResponse(uid, requestId, reply));
            }
        });
    }

    private void onResponse(ClusterMessage m) {
        String requestId = m.requestId();
        if (requestId == null) {
            return;
        }
        if (m.type() == ClusterMessage.Type.BROADCAST_CLIENT_COUNT || m.type() == ClusterMessage.Type.BROADCAST_ACK) {
            AckRequest ack = ackRequests.get(requestId);
            if (ack == null) {
                return;
            }
            if (m.type() == ClusterMessage.Type.BROADCAST_CLIENT_COUNT) {
                ack.clientCount.accept(m.clientCount());
            } else {
                ack.ack.accept(m.reply() == null ? NullNode.instance : m.reply());
            }
            return;
        }
        Pending pending = requests.get(requestId);
        if (pending != null && pending.add(m)) {
            // forgotten before the future completes: whoever waits on it sees no pending request left
            requests.remove(requestId);
            pending.complete();
        }
    }

    @Override
    public void close() {
        requests.forEach((id, p) -> p.fail(new ClusterTimeoutException("adapter of namespace " + host.namespace()
                + " closed before every " + p.what + " response arrived", p.results())));
        requests.clear();
        ackRequests.values().forEach(a -> {
            if (a.timer != null) {
                a.timer.cancel(false);
            }
        });
        ackRequests.clear();
        super.close();
    }

    // ------------------------------------------------------------------ bookkeeping

    /** A request waiting for the responses of the other servers. */
    private static final class Pending {
        final String what;
        final java.util.function.Function<ClusterMessage, ? extends List<?>> extract;
        final CompletableFuture<List<Object>> future = new CompletableFuture<>();
        private final List<Object> results = new ArrayList<>();
        private int received;
        private int expected = -1;
        volatile ScheduledFuture<?> timer;

        Pending(String what, java.util.function.Function<ClusterMessage, ? extends List<?>> extract) {
            this.what = what;
            this.extract = extract;
        }

        /** Sets the number of responses expected (before the request is published, so none arrived yet). */
        synchronized void expect(int n) {
            expected = n;
        }

        /** Adds a response; true when it was the last one expected (then the caller completes the request). */
        synchronized boolean add(ClusterMessage m) {
            if (future.isDone() || (expected >= 0 && received >= expected)) {
                return false;
            }
            List<?> r = extract.apply(m);
            if (r != null) {
                results.addAll(r);
            }
            received++;
            return expected >= 0 && received >= expected;
        }

        synchronized int received() {
            return received;
        }

        synchronized String expectedText() {
            return expected < 0 ? "?" : Integer.toString(expected);
        }

        synchronized List<Object> results() {
            return new ArrayList<>(results);
        }

        synchronized void complete() {
            cancelTimer();
            future.complete(List.copyOf(results));
        }

        void fail(Throwable e) {
            cancelTimer();
            future.completeExceptionally(e);
        }

        private void cancelTimer() {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
        }
    }

    /** A broadcast with acks waiting for the counts and acks of the other servers. */
    private static final class AckRequest {
        final IntConsumer clientCount;
        final Consumer<JsonNode> ack;
        volatile ScheduledFuture<?> timer;

        AckRequest(IntConsumer clientCount, Consumer<JsonNode> ack) {
            this.clientCount = clientCount;
            this.ack = ack;
        }
    }
}
