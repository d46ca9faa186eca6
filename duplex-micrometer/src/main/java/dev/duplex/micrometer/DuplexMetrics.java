package dev.duplex.micrometer;

import dev.duplex.server.Instrumentation;
import dev.duplex.server.ServerOptions;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Micrometer metrics of a Duplex {@code SocketIoServer}: give it to the server as its {@link Instrumentation},
 * then bind it to one or more registries (Spring Boot's actuator binds every {@link MeterBinder} bean).
 *
 * <pre>{@code
 * DuplexMetrics metrics = new DuplexMetrics();
 * SocketIoServer io = SocketIoServer.create(ServerOptions.builder().instrumentation(metrics).build());
 * metrics.bindTo(registry);
 * }</pre>
 *
 * <p>The meters (in Prometheus' names, dots become underscores, counters end in {@code _total}, byte counters in
 * {@code _bytes_total} (e.g. {@code duplex_data_in_bytes_total}) and timers in {@code _seconds}):
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 * <tr><td>{@code duplex.connections}</td><td>gauge</td><td>transport</td><td>open Engine.IO connections on each
 * transport (polling, websocket): their sum is the number of connected clients, their ratio the share of each
 * transport</td></tr>
 * <tr><td>{@code duplex.connections.opened}</td><td>counter</td><td>transport</td><td>connections opened, by first
 * transport</td></tr>
 * <tr><td>{@code duplex.connections.closed}</td><td>counter</td><td>reason</td><td>connections closed, by
 * engine.io's reason ("transport close", "ping timeout", "forced close"...)</td></tr>
 * <tr><td>{@code duplex.upgrades}</td><td>counter</td><td>none</td><td>upgrades from polling to WebSocket</td></tr>
 * <tr><td>{@code duplex.sockets}</td><td>gauge</td><td>namespace</td><td>connected sockets per namespace</td></tr>
 * <tr><td>{@code duplex.sockets.connected}</td><td>counter</td><td>namespace</td><td>namespace connections</td></tr>
 * <tr><td>{@code duplex.sockets.disconnected}</td><td>counter</td><td>namespace, reason</td><td>namespace
 * disconnections by socket.io's reason ("client namespace disconnect", "transport close"...)</td></tr>
 * <tr><td>{@code duplex.connect.errors}</td><td>counter</td><td>cause</td><td>refused namespace connections:
 * "invalid namespace", "refused", "middleware error"</td></tr>
 * <tr><td>{@code duplex.packets.in}, {@code duplex.packets.out}</td><td>counter</td><td>transport</td><td>Socket.IO
 * packets received and written</td></tr>
 * <tr><td>{@code duplex.data.in}, {@code duplex.data.out}</td><td>counter (bytes)</td><td>transport</td><td>their
 * sizes: the Engine.IO message payloads as a WebSocket frame carries them, attachments included</td></tr>
 * <tr><td>{@code duplex.broadcasts}</td><td>counter</td><td>none</td><td>broadcasts (emits to rooms or
 * namespaces)</td></tr>
 * <tr><td>{@code duplex.broadcast.recipients}</td><td>counter</td><td>none</td><td>local sockets handed a broadcast
 * packet</td></tr>
 * <tr><td>{@code duplex.acks.sent}, {@code duplex.acks.received}</td><td>counter</td><td>none</td><td>acks the
 * server sent, acks the clients sent back</td></tr>
 * <tr><td>{@code duplex.ack.round.trip}</td><td>timer</td><td>none</td><td>time from {@code emitWithAck} on a socket
 * to the client's ack</td></tr>
 * <tr><td>{@code duplex.handler.queue.delay}</td><td>timer</td><td>none</td><td>time a decoded packet waited for its
 * connection's handler lane</td></tr>
 * </table>
 *
 * <p>Every meter also carries the common tags given to the constructor. The per-packet hooks only add to
 * {@link LongAdder}s and record to timers: they allocate nothing. Counts made before {@link #bindTo} are kept; the
 * timers record only once bound.
 */
public final class DuplexMetrics implements Instrumentation, MeterBinder {
    private static final String POLLING = "polling";
    private static final String WEBSOCKET = "websocket";

    private final Tags tags;
    /** Index 0: polling, 1: websocket. */
    private final AtomicLong[] connections = {new AtomicLong(), new AtomicLong()};
    private final LongAdder[] opened = {new LongAdder(), new LongAdder()};
    private final LongAdder[] packetsIn = {new LongAdder(), new LongAdder()};
    private final LongAdder[] packetsOut = {new LongAdder(), new LongAdder()};
    private final LongAdder[] bytesIn = {new LongAdder(), new LongAdder()};
    private final LongAdder[] bytesOut = {new LongAdder(), new LongAdder()};
    private final LongAdder upgrades = new LongAdder();
    private final LongAdder broadcasts = new LongAdder();
    private final LongAdder recipients = new LongAdder();
    private final LongAdder acksSent = new LongAdder();
    private final LongAdder acksReceived = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> closed = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> sockets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> socketsConnected = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<List<String>, LongAdder> socketsDisconnected = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> connectErrors = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private volatile Timer[] ackTimers = new Timer[0];
    private volatile Timer[] queueTimers = new Timer[0];

    /** Metrics without common tags. */
    public DuplexMetrics() {
        this(Tags.empty());
    }

    /** Metrics whose meters all carry {@code tags} (e.g. a server name). */
    public DuplexMetrics(Iterable<Tag> tags) {
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    /** Sets these metrics as the instrumentation of {@code options} (a shortcut). */
    public ServerOptions.Builder instrument(ServerOptions.Builder options) {
        return options.instrumentation(this);
    }

    // ------------------------------------------------------------------ binding

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        for (int i = 0; i < 2; i++) {
            String transport = i == 0 ? POLLING : WEBSOCKET;
            Tags t = tags.and("transport", transport);
            Gauge.builder("duplex.connections", connections[i], AtomicLong::get)
                    .tags(t).description("Open Engine.IO connections on this transport").register(registry);
            counter(registry, "duplex.connections.opened", t, opened[i], null, "Engine.IO connections opened");
            counter(registry, "duplex.packets.in", t, packetsIn[i], null, "Socket.IO packets received");
            counter(registry, "duplex.packets.out", t, packetsOut[i], null, "Socket.IO packets written");
            counter(registry, "duplex.data.in", t, bytesIn[i], BaseUnits.BYTES, "Bytes of the packets received");
            counter(registry, "duplex.data.out", t, bytesOut[i], BaseUnits.BYTES, "Bytes of the packets written");
        }
        counter(registry, "duplex.upgrades", tags, upgrades, null, "Upgrades from polling to WebSocket");
        counter(registry, "duplex.broadcasts", tags, broadcasts, null, "Broadcasts");
        counter(registry, "duplex.broadcast.recipients", tags, recipients, null, "Sockets handed a broadcast");
        counter(registry, "duplex.acks.sent", tags, acksSent, null, "Acks sent by the server");
        counter(registry, "duplex.acks.received", tags, acksReceived, null, "Acks received from clients");
        closed.forEach((reason, count) -> registerClosed(registry, reason, count));
        sockets.forEach((nsp, count) -> registerSockets(registry, nsp, count));
        socketsConnected.forEach((nsp, count) -> registerSocketsConnected(registry, nsp, count));
        socketsDisconnected.forEach((key, count) -> registerSocketsDisconnected(registry, key, count));
        connectErrors.forEach((cause, count) -> registerConnectError(registry, cause, count));
        ackTimers = append(ackTimers, Timer.builder("duplex.ack.round.trip").tags(tags)
                .description("Time from emitWithAck to the client's ack").register(registry));
        queueTimers = append(queueTimers, Timer.builder("duplex.handler.queue.delay").tags(tags)
                .description("Time a decoded packet waited for its handler lane").register(registry));
        registries.add(registry);
    }

    private static Timer[] append(Timer[] timers, Timer timer) {
        Timer[] copy = java.util.Arrays.copyOf(timers, timers.length + 1);
        copy[timers.length] = timer;
        return copy;
    }

    private static void counter(MeterRegistry registry, String name, Tags tags, LongAdder adder, String unit,
            String description) {
        FunctionCounter.builder(name, adder, LongAdder::doubleValue)
                .tags(tags).baseUnit(unit).description(description).register(registry);
    }

    private void registerClosed(MeterRegistry registry, String reason, LongAdder count) {
        counter(registry, "duplex.connections.closed", tags.and("reason", reason), count, null,
                "Engine.IO connections closed");
    }

    private void registerSockets(MeterRegistry registry, String nsp, AtomicLong count) {
        Gauge.builder("duplex.sockets", count, AtomicLong::get).tags(tags.and("namespace", nsp))
                .description("Connected sockets of the namespace").register(registry);
    }

    private void registerSocketsConnected(MeterRegistry registry, String nsp, LongAdder count) {
        counter(registry, "duplex.sockets.connected", tags.and("namespace", nsp), count, null,
                "Namespace connections");
    }

    private void registerSocketsDisconnected(MeterRegistry registry, List<String> key, LongAdder count) {
        counter(registry, "duplex.sockets.disconnected", tags.and("namespace", key.get(0), "reason", key.get(1)),
                count, null, "Namespace disconnections");
    }

    private void registerConnectError(MeterRegistry registry, String cause, LongAdder count) {
        counter(registry, "duplex.connect.errors", tags.and("cause", cause), count, null,
                "Refused namespace connections");
    }

    /** A tagged count, registered in every bound registry when first seen. Not on a per-packet path. */
    private synchronized <K, V> V tagged(ConcurrentHashMap<K, V> map, K key, java.util.function.Supplier<V> make,
            java.util.function.BiConsumer<MeterRegistry, V> register) {
        V existing = map.get(key);
        if (existing != null) {
            return existing;
        }
        V value = make.get();
        map.put(key, value);
        for (MeterRegistry registry : registries) {
            register.accept(registry, value);
        }
        return value;
    }

    private static int index(String transport) {
        return WEBSOCKET.equals(transport) ? 1 : 0;
    }

    // ------------------------------------------------------------------ hooks

    @Override
    public void connectionOpened(String transport) {
        int i = index(transport);
        connections[i].incrementAndGet();
        opened[i].increment();
    }

    @Override
    public void connectionClosed(String transport, String reason) {
        connections[index(transport)].decrementAndGet();
        String r = reason == null ? "unknown" : reason;
        LongAdder count = closed.get(r);
        if (count == null) {
            count = tagged(closed, r, LongAdder::new, (reg, c) -> registerClosed(reg, r, c));
        }
        count.increment();
    }

    @Override
    public void upgraded(String transport) {
        // the connection moves from polling to the new transport
        connections[0].decrementAndGet();
        connections[index(transport)].incrementAndGet();
        upgrades.increment();
    }

    @Override
    public void socketConnected(String namespace) {
        AtomicLong count = sockets.get(namespace);
        if (count == null) {
            count = tagged(sockets, namespace, AtomicLong::new, (reg, c) -> registerSockets(reg, namespace, c));
        }
        count.incrementAndGet();
        LongAdder total = socketsConnected.get(namespace);
        if (total == null) {
            total = tagged(socketsConnected, namespace, LongAdder::new,
                    (reg, c) -> registerSocketsConnected(reg, namespace, c));
        }
        total.increment();
    }

    @Override
    public void socketDisconnected(String namespace, String reason) {
        AtomicLong count = sockets.get(namespace);
        if (count != null) {
            count.decrementAndGet();
        }
        List<String> key = List.of(namespace, reason == null ? "unknown" : reason);
        LongAdder total = socketsDisconnected.get(key);
        if (total == null) {
            total = tagged(socketsDisconnected, key, LongAdder::new,
                    (reg, c) -> registerSocketsDisconnected(reg, key, c));
        }
        total.increment();
    }

    @Override
    public void connectError(String namespace, String cause) {
        LongAdder count = connectErrors.get(cause);
        if (count == null) {
            count = tagged(connectErrors, cause, LongAdder::new, (reg, c) -> registerConnectError(reg, cause, c));
        }
        count.increment();
    }

    @Override
    public void packetIn(String transport, int bytes) {
        int i = index(transport);
        packetsIn[i].increment();
        bytesIn[i].add(bytes);
    }

    @Override
    public void packetOut(String transport, int bytes) {
        int i = index(transport);
        packetsOut[i].increment();
        bytesOut[i].add(bytes);
    }

    @Override
    public void broadcast(String namespace) {
        broadcasts.increment();
    }

    @Override
    public void broadcastRecipient() {
        recipients.increment();
    }

    @Override
    public void ackSent() {
        acksSent.increment();
    }

    @Override
    public void ackReceived() {
        acksReceived.increment();
    }

    @Override
    public void ackRoundTrip(long nanos) {
        for (Timer t : ackTimers) {
            t.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void handlerQueueDelay(long nanos) {
        for (Timer t : queueTimers) {
            t.record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
