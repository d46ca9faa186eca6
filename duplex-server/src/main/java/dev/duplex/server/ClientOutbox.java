package dev.duplex.server;

import dev.duplex.adapter.BroadcastFlags;
import dev.duplex.engine.EngineMessage;
import dev.duplex.engine.EngineSocket;
import dev.duplex.protocol.socketio.EncodedPacket;
import dev.duplex.protocol.socketio.SocketPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;

/**
 * The writing half of a {@link Client} (socket.io's {@code Client._packet} and {@code writeToEngine}): packets of
 * the connection's sockets, and broadcasts' prepared packets, written to its Engine.IO connection on its event loop,
 * from any thread. A superclass rather than an object of its own, so that a connection costs no extra object.
 */
abstract sealed class ClientOutbox permits Client {
    private static final Logger LOG = LoggerFactory.getLogger(ClientOutbox.class);
    private static final VarHandle OUTBOX_SCHEDULED;

    static {
        try {
            OUTBOX_SCHEDULED = MethodHandles.lookup().findVarHandle(ClientOutbox.class, "outboxScheduled", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final SocketIoServer server;
    final EngineSocket conn;
    final Lane lane;
    /** The metrics hooks, or null. */
    final Instrumentation instr;
    /** True when the engine has flushed everything written so far; read and written on the event loop. */
    private boolean drained = true;

    ClientOutbox(SocketIoServer server, EngineSocket conn, Lane lane) {
        this.server = server;
        this.conn = conn;
        this.lane = lane;
        this.instr = server.options().instrumentation();
    }

    /** A volatile or uncompressed broadcast write waiting in the outbox. */
    private record FlaggedWrite(Prepared prepared, boolean volatileFlag, boolean compress) {
    }

    /**
     * Engine.IO writes of this connection happen on its event loop, so that the messages of one packet stay
     * together, the order of each thread's writes is kept and {@link #drained} is exact when a volatile packet is
     * considered. Writes from other threads (the handler lanes, timers, user threads) wait in this queue, which one
     * event-loop task empties per batch: a lane that writes n packets costs one hand-off, not n.
     */
    private final ConcurrentLinkedQueue<Object> outbox = new ConcurrentLinkedQueue<>();
    /** 1 while a drain of the outbox is scheduled (through OUTBOX_SCHEDULED). */
    @SuppressWarnings("unused")
    private volatile int outboxScheduled;

    private void enqueue(Object write) {
        outbox.add(write);
        if (OUTBOX_SCHEDULED.compareAndSet(this, 0, 1)) {
            try {
                lane.toLoop(conn.eventLoop(), this::drainOutbox);
            } catch (RejectedExecutionException e) {
                outbox.clear();
                // not scheduled after all: a later write must be able to schedule the drain again
                OUTBOX_SCHEDULED.setVolatile(this, 0);
                LOG.debug("Event loop of {} is shut down; dropping writes", conn.id());
            }
        }
    }

    /** On the event loop: sends every queued write, in order. */
    private void drainOutbox() {
        if (!conn.eventLoop().inEventLoop()) {
            // queued before an upgrade moved the connection to the WebSocket's loop: follow it
            try {
                conn.eventLoop().execute(this::drainOutbox);
            } catch (RejectedExecutionException e) {
                outbox.clear();
                OUTBOX_SCHEDULED.setVolatile(this, 0);
            }
            return;
        }
        OUTBOX_SCHEDULED.setVolatile(this, 0);
        Object write;
        while ((write = outbox.poll()) != null) {
            if (write instanceof EncodedPacket encoded) {
                send(encoded);
            } else if (write instanceof Prepared prepared) {
                send(prepared, false, true);
            } else {
                FlaggedWrite w = (FlaggedWrite) write;
                send(w.prepared(), w.volatileFlag(), w.compress());
            }
        }
    }

    /** The engine has flushed everything written so far (EngineSocket.Listener's onDrain, on the event loop). */
    public void onDrain() {
        drained = true;
    }

    void write(SocketPacket packet) {
        EncodedPacket encoded = server.encoder().encode(packet);
        if (conn.eventLoop().inEventLoop()) {
            send(encoded);
        } else {
            enqueue(encoded);
        }
    }

    /** Writes with socket.io's {@code compress} flag (false: no per-message deflate, see BroadcastFlags). */
    void write(SocketPacket packet, boolean compress) {
        if (compress) {
            write(packet);
        } else {
            writePrepared(server.prepare(packet), UNCOMPRESSED);
        }
    }

    private static final BroadcastFlags UNCOMPRESSED = new BroadcastFlags(false, false, false, false, null);

    void writePrepared(Prepared prepared, BroadcastFlags flags) {
        boolean volatileFlag = flags.volatileFlag();
        boolean compress = flags.compress();
        if (conn.eventLoop().inEventLoop()) {
            send(prepared, volatileFlag, compress);
        } else {
            enqueue(volatileFlag || !compress ? new FlaggedWrite(prepared, volatileFlag, compress) : prepared);
        }
    }

    /** On the event loop. */
    private void send(EncodedPacket encoded) {
        if (!conn.isOpen()) {
            return;
        }
        drained = false;
        int bytes = 0;
        if (encoded.text() != null) {
            conn.send(encoded.text());
            bytes += 1 + Utf8.length(encoded.text());
        }
        List<byte[]> attachments = encoded.attachments();
        for (int i = 0, n = attachments.size(); i < n; i++) {
            byte[] attachment = attachments.get(i);
            conn.send(attachment);
            bytes += attachment.length;
        }
        if (instr != null) {
            instr.packetOut(conn.transport(), bytes);
        }
        if (server.hasConnectionListeners()) {
            int out = bytes;
            server.connectionEvent(l -> l.onPacketOut(conn.id(), out));
        }
    }

    /** On the event loop. */
    private void send(Prepared prepared, boolean volatileFlag, boolean compress) {
        if (!conn.isOpen()) {
            return;
        }
        if (volatileFlag && !drained) {
            // socket.io's volatile: the transport cannot take it now (e.g. polling without a pending GET)
            return;
        }
        drained = false;
        int bytes = prepared.text.frameLength();
        // indexed: no iterator per recipient of a broadcast (most packets have no attachment)
        java.util.List<EngineMessage> attachments = prepared.attachments;
        int n = attachments.size();
        if (compress) {
            conn.send(prepared.text);
            for (int i = 0; i < n; i++) {
                EngineMessage attachment = attachments.get(i);
                conn.send(attachment);
                bytes += attachment.frameLength();
            }
        } else {
            conn.send(prepared.text, false);
            for (int i = 0; i < n; i++) {
                EngineMessage attachment = attachments.get(i);
                conn.send(attachment, false);
                bytes += attachment.frameLength();
            }
        }
        if (instr != null) {
            instr.packetOut(conn.transport(), bytes);
        }
        if (server.hasConnectionListeners()) {
            int out = bytes;
            server.connectionEvent(l -> l.onPacketOut(conn.id(), out));
        }
    }
}
