package dev.duplex.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.protocol.engineio.EnginePacket;
import dev.duplex.protocol.engineio.EnginePacketType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one Engine.IO v4 session (engine.io-client's Socket): handshake, heartbeat, write buffer,
 * upgrade from polling to WebSocket. Confined to the event loop.
 */
final class EngineSocket implements Transport.Events {
    private static final Logger LOG = LoggerFactory.getLogger(EngineSocket.class);

    /** What the engine reports to its owner (the Manager). */
    interface Events {
        void onEngineOpen();

        void onEngineMessage(String text);

        void onEngineBinary(byte[] data);

        void onEnginePing();

        void onEngineError(DuplexClientException e);

        void onEngineClose(String reason, Throwable cause);
    }

    enum State { OPENING, OPEN, CLOSING, CLOSED }

    private final ClientContext ctx;
    private final Events events;
    private State state = State.OPENING;
    private Transport transport;
    private volatile String transportName;
    private Transport probe;
    private String sid;
    private List<String> upgrades = List.of();
    private long pingInterval;
    private long pingTimeout;
    private long maxPayload;
    private final ArrayDeque<EnginePacket> writeBuffer = new ArrayDeque<>();
    private int prevBufferLen;
    private boolean upgrading;
    private boolean closeAfterDrain;
    private ScheduledFuture<?> pingTimer;
    private long pingDeadline;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    EngineSocket(ClientContext ctx, Events events) {
        this.ctx = ctx;
        this.events = events;
    }

    String id() {
        return sid;
    }

    /** The owner's listener, as given to the constructor. */
    Events events() {
        return events;
    }

    State state() {
        return state;
    }

    /** The name of the transport in use; readable from any thread. */
    String transportName() {
        return transportName;
    }

    /** Completes once every connection of this session is closed. */
    CompletableFuture<Void> terminated() {
        return terminated;
    }

    void open() {
        transport = create(ctx.opts.transports.get(0), null);
        transportName = transport.name;
        transport.open();
    }

    private Transport create(String name, String id) {
        return IoOptions.WEBSOCKET.equals(name) ? new WebSocketTransport(ctx, id, this)
                : new PollingTransport(ctx, id, this);
    }

    boolean transportWritable() {
        return transport != null && transport.writable;
    }

    boolean hasPingExpired() {
        return pingDeadline != 0 && System.nanoTime() - pingDeadline > 0;
    }

    /** Queues a message; dropped when the session is closing or closed. */
    void write(EnginePacket p) {
        if (state == State.CLOSING || state == State.CLOSED) {
            return;
        }
        writeBuffer.add(p);
        flush();
    }

    private void flush() {
        if (state != State.CLOSED && transport != null && transport.writable && !upgrading
                && !writeBuffer.isEmpty() && (state == State.OPEN || state == State.CLOSING)) {
            List<EnginePacket> packets = writablePackets();
            prevBufferLen = packets.size();
            if (LOG.isTraceEnabled()) {
                LOG.trace("-> {} {}", transport.name, packets);
            }
            transport.send(packets);
        }
    }

    /** For polling, as many packets as fit in the server's maxPayload (at least one). */
    private List<EnginePacket> writablePackets() {
        List<EnginePacket> out = new ArrayList<>(writeBuffer.size());
        boolean polling = transport instanceof PollingTransport;
        long size = 1;
        for (EnginePacket p : writeBuffer) {
            if (polling && maxPayload > 0) {
                size += (p.isBinary() ? (p.binary().length * 4L / 3 + 4) : p.text().length() * 3L + 2);
                if (!out.isEmpty() && size > maxPayload) {
                    break;
                }
            }
            out.add(p);
        }
        return out;
    }

    /** Closes the session gracefully: buffered packets are sent first. */
    void close() {
        if (state == State.OPENING || state == State.OPEN) {
            State was = state;
            state = State.CLOSING;
            if (was == State.OPEN && !writeBuffer.isEmpty()) {
                closeAfterDrain = true;
                flush();
            } else {
                forceClose();
            }
        }
    }

    private void forceClose() {
        onClose("forced close", null);
    }

    private void onClose(String reason, Throwable cause) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (pingTimer != null) {
            pingTimer.cancel(false);
            pingTimer = null;
        }
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        if (probe != null) {
            closing.add(probe.close());
            probe = null;
        }
        if (transport != null) {
            closing.add(transport.close());
        }
        writeBuffer.clear();
        prevBufferLen = 0;
        CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0]))
                .whenComplete((v, e) -> terminated.complete(null));
        events.onEngineClose(reason, cause);
    }

    private void onError(DuplexClientException e) {
        if (state == State.CLOSED) {
            return;
        }
        events.onEngineError(e);
        onClose("transport error", e);
    }

    private void resetPingTimeout() {
        if (pingTimer != null) {
            pingTimer.cancel(false);
        }
        long delay = pingInterval + pingTimeout;
        pingDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
        pingTimer = ctx.loop.schedule(() -> onClose("ping timeout", null), delay, TimeUnit.MILLISECONDS);
    }

    private void onHandshake(String json) {
        JsonNode n;
        try {
            n = ctx.opts.mapper.readTree(json);
        } catch (Exception e) {
            onError(Errors.protocol("invalid handshake from the server: " + json, e));
            return;
        }
        if (n == null || !n.path("sid").isTextual()) {
            onError(Errors.protocol("invalid handshake from the server: " + json, null));
            return;
        }
        sid = n.get("sid").asText();
        transport.sid = sid;
        List<String> u = new ArrayList<>();
        for (JsonNode x : n.path("upgrades")) {
            if (ctx.opts.transports.contains(x.asText())) {
                u.add(x.asText());
            }
        }
        upgrades = u;
        pingInterval = n.path("pingInterval").asLong(25000);
        pingTimeout = n.path("pingTimeout").asLong(20000);
        maxPayload = n.path("maxPayload").asLong(0);
        state = State.OPEN;
        events.onEngineOpen();
        if (state != State.OPEN) {
            return;
        }
        flush();
        resetPingTimeout();
        if (ctx.opts.upgrade && transport instanceof PollingTransport && upgrades.contains(IoOptions.WEBSOCKET)) {
            probe(IoOptions.WEBSOCKET);
        }
    }

    private void probe(String name) {
        Transport t = create(name, sid);
        probe = t;
        t.open();
    }

    // ---- transport events ----

    @Override
    public void onTransportOpen(Transport t) {
        if (t == probe) {
            t.send(List.of(EnginePacket.of(EnginePacketType.PING, "probe")));
        }
    }

    @Override
    public void onTransportPacket(Transport t, EnginePacket p) {
        if (LOG.isTraceEnabled()) {
            LOG.trace("<- {} {}", t.name, p);
        }
        if (t == probe) {
            onProbePacket(t, p);
            return;
        }
        if (t != transport || state == State.CLOSED) {
            return;
        }
        switch (p.type()) {
            case OPEN:
                if (sid == null) {
                    onHandshake(p.text());
                }
                break;
            case PING:
                resetPingTimeout();
                write(EnginePacket.of(EnginePacketType.PONG));
                events.onEnginePing();
                break;
            case MESSAGE:
                if (p.isBinary()) {
                    events.onEngineBinary(p.binary());
                } else {
                    events.onEngineMessage(p.text());
                }
                break;
            case CLOSE:
                onClose("transport close", null);
                break;
            default:
                break;
        }
    }

    private void onProbePacket(Transport t, EnginePacket p) {
        if (p.type() == EnginePacketType.PONG && "probe".equals(p.text())) {
            upgrading = true;
            transport.pause(() -> {
                if (state == State.CLOSED || probe != t) {
                    return;
                }
                Transport old = transport;
                probe = null;
                transport = t;
                transportName = t.name;
                t.send(List.of(EnginePacket.of(EnginePacketType.UPGRADE)));
                upgrading = false;
                if (old instanceof PollingTransport) {
                    ((PollingTransport) old).release();
                } else {
                    old.close();
                }
                LOG.debug("upgraded to {}", t.name);
                if (closeAfterDrain && writeBuffer.isEmpty()) {
                    forceClose();
                } else {
                    flush();
                }
            });
        } else {
            LOG.debug("probe failed: unexpected {}", p);
            probeFailed(t);
        }
    }

    private void probeFailed(Transport t) {
        if (probe == t) {
            probe = null;
            t.close();
            if (upgrading) {
                upgrading = false;
                transport.resume();
                flush();
            }
        }
    }

    @Override
    public void onTransportDrain(Transport t) {
        if (t != transport) {
            return;
        }
        for (int i = 0; i < prevBufferLen && !writeBuffer.isEmpty(); i++) {
            writeBuffer.poll();
        }
        prevBufferLen = 0;
        if (writeBuffer.isEmpty()) {
            if (closeAfterDrain) {
                forceClose();
            }
        } else {
            flush();
        }
    }

    @Override
    public void onTransportError(Transport t, DuplexClientException e) {
        if (t == probe) {
            LOG.debug("probe error", e);
            probeFailed(t);
            return;
        }
        if (t == transport) {
            onError(e);
        }
    }

    @Override
    public void onTransportClose(Transport t, String reason) {
        if (t == probe) {
            probeFailed(t);
            return;
        }
        if (t == transport) {
            onClose(reason, null);
        }
    }
}
