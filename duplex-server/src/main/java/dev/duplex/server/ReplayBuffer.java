package dev.duplex.server;

import dev.duplex.adapter.BroadcastFlags;
import dev.duplex.adapter.PreparedPacket;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The broadcasts that reach a recovering socket between its registration and its CONNECT reply: they are held so
 * that the missed packets go first, then the CONNECT reply, then these, in order. Bounded: past {@link #MAX} the
 * socket's connection is closed once it is connected, and the client recovers again from the adapter's store.
 */
final class ReplayBuffer {
    static final int MAX = 10_000;

    private record Held(PreparedPacket packet, BroadcastFlags flags) {
    }

    private final List<Held> held = new ArrayList<>();
    private boolean done;
    private boolean overflow;

    /** Holds the packet; false once {@link #finish} ran (the caller then writes it itself). */
    synchronized boolean offer(PreparedPacket packet, BroadcastFlags flags) {
        if (done) {
            return false;
        }
        if (flags != null && flags.volatileFlag()) {
            return true; // volatile: may be dropped for a socket that cannot take it now
        }
        if (held.size() >= MAX) {
            overflow = true;
        } else {
            held.add(new Held(packet, flags));
        }
        return true;
    }

    /** Writes what is held, in order, and lets later packets through; false when some were dropped. */
    synchronized boolean finish(BiConsumer<PreparedPacket, BroadcastFlags> writer) {
        done = true;
        for (Held h : held) {
            writer.accept(h.packet(), h.flags());
        }
        held.clear();
        return !overflow;
    }

    /** Drops what is held (the recovery was refused). */
    synchronized void discard() {
        done = true;
        held.clear();
    }
}
