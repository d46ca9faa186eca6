package dev.duplex.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The scale scenario's generator (issue #19, {@code bin/bench --scale}): many concurrent WebSocket connections from
 * one Netty event-loop thread, each a small {@link ScaleConnection} with no timer of its own. The ramp keeps a bounded
 * number of connections in flight (TCP connect to the join ack) until all are in the room {@value #ROOM} or the ramp
 * stops making progress; then the connections are held: every ping is answered as it arrives, and one connection
 * emits {@code bcast("scale", payload)} at a fixed period, which the server relays to everyone else. It measures the
 * time to connect all, the heartbeat (pings and pongs per connection; a miss is a connection the server closed or a
 * gap between pings, or since the last one, longer than the client's deadline pingInterval + pingTimeout), the time
 * from each emit to the last receipt, and the generator's own event-loop lag and heap. Loopback only; connections
 * are spread over several loopback source addresses (127.0.0.2, ...) and closed with RST.
 */
public final class ScaleLoad implements AutoCloseable {
    static final String ROOM = "scale";
    private static final byte[] BCAST_PREFIX = "[\"bcast\",\"".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_BROADCASTS = 1000;

    /**
     * @param connections how many connections to open
     * @param inFlight connections in flight during the ramp at most
     * @param sourceAddresses loopback source addresses (127.0.0.2 on)
     * @param stall the ramp gives up when no connection completed or failed for this long
     * @param rampTimeout the ramp gives up after this long in all
     * @param hold how long the connections are held once all are in
     * @param broadcastEvery the broadcast period during the hold
     * @param firstBroadcast the first broadcast, after the hold started
     * @param heartbeatDeadline the client's deadline for the next ping (pingInterval + pingTimeout)
     * @param answerPings false only to show that unanswered pings are reported (tests)
     */
    public record Settings(int connections, int inFlight, int sourceAddresses, Duration stall, Duration rampTimeout,
                           Duration hold, Duration broadcastEvery, Duration firstBroadcast,
                           Duration heartbeatDeadline, boolean answerPings) {
        /** The scenario: default heartbeat (25 s + 20 s), a broadcast every 10 s. */
        public static Settings standard(int connections, Duration hold) {
            return new Settings(connections, 200, Math.max(4, (connections + 19_999) / 20_000 + 1),
                    Duration.ofSeconds(15), Duration.ofSeconds(240), hold, Duration.ofSeconds(10),
                    Duration.ofSeconds(5), Duration.ofSeconds(45), true);
        }
    }

    /**
     * One broadcast: how many should have received it, how many did, emit to first receipt and emit to last receipt
     * (NaN if incomplete).
     */
    public record Broadcast(int receivers, int received, double firstMillis, double reachMillis) {
        public boolean complete() {
            return received >= receivers;
        }
    }

    /** What the scenario measured. */
    public record Result(int requested, int reached, int connectFailures, int stuck, double connectSeconds,
                         double heldSeconds, int openAtEnd, int closedDuringHold, long pings, long pongs,
                         int minPings, int maxPings, int latePings, double maxPingGapSeconds,
                         List<Broadcast> broadcasts, long selfDeliveries, double maxLoopLagMillis,
                         long generatorHeapBefore, long generatorHeapAfter, List<String> notes) {
        /** Heartbeat misses: connections the server closed while held, and pings that came too late. */
        public int heartbeatMisses() {
            return closedDuringHold + latePings;
        }

        /** Emit to first receipt of the broadcasts that reached anyone, sorted. */
        public double[] firstMillis() {
            return broadcasts.stream().filter(b -> b.received() > 0).mapToDouble(Broadcast::firstMillis).sorted()
                    .toArray();
        }

        /** Reach times of the complete broadcasts, sorted. */
        public double[] reachMillis() {
            return broadcasts.stream().filter(Broadcast::complete).mapToDouble(Broadcast::reachMillis).sorted()
                    .toArray();
        }

        public int incompleteBroadcasts() {
            return (int) broadcasts.stream().filter(b -> !b.complete()).count();
        }
    }

    private final InetSocketAddress target;
    private final Settings settings;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final InetAddress[] sources;
    private final byte[] upgradeRequest;
    private final byte[] joinPacket = ("421[\"join\",\"" + ROOM + "\"]").getBytes(StandardCharsets.US_ASCII);
    private final long t0 = System.nanoTime();

    // state confined to the event loop
    private final List<ScaleConnection> conns = new ArrayList<>();
    private int nextSource;
    private int started;
    private int joined;
    private int failed;
    private int open;
    private boolean ramping = true;
    private boolean holding;
    private boolean stopping;
    private long firstConnectNanos;
    private long lastJoinNanos;
    private long lastProgressNanos;
    private String firstFailure;
    private int closedDuringHold;
    private final List<String> closeReasons = new ArrayList<>();
    private int latePings;
    private long maxPingGapMs;
    private final long[] emitNanos = new long[MAX_BROADCASTS];
    private final int[] receivers = new int[MAX_BROADCASTS];
    private final int[] received = new int[MAX_BROADCASTS];
    private final long[] firstReceipt = new long[MAX_BROADCASTS];
    private final long[] lastReceipt = new long[MAX_BROADCASTS];
    private int emitted;
    private long selfDeliveries;
    private long unexpectedEvents;
    private long lastTick;
    private long maxLagNanos;

    public ScaleLoad(InetSocketAddress target, Settings settings) {
        if (target.isUnresolved() || !target.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("the scale load only targets loopback addresses, not " + target);
        }
        if (settings.sourceAddresses() < 1 || settings.sourceAddresses() > 200) {
            throw new IllegalArgumentException("sourceAddresses must be 1..200");
        }
        this.target = target;
        this.settings = settings;
        this.sources = new InetAddress[settings.sourceAddresses()];
        try {
            for (int i = 0; i < sources.length; i++) {
                sources[i] = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + i)});
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        this.upgradeRequest = ("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                + "Host: " + target.getAddress().getHostAddress() + ":" + target.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: ZHVwbGV4LWJlbmNobWFyaw==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        boolean epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(1,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_LINGER, 0)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
    }

    byte[] upgradeRequest() {
        return upgradeRequest;
    }

    byte[] joinPacket() {
        return joinPacket;
    }

    boolean answersPings() {
        return settings.answerPings();
    }

    int nowMs() {
        return (int) ((System.nanoTime() - t0) / 1_000_000);
    }

    private EventLoop loop() {
        return group.next();
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> task) {
        try {
            return loop().submit(task).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("generator thread did not answer within 60 s");
        }
    }

    /**
     * Runs the ramp and the hold and measures; the connections stay open until {@link #close()}, so the caller can
     * measure the server with all of them connected.
     *
     * @param serverAlive checked every second; the scenario ends early when it turns false
     * @param progress one line every few seconds
     */
    public Result run(BooleanSupplier serverAlive, Consumer<String> progress) {
        List<String> notes = new ArrayList<>();
        long heapBefore = generatorHeapAfterGc();
        // the ramp
        onLoop(() -> {
            firstConnectNanos = System.nanoTime();
            lastProgressNanos = firstConnectNanos;
            lastTick = System.nanoTime();
            loop().scheduleWithFixedDelay(this::tick, 100, 100, TimeUnit.MILLISECONDS);
            for (int i = 0; i < Math.min(settings.inFlight(), settings.connections()); i++) {
                startOne();
            }
            return null;
        });
        long rampDeadline = System.nanoTime() + settings.rampTimeout().toNanos();
        long lastReport = System.nanoTime();
        String stopReason = null;
        while (true) {
            sleep(100);
            int[] s = onLoop(() -> new int[] {started, joined, failed,
                    (int) ((System.nanoTime() - lastProgressNanos) / 1_000_000)});
            if (s[1] + s[2] >= settings.connections()) {
                break;
            }
            if (!serverAlive.getAsBoolean()) {
                stopReason = "the server process died during the ramp";
                break;
            }
            if (s[3] > settings.stall().toMillis()) {
                stopReason = "the ramp made no progress for " + settings.stall().toSeconds() + " s ("
                        + (s[0] - s[1] - s[2]) + " connections in flight never completed)";
                break;
            }
            if (System.nanoTime() > rampDeadline) {
                stopReason = "the ramp timed out after " + settings.rampTimeout().toSeconds() + " s";
                break;
            }
            if (System.nanoTime() - lastReport > 5_000_000_000L) {
                lastReport = System.nanoTime();
                progress.accept(String.format(java.util.Locale.ROOT, "%,d joined, %,d failed, %,d in flight",
                        s[1], s[2], s[0] - s[1] - s[2]));
            }
        }
        int[] ramp = onLoop(() -> {
            ramping = false;
            holding = true;
            return new int[] {joined, failed, started - joined - failed};
        });
        double connectSeconds = onLoop(() -> (lastJoinNanos - firstConnectNanos) / 1e9);
        if (stopReason != null) {
            notes.add(stopReason);
        }
        progress.accept(String.format(java.util.Locale.ROOT, "ramp: %,d of %,d joined in %.1f s (%,d failed, "
                + "%,d stuck)%s; holding %d s", ramp[0], settings.connections(), connectSeconds, ramp[1], ramp[2],
                stopReason == null ? "" : ": " + stopReason, settings.hold().toSeconds()));

        // the hold
        long holdStart = System.nanoTime();
        ScheduledFuture<?> bcast = onLoop(() -> loop().scheduleAtFixedRate(this::emit,
                settings.firstBroadcast().toMillis(), settings.broadcastEvery().toMillis(), TimeUnit.MILLISECONDS));
        long holdEnd = holdStart + settings.hold().toNanos();
        boolean died = false;
        lastReport = System.nanoTime();
        while (System.nanoTime() < holdEnd && ramp[0] > 0) {
            sleep(Math.min(1000, Math.max(1, (holdEnd - System.nanoTime()) / 1_000_000)));
            if (!serverAlive.getAsBoolean()) {
                died = true;
                notes.add("the server process died during the hold");
                break;
            }
            if (System.nanoTime() - lastReport > 10_000_000_000L) {
                lastReport = System.nanoTime();
                int[] h = onLoop(() -> new int[] {open, closedDuringHold, emitted});
                progress.accept(String.format(java.util.Locale.ROOT, "hold: %,d open, %,d closed by the server, "
                        + "%d broadcasts", h[0], h[1], h[2]));
            }
        }
        bcast.cancel(false);
        // let the last broadcast arrive (or give up after one period)
        long settle = System.nanoTime() + settings.broadcastEvery().toNanos();
        while (!died && System.nanoTime() < settle && !onLoop(this::lastBroadcastDone)) {
            sleep(50);
        }
        double heldSeconds = (System.nanoTime() - holdStart) / 1e9;
        Result r = onLoop(() -> {
            holding = false;
            int now = nowMs();
            long pings = 0;
            long pongs = 0;
            int min = Integer.MAX_VALUE;
            int max = 0;
            int openNow = 0;
            for (ScaleConnection c : conns) {
                if (c.state != ScaleConnection.JOINED) {
                    continue;
                }
                openNow++;
                pings += c.pings;
                pongs += c.pongs;
                min = Math.min(min, c.pings);
                max = Math.max(max, c.pings);
                long gap = now - c.lastPingMs;
                if (gap > settings.heartbeatDeadline().toMillis()) {
                    latePings++;
                }
                maxPingGapMs = Math.max(maxPingGapMs, gap);
            }
            // the pings of the connections that closed count too
            for (ScaleConnection c : conns) {
                if (c.state == ScaleConnection.CLOSED) {
                    pings += c.pings;
                    pongs += c.pongs;
                }
            }
            List<Broadcast> bs = new ArrayList<>();
            for (int k = 0; k < emitted; k++) {
                bs.add(new Broadcast(receivers[k], received[k], received[k] == 0 ? Double.NaN
                        : (firstReceipt[k] - emitNanos[k]) / 1e6, received[k] >= receivers[k] && receivers[k] > 0
                        ? (lastReceipt[k] - emitNanos[k]) / 1e6 : Double.NaN));
            }
            if (!closeReasons.isEmpty()) {
                notes.add("closed during the hold (first reasons): " + String.join("; ", closeReasons));
            }
            if (unexpectedEvents > 0) {
                notes.add(unexpectedEvents + " unexpected events received");
            }
            return new Result(settings.connections(), ramp[0], ramp[1], ramp[2], connectSeconds, heldSeconds,
                    openNow, closedDuringHold, pings, pongs, openNow == 0 ? 0 : min, max, latePings,
                    maxPingGapMs / 1000.0, bs, selfDeliveries, maxLagNanos / 1e6, 0, 0, notes);
        });
        long heapAfter = generatorHeapAfterGc();
        return new Result(r.requested(), r.reached(), r.connectFailures(), r.stuck(), r.connectSeconds(),
                r.heldSeconds(), r.openAtEnd(), r.closedDuringHold(), r.pings(), r.pongs(), r.minPings(),
                r.maxPings(), r.latePings(), r.maxPingGapSeconds(), r.broadcasts(), r.selfDeliveries(),
                r.maxLoopLagMillis(), heapBefore, heapAfter, r.notes());
    }

    private boolean lastBroadcastDone() {
        return emitted == 0 || received[emitted - 1] >= receivers[emitted - 1];
    }

    private void startOne() {
        if (!ramping || stopping || started >= settings.connections()) {
            return;
        }
        started++;
        ScaleConnection c = new ScaleConnection(this);
        conns.add(c);
        InetSocketAddress local = new InetSocketAddress(sources[nextSource], 0);
        nextSource = (nextSource + 1) % sources.length;
        bootstrap.clone().handler(c).connect(target, local).addListener(f -> {
            if (f.isSuccess()) {
                open++;
            } else {
                c.connectFailed(f.cause());
            }
        });
    }

    void onJoined(ScaleConnection c) {
        joined++;
        lastJoinNanos = System.nanoTime();
        lastProgressNanos = lastJoinNanos;
        startOne();
    }

    void onPing(ScaleConnection c) {
        int now = nowMs();
        long gap = now - c.lastPingMs;
        c.lastPingMs = now;
        if (holding && c.state == ScaleConnection.JOINED) {
            maxPingGapMs = Math.max(maxPingGapMs, gap);
            if (gap > settings.heartbeatDeadline().toMillis()) {
                latePings++;
            }
        }
    }

    void onClosed(ScaleConnection c, byte stateBefore, String why) {
        if (c.channel() != null) {
            open--;
        }
        if (stopping) {
            return;
        }
        if (stateBefore == ScaleConnection.JOINED) {
            if (holding) {
                closedDuringHold++;
                if (closeReasons.size() < 3) {
                    closeReasons.add(why);
                }
            } else if (ramping) {
                // a joined connection lost during the ramp: no longer counted as reached
                joined--;
                failed++;
                if (firstFailure == null) {
                    firstFailure = "lost after joining: " + why;
                }
            }
        } else if (ramping) {
            failed++;
            lastProgressNanos = System.nanoTime();
            if (firstFailure == null) {
                firstFailure = why;
            }
            startOne();
        }
    }

    /** The first failure of the ramp, or null. */
    public String firstFailure() {
        return onLoop(() -> firstFailure);
    }

    void onEvent(ScaleConnection c, ByteBuf buf, int from, int len) {
        long now = System.nanoTime();
        int args = from;
        while (args < from + len && buf.getByte(args) != '[') {
            args++;
        }
        if (from + len - args < BCAST_PREFIX.length + 6) {
            unexpectedEvents++;
            return;
        }
        for (int i = 0; i < BCAST_PREFIX.length; i++) {
            if (buf.getByte(args + i) != BCAST_PREFIX[i]) {
                unexpectedEvents++;
                return;
            }
        }
        int k = 0;
        for (int i = 0; i < 6; i++) {
            byte d = buf.getByte(args + BCAST_PREFIX.length + i);
            if (d < '0' || d > '9') {
                unexpectedEvents++;
                return;
            }
            k = k * 10 + (d - '0');
        }
        if (k >= emitted) {
            unexpectedEvents++;
            return;
        }
        if (c == conns.get(0)) {
            selfDeliveries++;
            return;
        }
        if (received[k]++ == 0) {
            firstReceipt[k] = now;
        }
        lastReceipt[k] = now;
    }

    private void emit() {
        if (stopping || emitted >= MAX_BROADCASTS || conns.isEmpty()) {
            return;
        }
        ScaleConnection sender = conns.get(0);
        if (sender.state != ScaleConnection.JOINED) {
            return;
        }
        int members = 0;
        for (ScaleConnection c : conns) {
            if (c.state == ScaleConnection.JOINED) {
                members++;
            }
        }
        int k = emitted++;
        receivers[k] = members - 1;
        String payload = String.format(java.util.Locale.ROOT, "%06d-scale-broadcast-to-everyone-", k)
                .substring(0, 32);
        byte[] packet = ("42[\"bcast\",\"" + ROOM + "\",\"" + payload + "\"]").getBytes(StandardCharsets.US_ASCII);
        emitNanos[k] = System.nanoTime();
        sender.send(packet);
    }

    private void tick() {
        long now = System.nanoTime();
        long lag = now - lastTick - 100_000_000L;
        if (lag > maxLagNanos && !ramping) {
            maxLagNanos = lag;
        }
        lastTick = now;
    }

    private static long generatorHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Closes every connection (RST) and stops the generator thread. */
    @Override
    public void close() {
        try {
            onLoop(() -> {
                stopping = true;
                for (ScaleConnection c : conns) {
                    c.close();
                }
                return null;
            });
        } catch (RuntimeException e) {
            // the loop is stuck or gone: shut it down anyway
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
