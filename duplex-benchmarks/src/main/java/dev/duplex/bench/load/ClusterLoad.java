package dev.duplex.bench.load;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The load of the cluster scenario: connections spread over the nodes of a cluster (connection {@code i} on node
 * {@code i % nodes}), all in one room; a few senders on every node emit {@code bcast(room, payload)} at a fixed
 * total rate (open loop, 5 ms ticks), each of which the cluster must deliver to every other member of the room, on
 * every node. The payload carries the emit time (19 digits of {@link System#nanoTime()}) and the sender's index, so
 * every receiver measures emit-to-receipt latency, split into same-node and cross-node deliveries, and a delivery
 * to the sender itself is counted as an error. At most {@link #MAX_BEHIND} emits' worth of deliveries may be
 * outstanding: past that, emits are skipped and counted, so a saturated cluster cannot grow the queues without
 * bound.
 */
final class ClusterLoad extends Load {
    static final String ROOM = "cluster-room";
    static final int MAX_BEHIND = 100;
    private static final byte[] EVENT_PREFIX = "[\"bcast\",\"".getBytes(StandardCharsets.US_ASCII);
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final int nodes;
    private final int sendersPerNode;
    private final double ratePerSecond;
    private final Map<WsConnection, Integer> index = new IdentityHashMap<>();
    private final List<WsConnection> senders = new ArrayList<>();
    final Histogram local = new Histogram(60_000_000_000L, 3);
    final Histogram remote = new Histogram(60_000_000_000L, 3);
    private long startedAt;
    private int nextSender;
    private int receivers;
    long emitted;
    long skipped;
    long selfDeliveries;
    /** The window ({@link #openWindow}, {@link #closeWindow}): emits made in it and their deliveries so far. */
    private long windowFrom = Long.MAX_VALUE;
    private long windowTo = Long.MAX_VALUE;
    long windowEmits;
    long windowDelivered;

    ClusterLoad(LoadGenerator gen, int nodes, int sendersPerNode, double ratePerSecond) {
        super(gen);
        this.nodes = nodes;
        this.sendersPerNode = sendersPerNode;
        this.ratePerSecond = ratePerSecond;
    }

    /** Every connection joins the room; waits for all join acks. */
    void joinAll(long timeoutSeconds) {
        joinAll(ROOM, timeoutSeconds);
    }

    /** Starts emitting (call after {@link #joinAll}). */
    void start() {
        gen.onLoop(() -> {
            for (int i = 0; i < conns.size(); i++) {
                index.put(conns.get(i), i);
            }
            // connections alternate between the nodes: the first nodes * sendersPerNode are sendersPerNode per node
            senders.addAll(conns.subList(0, Math.min(conns.size(), nodes * sendersPerNode)));
            receivers = conns.size() - 1;
            startedAt = System.nanoTime();
            tick();
            return null;
        });
    }

    private void tick() {
        if (stopping) {
            return;
        }
        long now = System.nanoTime();
        long due = (long) ((now - startedAt) / 1e9 * ratePerSecond);
        long limit = Load.MAX_OPERATIONS / Math.max(1, receivers);
        while (emitted + skipped < due && emitted < limit) {
            if ((emitted - MAX_BEHIND) * receivers > completed) {
                skipped++;
            } else {
                emit(senders.get(nextSender));
                nextSender = (nextSender + 1) % senders.size();
            }
        }
        gen.loop().schedule(this::tick, TICK_NANOS, TimeUnit.NANOSECONDS);
    }

    private void emit(WsConnection sender) {
        emitted++;
        long nanos = System.nanoTime();
        if (nanos >= windowFrom && nanos < windowTo) {
            windowEmits++;
        }
        String t = Long.toString(nanos);
        StringBuilder sb = new StringBuilder(64).append("42[\"bcast\",\"").append(ROOM).append("\",\"");
        for (int i = t.length(); i < 19; i++) {
            sb.append('0');
        }
        sb.append(t).append("-c");
        String idx = Integer.toString(index.get(sender));
        for (int i = idx.length(); i < 5; i++) {
            sb.append('0');
        }
        sb.append(idx).append("-clust\"]");
        sender.sendText(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void onAck(WsConnection c, long id, ByteBuf frame, int argsStart) {
        if (!joinAcked(c, id)) {
            errors++;
            lastError = "unexpected ack " + id;
        }
    }

    @Override
    public void onEvent(WsConnection c, ByteBuf frame, int argsStart) {
        long now = System.nanoTime();
        int base = frame.readerIndex() + argsStart;
        if (frame.writerIndex() - base != EVENT_PREFIX.length + 32 + 2) {
            unexpected(frame);
            return;
        }
        for (int i = 0; i < EVENT_PREFIX.length; i++) {
            if (frame.getByte(base + i) != EVENT_PREFIX[i]) {
                unexpected(frame);
                return;
            }
        }
        int p = base + EVENT_PREFIX.length;
        long sent = 0;
        for (int i = 0; i < 19; i++) {
            sent = sent * 10 + (frame.getByte(p + i) - '0');
        }
        int from = 0;
        for (int i = 0; i < 5; i++) {
            from = from * 10 + (frame.getByte(p + 21 + i) - '0');
        }
        Integer me = index.get(c);
        if (me != null && me == from) {
            selfDeliveries++;
            return;
        }
        completed++;
        if (sent >= windowFrom && sent < windowTo) {
            windowDelivered++;
        }
        long nanos = Math.max(1, now - sent);
        record(nanos);
        if (recording) {
            (from % nodes == c.target ? local : remote).recordValue(nanos);
        }
    }

    private void unexpected(ByteBuf frame) {
        errors++;
        lastError = "unexpected broadcast frame: " + frame.toString(StandardCharsets.UTF_8);
    }

    @Override
    Snapshot startRecording() {
        gen.onLoop(() -> {
            local.reset();
            remote.reset();
            return null;
        });
        return super.startRecording();
    }

    /** Starts counting the emits made from now on and their deliveries. */
    void openWindow() {
        gen.onLoop(() -> {
            windowFrom = System.nanoTime();
            return null;
        });
    }

    /** Stops counting emits (their deliveries are still counted as they arrive). */
    void closeWindow() {
        gen.onLoop(() -> {
            windowTo = System.nanoTime();
            return null;
        });
    }

    /** The emits made in the window and how many of their deliveries arrived so far. */
    long[] window() {
        return gen.onLoop(() -> new long[] {windowEmits, windowDelivered});
    }

    /** Emits and skipped emits so far, read on the generator thread. */
    long[] emits() {
        return gen.onLoop(() -> new long[] {emitted, skipped, selfDeliveries});
    }
}
