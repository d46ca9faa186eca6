package dev.duplex.adapter;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The sessions and recent broadcast packets an {@link InMemoryAdapter} keeps for connection state recovery
 * (socket.io-adapter's {@code SessionAwareAdapter}), bounded by {@link RecoveryLimits} and by the window. An offset
 * is the base-36 sequence number of a packet in this namespace, so finding where a client stopped costs nothing.
 * Expired entries are dropped by a sweep every {@code min(window, 60 s)} while anything is kept, and a session
 * past the window is never restored. Thread-safe (one lock; every operation is short).
 */
final class SessionStore {
    /** The longest offset accepted: a long in base 36 has at most 13 digits. */
    private static final int MAX_OFFSET_LENGTH = 13;

    private record Kept(Session session, long disconnectedAt) {
    }

    /** The packets broadcast to a restored session between its snapshot and its socket joining its rooms. */
    private record CatchUp(Set<String> rooms, List<PreparedPacket> packets, long restoredAt) {
    }

    private record StoredPacket(long seq, Set<String> rooms, Set<String> except, PreparedPacket packet, long size,
                                long emittedAt) {
    }

    private final long windowNanos;
    private final long sweepMillis;
    private final RecoveryLimits limits;
    /** By pid, in disconnection order (a pid persisted again is moved to the end). */
    private final LinkedHashMap<String, Kept> sessions = new LinkedHashMap<>();
    private final ArrayDeque<StoredPacket> packets = new ArrayDeque<>();
    /** By sid: sessions restored whose socket has not joined its rooms yet. */
    private final java.util.concurrent.ConcurrentHashMap<String, CatchUp> restoring =
            new java.util.concurrent.ConcurrentHashMap<>();
    private long nextSeq = ThreadLocalRandom.current().nextLong(1L << 40);
    private long bytes;
    private boolean closed;
    private final AtomicBoolean sweepArmed = new AtomicBoolean();

    SessionStore(Duration window, RecoveryLimits limits) {
        this.windowNanos = window.toNanos();
        this.sweepMillis = Math.max(10, Math.min(window.toMillis(), 60_000));
        this.limits = limits;
    }

    /**
     * The offset the next packet will carry. The caller holds this store's lock from here to the delivery of the
     * packet, so that every socket receives the packets in the order of their offsets.
     */
    synchronized long nextSeq() {
        return nextSeq;
    }

    /** Keeps the packet numbered {@link #nextSeq()}. */
    synchronized void append(BroadcastOptions opts, PreparedPacket packet) {
        long seq = nextSeq++;
        long size = Math.max(0, packet.size());
        StoredPacket stored = new StoredPacket(seq, opts.rooms(), opts.except(), packet, size, System.nanoTime());
        packets.addLast(stored);
        if (!restoring.isEmpty()) {
            for (CatchUp c : restoring.values()) {
                if (matches(c.rooms(), stored) && c.packets().size() < limits.maxPackets()) {
                    c.packets().add(packet);
                }
            }
        }
        bytes += size;
        while (packets.size() > limits.maxPackets() || (bytes > limits.maxPacketBytes() && packets.size() > 1)) {
            bytes -= packets.removeFirst().size();
        }
        armSweep();
    }

    static String offset(long seq) {
        return Long.toString(seq, 36);
    }

    synchronized void persist(Session session) {
        if (closed) {
            return;
        }
        sessions.remove(session.pid());
        sessions.put(session.pid(), new Kept(session, System.nanoTime()));
        while (sessions.size() > limits.maxSessions()) {
            Iterator<Map.Entry<String, Kept>> it = sessions.entrySet().iterator();
            it.next();
            it.remove();
        }
        armSweep();
    }

    synchronized RestoredSession restore(String pid, String offset) {
        Kept kept = sessions.get(pid);
        if (kept == null) {
            return null;
        }
        long now = System.nanoTime();
        if (now - kept.disconnectedAt() > windowNanos) {
            sessions.remove(pid);
            return null;
        }
        long seq = parse(offset);
        long first = packets.isEmpty() ? nextSeq : packets.peekFirst().seq();
        // the packets after the offset must all still be here (an offset never issued is refused too)
        if (seq < first - 1 || seq >= nextSeq) {
            return null;
        }
        sessions.remove(pid);
        Set<String> rooms = kept.session().rooms();
        restoring.put(kept.session().sid(), new CatchUp(rooms, new ArrayList<>(), now));
        List<PreparedPacket> missed = new ArrayList<>();
        Iterator<StoredPacket> it = packets.descendingIterator();
        while (it.hasNext()) {
            StoredPacket p = it.next();
            if (p.seq() <= seq) {
                break;
            }
            if (matches(rooms, p)) {
                missed.add(p.packet());
            }
        }
        Collections.reverse(missed);
        return RestoredSession.of(kept.session(), missed);
    }

    boolean isRestoring(String sid) {
        return restoring.containsKey(sid);
    }

    /**
     * The packets a restored session got since its snapshot; the caller holds this store's lock while its socket
     * joins its rooms and receives them, so that none is lost or doubled. Null when {@code sid} is not restoring.
     */
    synchronized List<PreparedPacket> takeCatchUp(String sid) {
        CatchUp c = restoring.remove(sid);
        return c == null ? null : c.packets();
    }

    /** socket.io-adapter's shouldIncludePacket: in a target room (or no room given), in no excluded room. */
    private static boolean matches(Set<String> rooms, StoredPacket p) {
        boolean included = p.rooms().isEmpty();
        for (String room : rooms) {
            if (p.except().contains(room)) {
                return false;
            }
            if (!included && p.rooms().contains(room)) {
                included = true;
            }
        }
        return included;
    }

    private static long parse(String offset) {
        if (offset == null || offset.isEmpty() || offset.length() > MAX_OFFSET_LENGTH) {
            return -2;
        }
        try {
            long seq = Long.parseLong(offset, 36);
            return seq < 0 ? -2 : seq;
        } catch (NumberFormatException e) {
            return -2;
        }
    }

    /** Drops what is past the window. */
    synchronized void sweep() {
        long now = System.nanoTime();
        for (Iterator<Kept> it = sessions.values().iterator(); it.hasNext();) {
            if (now - it.next().disconnectedAt() > windowNanos) {
                it.remove();
            } else {
                break;
            }
        }
        while (!packets.isEmpty() && now - packets.peekFirst().emittedAt() > windowNanos) {
            bytes -= packets.removeFirst().size();
        }
        // a restored session whose socket never came (its connection closed meanwhile)
        restoring.values().removeIf(c -> now - c.restoredAt() > windowNanos);
    }

    synchronized int sessionCount() {
        return sessions.size();
    }

    synchronized int packetCount() {
        return packets.size();
    }

    synchronized void close() {
        closed = true;
        sessions.clear();
        packets.clear();
        restoring.clear();
        bytes = 0;
    }

    private void armSweep() {
        if (!closed && sweepArmed.compareAndSet(false, true)) {
            CompletableFuture.delayedExecutor(sweepMillis, TimeUnit.MILLISECONDS).execute(this::sweepTask);
        }
    }

    private void sweepTask() {
        sweepArmed.set(false);
        synchronized (this) {
            if (closed) {
                return;
            }
            sweep();
            if (!sessions.isEmpty() || !packets.isEmpty() || !restoring.isEmpty()) {
                armSweep();
            }
        }
    }
}
