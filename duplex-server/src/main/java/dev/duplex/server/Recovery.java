package dev.duplex.server;

import dev.duplex.adapter.BroadcastFlags;
import dev.duplex.adapter.PreparedPacket;
import dev.duplex.adapter.RestoredSession;
import dev.duplex.adapter.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Connection state recovery on the socket side (socket.io's {@code Socket} constructor with a previous session,
 * and {@code _onclose}'s persistSession). A recovered socket is registered with its namespace and joins its rooms
 * before its CONNECT reply; the broadcasts that reach it meanwhile are held here, so that the client gets the
 * missed packets, then the CONNECT reply, then these, in order. Held packets are bounded: past {@link #MAX} the
 * connection is closed once connected, and the client recovers again from the adapter's store.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
    static final int MAX = 10_000;

    /** The disconnect reasons after which socket.io keeps the session. */
    private static final Set<String> RECOVERABLE_REASONS = Set.of(DisconnectReason.TRANSPORT_ERROR,
            DisconnectReason.TRANSPORT_CLOSE, DisconnectReason.FORCED_CLOSE, DisconnectReason.PING_TIMEOUT,
            DisconnectReason.SERVER_SHUTTING_DOWN, "forced server close");

    private record Held(PreparedPacket packet, BroadcastFlags flags) {
    }

    private final Socket socket;
    private final RestoredSession session;
    private final List<Held> held = new ArrayList<>();
    private boolean done;
    private boolean overflow;

    Recovery(Socket socket, RestoredSession session) {
        this.socket = socket;
        this.session = session;
    }

    /** After {@code socket} disconnected for {@code reason}: keeps its session when socket.io would. */
    static void persist(Socket socket, String pid, String reason) {
        if (pid == null || !RECOVERABLE_REASONS.contains(reason)) {
            return;
        }
        try {
            socket.nsp().adapter().persistSession(new Session(socket.id(), pid, socket.rooms(), socket.dataOrEmpty()));
        } catch (RuntimeException e) {
            LOG.warn("Adapter of namespace {} failed to keep the session of socket {}", socket.nsp().name(),
                    socket.id(), e);
        }
    }

    /** Registers the socket and joins its rooms: broadcasts reach it (held) from now on. False if its id is taken. */
    boolean start() {
        if (!socket.nsp().startRecovery(socket)) {
            discard();
            return false;
        }
        socket.nsp().adapter().addAll(socket.id(), session.rooms());
        return true;
    }

    /** Before the CONNECT reply: the missed packets. */
    void writeMissed() {
        session.missedPackets().forEach(p -> write(p, BroadcastFlags.DEFAULT));
    }

    /** After the CONNECT reply: what was held, then live. */
    void connected() {
        boolean complete;
        synchronized (this) {
            done = true;
            for (Held h : held) {
                write(h.packet(), h.flags());
            }
            held.clear();
            complete = !overflow;
        }
        socket.nsp().endRecovery(socket);
        if (!complete) {
            LOG.warn("Socket {} got more than {} broadcasts while being recovered; closing its connection so that it "
                    + "recovers again", socket.id(), MAX);
            socket.client().closeConn();
        }
    }

    /** The recovery was refused (middleware, closed connection): nothing held is sent. */
    void abort() {
        discard();
        socket.nsp().endRecovery(socket);
    }

    private synchronized void discard() {
        done = true;
        held.clear();
    }

    /** Holds a broadcast until the CONNECT reply; false once connected (the caller writes it). */
    synchronized boolean hold(PreparedPacket packet, BroadcastFlags flags) {
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

    private void write(PreparedPacket packet, BroadcastFlags flags) {
        if (packet instanceof Prepared prepared) {
            socket.client().writePrepared(prepared, flags);
        } else {
            socket.client().write(packet.packet());
        }
    }
}
