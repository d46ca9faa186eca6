package dev.duplex.bench.load;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One sender emits {@code bcast(room, payload)}; the server must deliver {@code bcast(payload)} to every other
 * member of the room. The payload carries the emit time (19 digits of {@link System#nanoTime()}) so that every
 * receiver measures emit-to-receipt latency. The sender keeps {@link #WINDOW} emits in flight, counted from the
 * deliveries seen; a delivery to the sender itself is an error.
 */
final class BroadcastLoad extends Load {
    static final int WINDOW = 4;
    static final String ROOM = "room-1";
    private static final byte[] EVENT_PREFIX = "[\"bcast\",\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FILLER = "-bcast-32-bt".getBytes(StandardCharsets.US_ASCII);

    private WsConnection sender;
    private int receivers;
    private long emitted;
    long selfDeliveries;
    long stalls;
    private long deliveriesAtLastCheck;
    /** Broadcasts per second once {@link #pace} switched from the closed loop to a fixed rate, else 0. */
    private double rate;
    private long paceStart;
    private long paced;

    BroadcastLoad(LoadGenerator gen) {
        super(gen);
    }

    /** Every connection joins the room; waits for all join acks. */
    void joinAll(long timeoutSeconds) {
        joinAll(ROOM, timeoutSeconds);
    }

    void start() {
        gen.onLoop(() -> {
            sender = conns.get(0);
            receivers = conns.size() - 1;
            for (int i = 0; i < WINDOW; i++) {
                emit();
            }
            watchdog();
            return null;
        });
    }

    /**
     * Leaves the closed loop for a fixed rate: {@code perSecond} broadcasts a second from the sender, whatever the
     * deliveries (the cost of a delivery well below saturation).
     */
    void pace(double perSecond) {
        gen.onLoop(() -> {
            rate = perSecond;
            paceStart = System.nanoTime();
            paced = 0;
            tick();
            return null;
        });
    }

    private void tick() {
        if (stopping) {
            return;
        }
        long due = (long) ((System.nanoTime() - paceStart) * rate / 1e9);
        while (paced < due) {
            paced++;
            emit();
        }
        long next = paceStart + (long) ((paced + 1) * 1e9 / rate) - System.nanoTime();
        gen.loop().schedule(this::tick, Math.max(1_000_000L, next), TimeUnit.NANOSECONDS);
    }

    private void watchdog() {
        if (stopping || rate > 0) {
            return;
        }
        if (completed == deliveriesAtLastCheck && emitted > 0) {
            // deliveries stalled (lost or slow): keep the load going
            stalls++;
            emit();
        }
        deliveriesAtLastCheck = completed;
        gen.loop().schedule(this::watchdog, 500, TimeUnit.MILLISECONDS);
    }

    private void emit() {
        if (stopping || emitted >= MAX_OPERATIONS / Math.max(1, receivers)) {
            return;
        }
        emitted++;
        String t = Long.toString(System.nanoTime());
        StringBuilder sb = new StringBuilder(64).append("42[\"bcast\",\"").append(ROOM).append("\",\"");
        for (int i = t.length(); i < 19; i++) {
            sb.append('0');
        }
        sb.append(t).append('-');
        sb.append(new String(FILLER, StandardCharsets.US_ASCII)).append("\"]");
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
        if (c == sender) {
            selfDeliveries++;
            return;
        }
        int base = frame.readerIndex() + argsStart;
        if (frame.writerIndex() - base != EVENT_PREFIX.length + 32 + 2) {
            errors++;
            lastError = "unexpected broadcast frame: " + frame.toString(StandardCharsets.UTF_8);
            return;
        }
        for (int i = 0; i < EVENT_PREFIX.length; i++) {
            if (frame.getByte(base + i) != EVENT_PREFIX[i]) {
                errors++;
                lastError = "unexpected broadcast frame: " + frame.toString(StandardCharsets.UTF_8);
                return;
            }
        }
        long sent = 0;
        for (int i = 0; i < 19; i++) {
            sent = sent * 10 + (frame.getByte(base + EVENT_PREFIX.length + i) - '0');
        }
        completed++;
        record(now - sent);
        if (rate == 0 && completed >= (emitted - WINDOW) * receivers) {
            emit();
        }
    }
}
