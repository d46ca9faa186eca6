package dev.duplex.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.duplex.adapter.RestoredSession;
import dev.duplex.engine.EngineSocket;
import dev.duplex.protocol.socketio.PacketDecoder;
import dev.duplex.protocol.socketio.SocketPacket;
import dev.duplex.protocol.socketio.SocketPacketType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One Engine.IO connection and its namespace sockets (socket.io's {@code Client}). Decoding happens on the
 * connection's event loop; everything else on its {@link Lane}.
 */
final class Client extends ClientOutbox implements EngineSocket.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(Client.class);

    private final PacketDecoder decoder;
    /**
     * The connected namespaces: an immutable map replaced under this object's lock (a connection has one or a few
     * sockets, which connect and disconnect rarely; a concurrent map would cost several times the memory).
     */
    private volatile Map<String, Socket> sockets = Map.of();
    /** The namespaces whose CONNECT is under way: an immutable set, replaced under this object's lock. */
    private volatile Set<String> connecting = Set.of();
    /** Closes the connection if no namespace connects in time; null once one did (or the connection closed). */
    private volatile ScheduledFuture<?> connectTimer;
    private volatile boolean failed;
    private volatile String closeReason;
    private volatile boolean closed;
    /** socket.io's {@code socket.conn}, made when first asked for (most applications never do). */
    private volatile Connection connection;
    /**
     * Approximate bytes of the received packets waiting for their handlers on the lane; above
     * {@link ServerOptions#maxBufferedBytes()} the connection is not read until they are down to half of it.
     */
    @SuppressWarnings("unused") // through PENDING_BYTES (a field, not an AtomicLong object per connection)
    private volatile long pendingBytes;
    /** Whether reading is paused for the lane (1) or not (0); changed on the event loop only. */
    @SuppressWarnings("unused") // through READ_PAUSED
    private volatile int readPaused;
    private static final VarHandle PENDING_BYTES;
    private static final VarHandle READ_PAUSED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PENDING_BYTES = lookup.findVarHandle(Client.class, "pendingBytes", long.class);
            READ_PAUSED = lookup.findVarHandle(Client.class, "readPaused", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long addPending(long delta) {
        return (long) PENDING_BYTES.getAndAdd(this, delta) + delta;
    }

    private boolean readPaused() {
        return (int) READ_PAUSED.getVolatile(this) != 0;
    }

    private boolean setReadPaused(boolean expect, boolean update) {
        return READ_PAUSED.compareAndSet(this, expect ? 1 : 0, update ? 1 : 0);
    }
    private final long maxPendingBytes;
    /** What a packet costs on the lane besides its text (the task, the decoded tree). */
    private static final int PACKET_OVERHEAD = 256;
    /** Sums the messages of the packet being decoded (event loop), for the metrics hooks. */
    private int inBytes;

    /** Whether this is a Socket.IO v2 client (Engine.IO v3 session), see {@link ClientV3}. */
    final boolean v3;

    Client(SocketIoServer server, EngineSocket conn, Lane lane) {
        super(server, conn, lane);
        this.v3 = ClientV3.is(conn);
        this.decoder = server.options().parser().newDecoder(server.mapper(), server.options().maxAttachments());
        this.maxPendingBytes = server.options().maxBufferedBytes();
    }

    void start() {
        if (instr != null) {
            instr.connectionOpened(conn.transport());
        }
        if (server.hasConnectionListeners()) {
            server.connectionEvent(l -> l.onOpen(conn.id(), conn.transport()));
        }
        long timeout = server.options().connectTimeout().toNanos();
        connectTimer = conn.eventLoop().schedule(() -> lane.execute(() -> {
            if (!closed && sockets.isEmpty()) {
                LOG.debug("No namespace connected within connectTimeout on {}; closing", conn.id());
                closeConn();
            }
        }), timeout, TimeUnit.NANOSECONDS);
        if (v3) {
            // a Socket.IO v2 client is connected to "/" without a CONNECT (socket.io's allowEIO3)
            lane.execute(() -> connect(SocketPacket.DEFAULT_NAMESPACE, ClientV3.parse("/").auth()));
        }
    }

    // ------------------------------------------------------------------ engine callbacks (event loop)

    @Override
    public void onMessage(String text) {
        if (failed) {
            return;
        }
        SocketPacket packet;
        try {
            packet = decoder.decode(text);
        } catch (Exception e) {
            parseError(e);
            return;
        }
        if (instr != null || server.hasConnectionListeners()) {
            inBytes += 1 + Utf8.length(text);
        }
        decoded(packet, text.length());
    }

    @Override
    public void onBinary(byte[] data) {
        if (failed) {
            return;
        }
        SocketPacket packet;
        try {
            packet = decoder.decode(data);
        } catch (Exception e) {
            parseError(e);
            return;
        }
        if (instr != null || server.hasConnectionListeners()) {
            inBytes += data.length;
        }
        decoded(packet, data.length);
    }

    /**
     * Hands a complete packet ({@code length}: its last message) to the lane, and pauses reading while too much
     * waits there; on the event loop.
     */
    private void decoded(SocketPacket packet, long length) {
        if (packet == null) {
            return;
        }
        long size = length + PACKET_OVERHEAD;
        if (addPending(size) > maxPendingBytes && setReadPaused(false, true)) {
            LOG.debug("Handlers of {} are behind; not reading it for now", conn.id());
            conn.pauseReading(true);
        }
        if (inBytes > 0 && server.hasConnectionListeners()) {
            int in = inBytes;
            server.connectionEvent(l -> l.onPacketIn(conn.id(), in));
        }
        if (instr == null) {
            inBytes = 0;
        }
        long queued = 0;
        if (instr != null) {
            instr.packetIn(conn.transport(), inBytes);
            inBytes = 0;
            queued = System.nanoTime();
        }
        PacketTask task = new PacketTask(packet, size, queued);
        if (WEBSOCKET.equals(conn.transport())) {
            lane.executePacket(task);
        } else {
            // a polling POST's packets wait for the whole body to be read (the POST's own state)
            lane.execute(task);
        }
        if (readPaused()) {
            // the lane may have caught up before the pause was set
            maybeResumeReading();
        }
    }

    private static final String WEBSOCKET = "websocket";

    /**
     * A decoded packet's run on the lane (one object per packet, not a lambda in a lambda): the handlers, then
     * reading resumes once the lane has caught up.
     */
    private final class PacketTask implements Runnable {
        private final SocketPacket packet;
        private final long size;
        /** When it was queued (System.nanoTime), for the instrumentation's queue delay; 0 without one. */
        private final long queued;

        PacketTask(SocketPacket packet, long size, long queued) {
            this.packet = packet;
            this.size = size;
            this.queued = queued;
        }

        @Override
        public void run() {
            try {
                if (instr != null) {
                    instr.handlerQueueDelay(System.nanoTime() - queued);
                }
                onDecoded(packet);
            } finally {
                if (addPending(-size) <= maxPendingBytes / 2 && readPaused()) {
                    try {
                        conn.eventLoop().execute(Client.this::maybeResumeReading);
                    } catch (RejectedExecutionException e) {
                        LOG.debug("Event loop of {} is shut down", conn.id());
                    }
                }
            }
        }
    }

    /** On the event loop. */
    private void maybeResumeReading() {
        if ((long) PENDING_BYTES.getVolatile(this) <= maxPendingBytes / 2 && setReadPaused(true, false)) {
            conn.pauseReading(false);
        }
    }

    @Override
    public void onUpgrade(String transport) {
        if (instr != null) {
            instr.upgraded(transport);
        }
        if (server.hasConnectionListeners()) {
            server.connectionEvent(l -> l.onUpgrade(conn.id(), transport));
        }
        Connection c = connection;
        if (c != null) {
            lane.execute(() -> c.fireUpgrade(transport));
        }
    }

    /** The connection view of this client, made on first use. */
    Connection connection() {
        Connection c = connection;
        if (c == null) {
            synchronized (this) {
                c = connection;
                if (c == null) {
                    c = new Connection(this);
                    connection = c;
                }
            }
        }
        return c;
    }

    @Override
    public void onClose(String reason, Throwable cause) {
        lane.execute(() -> onEngineClose(reason));
    }

    private void parseError(Exception e) {
        LOG.debug("Parse error on connection {}: {}", conn.id(), e.getMessage());
        fail(DisconnectReason.PARSE_ERROR);
        lane.execute(() -> sockets.values().forEach(s -> s.emitError(e)));
        closeConn();
    }

    private void fail(String reason) {
        failed = true;
        if (closeReason == null) {
            closeReason = reason;
        }
    }

    // ------------------------------------------------------------------ lane

    private void onDecoded(SocketPacket packet) {
        if (closed || failed) {
            return;
        }
        String nsp = packet.namespace();
        if (packet.type() == SocketPacketType.CONNECT) {
            Object auth = packet.data();
            if (v3) {
                ClientV3.Target target = ClientV3.parse(nsp);
                nsp = target.name();
                auth = target.auth();
            }
            if (sockets.containsKey(nsp) || connecting.contains(nsp)) {
                invalidState("second CONNECT for " + nsp);
            } else {
                connect(nsp, auth);
            }
            return;
        }
        if (v3) {
            nsp = ClientV3.namespace(nsp);
        }
        Socket socket = sockets.get(nsp);
        if (socket == null || packet.type() == SocketPacketType.CONNECT_ERROR) {
            invalidState(packet.type() + " for namespace " + nsp + " not connected");
            return;
        }
        socket.onPacket(packet);
    }

    private void invalidState(String what) {
        LOG.debug("Invalid state on connection {}: {}", conn.id(), what);
        fail(DisconnectReason.PARSE_ERROR);
        closeConn();
    }

    /** Closes the Engine.IO connection (a no-op once the engine is shut down). */
    void closeConn() {
        if (conn.eventLoop().inEventLoop()) {
            closeNow();
        } else {
            // after the writes this thread queued before (the handler pool may hold them for a moment)
            try {
                lane.toLoop(conn.eventLoop(), this::closeNow);
            } catch (RejectedExecutionException e) {
                LOG.debug("Event loop of {} is shut down", conn.id());
            }
        }
    }

    private void closeNow() {
        try {
            conn.close();
        } catch (RuntimeException e) {
            LOG.debug("Closing connection {} failed", conn.id(), e);
        }
    }

    private void connect(String name, Object auth) {
        ObjectNode authNode = auth instanceof ObjectNode o ? o : null;
        Handshake handshake = new Handshake(conn.request(), authNode);
        Namespace nsp = server.lookup(name, handshake);
        if (nsp == null) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("message", "Invalid namespace");
            if (instr != null) {
                instr.connectError(name, "invalid namespace");
            }
            write(SocketPacket.of(SocketPacketType.CONNECT_ERROR, name, null, error));
            return;
        }
        connectingAdd(name);
        ConnectionStateRecovery recovery = server.options().connectionStateRecovery();
        String pid = authNode == null ? null : textOrNull(authNode.get("pid"));
        String offset = authNode == null ? null : textOrNull(authNode.get("offset"));
        if (recovery == null || pid == null || offset == null || v3) {
            connect(nsp, name, handshake, null);
            return;
        }
        // socket.io's _createSocket: a kept session comes back, else a new one
        CompletableFuture<RestoredSession> restoring;
        try {
            restoring = nsp.adapter().restoreSession(pid, offset);
        } catch (RuntimeException e) {
            restoring = CompletableFuture.failedFuture(e);
        }
        if (restoring == null) {
            restoring = CompletableFuture.completedFuture(null);
        }
        restoring.whenComplete((session, error) -> {
            if (error != null) {
                LOG.debug("Restoring session of {} on {} failed", conn.id(), name, error);
            }
            lane.runOrExecute(() -> connect(nsp, name, handshake, error == null ? session : null));
        });
    }

    private static String textOrNull(com.fasterxml.jackson.databind.JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }

    private void connect(Namespace nsp, String name, Handshake handshake, RestoredSession session) {
        Socket socket = null;
        if (session != null && !nsp.hasSocket(session.sid())) {
            socket = new Socket(nsp, this, handshake, session);
            if (!socket.recovery().start()) {
                socket = null;
            }
        }
        if (socket == null) {
            socket = new Socket(nsp, this, handshake);
        }
        Socket s = socket;
        ConnectionStateRecovery recovery = server.options().connectionStateRecovery();
        boolean skip = s.recovered() && recovery.skipMiddlewares() && conn.isOpen();
        nsp.add(s, skip, error -> {
            connectingRemove(name);
            if (closed || failed) {
                abortRecovery(s);
                nsp.adapter().delAll(s.id());
                return false;
            }
            if (error != null) {
                abortRecovery(s);
                nsp.adapter().delAll(s.id());
                if (instr != null) {
                    instr.connectError(name, error instanceof ConnectionRefusedException ? "refused" : "middleware error");
                }
                if (v3) {
                    write(ClientV3.connectError(name, error));
                    return false;
                }
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("message", error.getMessage());
                if (error instanceof ConnectionRefusedException refused && refused.data() != null) {
                    data.put("data", refused.data());
                }
                write(SocketPacket.of(SocketPacketType.CONNECT_ERROR, name, null, data));
                return false;
            }
            socketsPut(name, s);
            cancelConnectTimer();
            return true;
        });
    }

    /** Cancels the connect timeout and drops it (an idle connection keeps no cancelled task). */
    private void cancelConnectTimer() {
        ScheduledFuture<?> timer = connectTimer;
        if (timer != null) {
            connectTimer = null;
            timer.cancel(false);
        }
    }

    private synchronized void socketsPut(String name, Socket socket) {
        if (sockets.isEmpty()) {
            sockets = Map.of(name, socket); // the usual first socket: what frozen() makes of it, without a copy
            return;
        }
        Map<String, Socket> next = new LinkedHashMap<>(sockets);
        next.put(name, socket);
        sockets = frozen(next);
    }

    private synchronized void socketsRemove(String name, Socket socket) {
        if (sockets.get(name) == socket) {
            if (sockets.size() == 1) {
                sockets = Map.of();
                return;
            }
            Map<String, Socket> next = new LinkedHashMap<>(sockets);
            next.remove(name);
            sockets = frozen(next);
        }
    }

    /** An immutable copy in insertion order (socket.io's {@code Map}): the compact one for one socket. */
    private static Map<String, Socket> frozen(Map<String, Socket> map) {
        if (map.size() <= 1) {
            return map.isEmpty() ? Map.of() : Map.copyOf(map);
        }
        return Collections.unmodifiableMap(map);
    }

    private synchronized void connectingAdd(String name) {
        Set<String> now = connecting;
        if (now.isEmpty()) {
            connecting = Set.of(name); // the usual case: one namespace connecting at a time, no copy
            return;
        }
        Set<String> next = new HashSet<>(now);
        next.add(name);
        connecting = Set.copyOf(next);
    }

    private synchronized void connectingRemove(String name) {
        Set<String> now = connecting;
        if (now.size() == 1) {
            if (now.contains(name)) {
                connecting = Set.of();
            }
            return;
        }
        if (now.contains(name)) {
            Set<String> next = new HashSet<>(now);
            next.remove(name);
            connecting = Set.copyOf(next);
        }
    }

    private static void abortRecovery(Socket socket) {
        if (socket.recovery() != null) {
            socket.recovery().abort();
        }
    }

    /** Removes a disconnected socket; on the lane. */
    void remove(Socket socket) {
        socketsRemove(socket.nsp().name(), socket);
    }

    /**
     * socket.disconnect(true), as socket.io's {@code Client._disconnect}: every socket writes its DISCONNECT packet
     * and gets "server namespace disconnect", then the connection closes after those writes (the engine flushes
     * its buffer before closing), so the client sees "io server disconnect" and does not reconnect.
     */
    void disconnectAll() {
        for (Socket s : new ArrayList<>(sockets.values())) {
            s.disconnectFromServer();
        }
        closeConn();
    }

    private void onEngineClose(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        cancelConnectTimer();
        String effective = closeReason != null ? closeReason : reason;
        // the map is an immutable snapshot (replaced, never changed, when a socket leaves): no copy to iterate
        for (Socket s : sockets.values()) {
            s.onClose(effective);
        }
        synchronized (this) {
            sockets = Map.of();
        }
        server.removeClient(this);
        if (instr != null) {
            instr.connectionClosed(conn.transport(), reason);
        }
        if (server.hasConnectionListeners()) {
            server.connectionEvent(l -> l.onClose(conn.id(), reason));
        }
        Connection c = connection;
        if (c != null) {
            c.fireClose(reason);
        }
    }

    /** Server shutdown: every socket gets "server shutting down". */
    CompletableFuture<Void> shutdown() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closeReason == null) {
            closeReason = DisconnectReason.SERVER_SHUTTING_DOWN;
        }
        failed = true;
        lane.runOrExecute(() -> {
            try {
                for (Socket s : new ArrayList<>(sockets.values())) {
                    s.onClose(DisconnectReason.SERVER_SHUTTING_DOWN);
                }
            } finally {
                done.complete(null);
            }
        });
        return done;
    }
}
