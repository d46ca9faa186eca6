package dev.duplex.bench.load;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * {@code echo} with an ack: either closed loop (each connection sends its next message when the previous ack
 * arrives) or open loop at a fixed rate spread round-robin over the connections. Every ack is checked to carry the
 * 32-byte payload back.
 */
final class EchoLoad extends Load {
    static final byte[] PAYLOAD = "duplex-bench-0123456789abcdefghi".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEAD = "42".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TAIL = ("[\"echo\",\"" + new String(PAYLOAD, StandardCharsets.US_ASCII) + "\"]")
            .getBytes(StandardCharsets.US_ASCII);
    private static final int RING = 1024;

    private final boolean closedLoop;
    private long ratePerSecond;
    /** Whether a {@link #pace} is scheduled (it stops rescheduling itself at rate 0). */
    private boolean pacing;
    private boolean started;
    private long paceStart;
    private long paced;
    long dropped;
    private long sent;
    long maxLagNanos;

    EchoLoad(LoadGenerator gen, boolean closedLoop, long ratePerSecond) {
        super(gen);
        this.closedLoop = closedLoop;
        this.ratePerSecond = ratePerSecond;
        if (PAYLOAD.length != 32) {
            throw new AssertionError("payload must be 32 bytes");
        }
    }

    /** Sessions opened over polling for the connections to upgrade ({@link PollingHandshake}), or null. */
    java.util.ArrayDeque<String> upgradeSids;

    @Override
    WsConnection open() {
        return upgradeSids == null ? super.open() : gen.connect(this, upgradeSids.poll());
    }

    /** Starts the load (closed loop: one message per connection; open loop: the pacer). */
    void start() {
        gen.onLoop(() -> {
            started = true;
            for (WsConnection c : conns) {
                c.sentAt = new long[RING];
            }
            if (closedLoop) {
                for (WsConnection c : conns) {
                    send(c, System.nanoTime());
                }
            } else {
                paceStart = System.nanoTime();
                pacing = true;
                pace();
            }
            return null;
        });
    }

    /**
     * Open loop only: sends at {@code perSecond} from now on (0: stops sending; the acks of messages already sent
     * still arrive). The pacer restarts from now, so no backlog is sent at once.
     */
    void rate(long perSecond) {
        if (closedLoop || perSecond < 0) {
            throw new IllegalArgumentException("an open-loop rate of 0 or more: " + perSecond);
        }
        gen.onLoop(() -> {
            ratePerSecond = perSecond;
            paceStart = System.nanoTime();
            paced = 0;
            if (perSecond > 0 && !pacing && !stopping && started) {
                pacing = true;
                pace();
            }
            return null;
        });
    }

    private void pace() {
        if (stopping || ratePerSecond == 0) {
            pacing = false;
            return;
        }
        long now = System.nanoTime();
        long due = (now - paceStart) * ratePerSecond / 1_000_000_000L;
        while (paced < due) {
            long intended = paceStart + paced * 1_000_000_000L / ratePerSecond;
            maxLagNanos = Math.max(maxLagNanos, now - intended);
            WsConnection c = conns.get((int) (paced % conns.size()));
            paced++;
            if (c.isConnected() && c.nextAckId - c.tag < RING) {
                send(c, now);
            } else {
                dropped++;
            }
        }
        // ticks of at least 1 ms: shorter timer delays make the event loop spin (a whole core at 5,000/s); the
        // messages due within a tick go out together, and each one's latency is timed from its actual send
        long next = paceStart + paced * 1_000_000_000L / ratePerSecond - System.nanoTime();
        gen.loop().schedule(this::pace, Math.max(1_000_000L, next), TimeUnit.NANOSECONDS);
    }

    private void send(WsConnection c, long now) {
        if (++sent > MAX_OPERATIONS) {
            stopping = true;
            return;
        }
        long id = c.nextAckId++;
        c.sentAt[(int) (id % RING)] = now;
        c.sendText(HEAD, id, TAIL);
    }

    @Override
    public void onAck(WsConnection c, long id, ByteBuf frame, int argsStart) {
        long now = System.nanoTime();
        // c.tag counts acks received; acks come back in order on one connection
        if (c.sentAt == null || id != c.tag || id >= c.nextAckId) {
            errors++;
            lastError = "unexpected ack id " + id + " (expected " + c.tag + ")";
            return;
        }
        c.tag++;
        int base = frame.readerIndex() + argsStart;
        if (frame.writerIndex() - base != PAYLOAD.length + 4 || !payloadMatches(frame, base + 2)) {
            errors++;
            lastError = "ack does not carry the payload: " + frame.toString(StandardCharsets.UTF_8);
        } else {
            completed++;
            record(now - c.sentAt[(int) (id % RING)]);
        }
        if (closedLoop && !stopping) {
            send(c, now);
        }
    }

    private static boolean payloadMatches(ByteBuf frame, int at) {
        for (int i = 0; i < PAYLOAD.length; i++) {
            if (frame.getByte(at + i) != PAYLOAD[i]) {
                return false;
            }
        }
        return true;
    }
}
