package dev.duplex.bench.load;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The five scenarios of the comparison, each run against one server process with a fresh {@link LoadGenerator}.
 * Each measures over a window that follows a warm-up, reads the server's and the generator's CPU time from
 * {@code /proc} at both ends of the window, and returns its figures. Every wait is bounded.
 */
public final class Scenarios {
    /**
     * How the scenarios are sized. Every window of a JVM contender (except the handshakes after
     * {@code hsEarlyWarmup}, meant to be early) starts once its JIT compiler threads have been quiet for
     * {@code quietSteps} consecutive half seconds ({@link WarmUp}), with the scenario's own load running: at least
     * {@code warmup} (echo, the first load of a fresh process), {@code fixedWarmup} (the fixed-rate echoes and the
     * official client) or {@code shortWarmup} (broadcast), and at most {@code jitCap} more. Handshakes "after the
     * long warm-up": at least {@code hsLongWarmup} connections, then more until the compiler is quiet, at most
     * {@code hsMaxWarmup} connections or {@code hsWarmupCap} past the minimum.
     */
    public record Settings(Duration warmup, Duration jitCap, Duration fixedWarmup, Duration shortWarmup,
                           Duration window, int echoClients, int fixedRate, int fixedClients, int roomSize,
                           int idleConnections, int handshakeInFlight, int sourceAddresses, int costRate,
                           int bcastRate, int hsEarlyWarmup, int hsLongWarmup, int quietSteps, int hsMaxWarmup,
                           Duration hsWarmupCap) {
        /**
         * The full run: 3-second windows (CPU time from schedstat, in nanoseconds). Warm-up: at least 1.2 s (echo),
         * 1.5 s (fixed-rate echoes, the official client) or 0.6 s (broadcast), then until the JIT compiler threads
         * were quiet for 3 half seconds in a row, at most 15 s more (a cost or a p99 measured while C2 compiles on
         * the server's only CPU is partly the compiler's); handshakes after 1,000 and after at least 15,000
         * warm-up connections (then until the compiler is quiet, at most 60,000 or 20 s more). Cost per message at
         * 20,000 echoes/s and 20 broadcasts/s to the room.
         */
        public static Settings full() {
            return new Settings(Duration.ofMillis(1200), Duration.ofSeconds(15), Duration.ofMillis(1500),
                    Duration.ofMillis(600), Duration.ofSeconds(3), 100, 5000, 100, 1000, 10_000, 50, 8, 20_000,
                    20, 1000, 15_000, 3, 60_000, Duration.ofSeconds(20));
        }

        /** A smoke run: short windows, short warm-up caps, fewer idle connections; not for comparison. */
        public static Settings quick() {
            return new Settings(Duration.ofMillis(700), Duration.ofMillis(1500), Duration.ofMillis(500),
                    Duration.ofMillis(500), Duration.ofMillis(1500), 100, 5000, 100, 1000, 2000, 50, 8, 20_000,
                    20, 1000, 3000, 2, 12_000, Duration.ofSeconds(3));
        }
    }

    /** The server under test, as the scenarios need it. */
    public interface Server {
        InetSocketAddress address();

        long pid();

        /** Asks the server to collect garbage and returns its heap in use afterwards, or -1 when unknown. */
        long heapAfterGc();
    }

    /** Figures measured by one scenario, and anything worth noting about them. */
    public record Result(Map<Metric, Double> values, List<String> notes) {
        Result() {
            this(new EnumMap<>(Metric.class), new ArrayList<>());
        }
    }

    /** Pairs of windows (one window of each set per pair) of the {@code polling-echo} scenario. */
    public static final int POLLING_ECHO_PAIRS = PollingEcho.PAIRS;

    private Scenarios() {
    }

    /**
     * Opens one connection and waits (up to 60 s) for its CONNECT answer, so that a cold server's first-connection
     * costs (class loading, lazy pools) stay out of every scenario.
     */
    public static void prime(Server server, Settings s) {
        try (LoadGenerator gen = new LoadGenerator(server.address(), s.sourceAddresses())) {
            Load load = new Load(gen) {
            };
            try {
                load.connectAll(1, 1, 60);
            } finally {
                load.closeAll();
            }
        }
    }

    /** Scenario 1: echo with ack, closed loop. */
    public static Result echo(Server server, Settings s) {
        Result r = new Result();
        try (LoadGenerator gen = new LoadGenerator(server.address(), s.sourceAddresses())) {
            EchoLoad load = new EchoLoad(gen, true, 0);
            try {
                load.connectAll(s.echoClients(), 100, 30);
                load.start();
                long[] alloc = new long[2];
                WarmUp.Settled<Measured> warm = settle(server, s, s.warmup(), "echo", r,
                        () -> measure(server, load, s.window(), gen, alloc), Measured::jitPercent);
                Measured m = warm.window();
                Window w = m.window();
                Load.Snapshot b = m.end();
                long n = m.completed();
                if (alloc[0] >= 0 && alloc[1] >= 0) {
                    r.values.put(Metric.ECHO_GEN_ALLOC, (alloc[1] - alloc[0]) / (double) Math.max(1, n));
                }
                r.values.put(Metric.ECHO_RATE, n / w.seconds);
                r.values.put(Metric.ECHO_PER_CPU, n / w.serverCpu);
                r.values.put(Metric.ECHO_SERVER_CORES, w.serverCpu / w.seconds);
                r.values.put(Metric.ECHO_GEN_CORES, w.generatorCpu / w.seconds);
                r.values.put(Metric.ECHO_GEN_US, w.generatorCpu / Math.max(1, n) * 1e6);
                r.values.put(Metric.ECHO_JIT_SHARE, 100 * w.jitCpu / w.serverCpu);
                r.values.put(Metric.ECHO_WARMUP, warm.seconds());
                putLatency(r, b.histogram(), Metric.ECHO_P50, Metric.ECHO_P99, Metric.ECHO_P999);
                checkErrors(r, "echo", b, n);
                noteGeneratorBound(r, "echo", w);
            } finally {
                load.closeAll();
            }
        }
        return r;
    }

    /** One measurement window: server and generator CPU, and the load's counters at its start and end. */
    record Measured(Window window, Load.Snapshot start, Load.Snapshot end) {
        long completed() {
            return end.completed() - start.completed();
        }

        double jitPercent() {
            return window.jitPercent();
        }
    }

    static Measured measure(Server server, Load load, Duration window) {
        return measure(server, load, window, null, null);
    }

    /**
     * Like {@link #measure(Server, Load, Duration)}; with a generator, {@code alloc} gets the generator thread's
     * allocated bytes at the start and the end of the window (the histogram's copy at the end left out).
     */
    private static Measured measure(Server server, Load load, Duration window, LoadGenerator gen, long[] alloc) {
        Window w = Window.open(server.pid());
        Load.Snapshot a = load.startRecording();
        if (gen != null) {
            alloc[0] = gen.allocatedBytes();
        }
        sleep(window);
        if (gen != null) {
            alloc[1] = gen.allocatedBytes();
        }
        Load.Snapshot b = load.stopRecording();
        w.close();
        return new Measured(w, a, b);
    }

    /** Scenario 2: echo with ack at a fixed rate, open loop, below saturation. */
    public static Result fixedRate(Server server, Settings s) {
        Result r = new Result();
        try (LoadGenerator gen = new LoadGenerator(server.address(), s.sourceAddresses())) {
            EchoLoad load = new EchoLoad(gen, false, s.fixedRate());
            try {
                load.connectAll(s.fixedClients(), 100, 30);
                load.start();
                WarmUp.Settled<Measured> warm = settle(server, s, s.fixedWarmup(), "fixed-rate echo", r,
                        () -> measure(server, load, s.window()), Measured::jitPercent);
                Measured m = warm.window();
                Window w = m.window();
                Load.Snapshot b = m.end();
                long n = m.completed();
                r.values.put(Metric.FIXED_WARMUP, warm.seconds());
                r.values.put(Metric.FIXED_RATE, n / w.seconds);
                r.values.put(Metric.FIXED_SERVER_CORES, w.serverCpu / w.seconds);
                r.values.put(Metric.FIXED_JIT_SHARE, 100 * w.jitCpu / w.serverCpu);
                putLatency(r, b.histogram(), Metric.FIXED_P50, Metric.FIXED_P99, null);
                checkErrors(r, "fixed-rate echo", b, n);
                long dropped = gen.onLoop(() -> load.dropped);
                if (dropped > 0) {
                    r.notes.add("fixed-rate echo: " + dropped + " sends skipped (more than 1024 acks outstanding)");
                }
                if (n < 0.9 * s.fixedRate() * w.seconds) {
                    r.notes.add(String.format("fixed-rate echo: only %.0f msg/s achieved (server saturated?)",
                            n / w.seconds));
                }
                noteGeneratorBound(r, "fixed-rate echo", w);
            } finally {
                load.closeAll();
            }
        }
        return r;
    }

    /**
     * Echo with ack at {@code costRate} messages per second (open loop, well below saturation): the server's CPU
     * time per message, exact (schedstat), with no generator bottleneck; latency beside it.
     */
    public static Result costEcho(Server server, Settings s) {
        Result r = new Result();
        String what = "echo at a fixed rate";
        try (LoadGenerator gen = new LoadGenerator(server.address(), s.sourceAddresses())) {
            EchoLoad load = new EchoLoad(gen, false, s.costRate());
            try {
                load.connectAll(s.fixedClients(), 100, 30);
                load.start();
                WarmUp.Settled<Measured> warm = settle(server, s, s.fixedWarmup(), what, r,
                        () -> measure(server, load, s.window()), Measured::jitPercent);
                Measured m = warm.window();
                Window w = m.window();
                Load.Snapshot b = m.end();
                long n = m.completed();
                r.values.put(Metric.COST_ECHO_WARMUP, warm.seconds());
                r.values.put(Metric.COST_ECHO_US, w.serverCpu / Math.max(1, n) * 1e6);
                r.values.put(Metric.COST_ECHO_RATE, n / w.seconds);
                r.values.put(Metric.COST_ECHO_JIT_SHARE, 100 * w.jitCpu / w.serverCpu);
                putLatency(r, b.histogram(), Metric.COST_ECHO_P50, Metric.COST_ECHO_P99, null);
                r.values.put(Metric.COST_ECHO_GEN_US, w.generatorCpu / Math.max(1, n) * 1e6);
                r.values.put(Metric.COST_ECHO_SYS_US, w.serverSys / Math.max(1, n) * 1e6);
                checkErrors(r, what, b, n);
                long dropped = gen.onLoop(() -> load.dropped);
                if (dropped > 0) {
                    r.notes.add(what + ": " + dropped + " sends skipped (more than 1024 acks outstanding)");
                }
                if (n < 0.9 * s.costRate() * w.seconds) {
                    r.notes.add(String.format("%s: only %.0f msg/s achieved (server saturated?)", what,
                            n / w.seconds));
                }
                noteGeneratorBound(r, what, w);
            } finally {
                load.closeAll();
            }
        }
        return r;
    }

    /**
     * Echo at {@code costRate} after connecting the way the official client does by default, measured against
     * direct WebSocket clients of the same process in paired windows ({@link PollingEcho}).
     */
    public static Result pollingEcho(Server server, Settings s) {
        return PollingEcho.run(server, s);
    }

    /** Scenario 3: one client broadcasts to a room of {@code roomSize} others. */
    public static Result broadcast(Server server, Settings s) {
        Result r = new Result();
        try (LoadGenerator gen = new LoadGenerator(server.address(), s.sourceAddresses())) {
            BroadcastLoad load = new BroadcastLoad(gen);
            try {
                load.connectAll(s.roomSize() + 1, 200, 60);
                load.joinAll(30);
                load.start();
                WarmUp.Settled<Measured> warm = settle(server, s, s.shortWarmup(), "broadcast", r,
                        () -> measure(server, load, s.window()), Measured::jitPercent);
                Measured m = warm.window();
                Window w = m.window();
                Load.Snapshot b = m.end();
                long n = m.completed();
                r.values.put(Metric.BCAST_WARMUP, warm.seconds());
                r.values.put(Metric.BCAST_JIT_SHARE, 100 * w.jitCpu / w.serverCpu);
                r.values.put(Metric.BCAST_RATE, n / w.seconds);
                r.values.put(Metric.BCAST_PER_CPU, n / w.serverCpu);
                r.values.put(Metric.BCAST_GEN_CORES, w.generatorCpu / w.seconds);
                putLatency(r, b.histogram(), Metric.BCAST_P50, Metric.BCAST_P99, null);
                if (n == 0) {
                    long[] st = gen.onLoop(() -> new long[] {load.joined, load.stalls, load.selfDeliveries});
                    throw new IllegalStateException("broadcast: no delivery in the window (" + st[0]
                            + " joins acknowledged, " + st[1] + " stalls, " + st[2] + " self-deliveries); last error: "
                            + b.lastError());
                }
                checkErrors(r, "broadcast", b, n);
                long self = gen.onLoop(() -> load.selfDeliveries);
                if (self > 0) {
                    r.notes.add("broadcast: ERROR: the sender received its own broadcast " + self + " times");
                }
                noteGeneratorBound(r, "broadcast", w);

                // then at a fixed rate well below saturation: the server's CPU per delivery
                load.pace(s.bcastRate());
                String paced = "broadcast at " + s.bcastRate() + "/s";
                WarmUp.Settled<Measured> warmPaced = settle(server, s, s.shortWarmup(), paced, r,
                        () -> measure(server, load, s.window()), Measured::jitPercent);
                Measured fixed = warmPaced.window();
                long delivered = fixed.completed();
                r.values.put(Metric.COST_BCAST_WARMUP, warmPaced.seconds());
                r.values.put(Metric.COST_BCAST_JIT_SHARE, 100 * fixed.window().jitCpu / fixed.window().serverCpu);
                noteJit(r, paced, fixed.window());
                r.values.put(Metric.COST_BCAST_US, fixed.window().serverCpu / Math.max(1, delivered) * 1e6);
                r.values.put(Metric.COST_BCAST_RATE, delivered / fixed.window().seconds);
                long expected = (long) (s.bcastRate() * fixed.window().seconds * s.roomSize());
                if (delivered < 0.9 * expected) {
                    r.notes.add(String.format("broadcast at %d/s: only %,d of about %,d deliveries in the window",
                            s.bcastRate(), delivered, expected));
                }
                checkErrors(r, "broadcast at a fixed rate", fixed.end(), delivered);
            } finally {
                load.closeAll();
            }
        }
        return r;
    }

    /**
     * Connection set-up early in a fresh process: after {@code hsEarlyWarmup} warm-up connections (the first
     * scenario of a process), handshakes per server CPU-second, the TCP set-up and the reset included.
     */
    public static Result handshakesEarly(Server server, Settings s) {
        return handshakes(server, s, s.hsEarlyWarmup(), Metric.HS1K_RATE, Metric.HS1K_PER_CPU, Metric.HS1K_P99,
                Metric.HS1K_JIT_SHARE, "handshakes after " + s.hsEarlyWarmup());
    }

    /**
     * The official socket.io-client (Node, {@code fixedClients} clients, closed loop) over WebSocket only: messages
     * per server CPU-second, and the client's CPU (it shares the generator's CPU).
     */
    public static Result officialClientWebSocket(Server server, Settings s) {
        return OfficialClientScenario.run(server, s, true);
    }

    /** Like {@link #officialClientWebSocket} with the client's default transports: polling, then the upgrade. */
    public static Result officialClientDefault(Server server, Settings s) {
        return OfficialClientScenario.run(server, s, false);
    }

    /** Where the Node scripts and interop/node_modules are, for the socket.io-client scenarios. */
    public static void nodePaths(java.nio.file.Path scripts, java.nio.file.Path interop) {
        OfficialClientLoad.configure(scripts, interop);
    }

    /** Scenario 4: idle connections (namespace connected); RSS and heap growth per connection. */
    public static Result idle(Server server, Settings s) {
        Result r = new Result();
        try (LoadGenerator gen = new LoadGenerator(server.address(), s.sourceAddresses())) {
            Load load = new Load(gen) {
            };
            try {
                // let the server finish closing the previous scenario's connections
                sleep(Duration.ofMillis(300));
                long heap0 = server.heapAfterGc();
                sleep(Duration.ofMillis(100));
                long rss0 = ProcStat.rssBytes(server.pid());
                load.connectAll(s.idleConnections(), 200, 120);
                sleep(Duration.ofMillis(200));
                long heap1 = server.heapAfterGc();
                sleep(Duration.ofMillis(100));
                long rss1 = ProcStat.rssBytes(server.pid());
                int n = s.idleConnections();
                r.values.put(Metric.IDLE_RSS_PER_CONN, (rss1 - rss0) / 1024.0 / n);
                if (heap0 >= 0 && heap1 >= 0) {
                    r.values.put(Metric.IDLE_HEAP_PER_CONN, (heap1 - heap0) / 1024.0 / n);
                }
                long lost = gen.onLoop(() -> load.errors);
                if (lost > 0) {
                    r.notes.add("idle: ERROR: " + lost + " idle connections were closed by the server; last: "
                            + load.lastError);
                }
            } finally {
                load.closeAll();
            }
        }
        return r;
    }

    /**
     * Scenario 5: connection setup, {@code handshakeInFlight} at once, after at least {@code hsLongWarmup} warm-up
     * connections (last in a process, after the idle scenario's), then more until the JIT compiler threads were
     * quiet for {@code quietSteps} half seconds in a row, at most {@code hsMaxWarmup} connections or
     * {@code hsWarmupCap} more; the connections and the time used are figures of their own.
     */
    public static Result handshakes(Server server, Settings s) {
        Result r = handshakes(server, s, s.hsLongWarmup(), Metric.HS_RATE, Metric.HS_PER_CPU, Metric.HS_P99,
                Metric.HS_JIT_SHARE, "handshakes");
        return r;
    }

    private static Result handshakes(Server server, Settings s, int warmupConnections, Metric rate, Metric perCpu,
            Metric p99, Metric jit, String what) {
        Result r = new Result();
        try (LoadGenerator gen = new LoadGenerator(server.address(), s.sourceAddresses())) {
            HandshakeLoad load = new HandshakeLoad(gen, s.handshakeInFlight());
            load.start();
            try {
                long t0 = System.nanoTime();
                long deadline = t0 + 30_000_000_000L;
                long done;
                while ((done = gen.onLoop(() -> load.completed)) < warmupConnections) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(what + ": only " + done + " of " + warmupConnections
                                + " warm-up connections within 30 s; last error: " + load.lastError);
                    }
                    sleep(Duration.ofMillis(20));
                }
                if (rate == Metric.HS_RATE) {
                    // then until the compiler is quiet (the connection path compiles for tens of thousands more)
                    long pid = server.pid();
                    WarmUp.Outcome o = WarmUp.run(() -> ProcStat.compilerNanosOrNone(pid), Duration.ZERO,
                            s.hsWarmupCap(), s.quietSteps(), () -> gen.onLoop(() -> load.completed),
                            s.hsMaxWarmup(), WarmUp.Clock.SYSTEM);
                    noteWarmUp(r, what, o, String.format(java.util.Locale.ROOT, "%,d connections, %.1f s",
                            o.progress(), (System.nanoTime() - t0) / 1e9));
                    r.values.put(Metric.HS_WARMUP, (System.nanoTime() - t0) / 1e9);
                }
                Measured m = measure(server, load, s.window());
                if (rate == Metric.HS_RATE) {
                    r.values.put(Metric.HS_WARMUP_CONNS, (double) m.start().completed());
                }
                Window w = m.window();
                Load.Snapshot b = m.end();
                long n = m.completed();
                r.values.put(rate, n / w.seconds);
                r.values.put(perCpu, n / w.serverCpu);
                r.values.put(jit, 100 * w.jitCpu / w.serverCpu);
                if (rate == Metric.HS_RATE) {
                    r.values.put(Metric.HS_GEN_CORES, w.generatorCpu / w.seconds);
                    putLatency(r, b.histogram(), Metric.HS_P50, Metric.HS_P99, null);
                } else {
                    putLatency(r, b.histogram(), Metric.HS1K_P50, p99, null);
                }
                checkErrors(r, what, b, n);
                if (rate == Metric.HS_RATE) {
                    noteGeneratorBound(r, what, w);
                } else {
                    double cores = w.generatorCpu / w.seconds;
                    if (cores >= 0.9) {
                        r.notes.add(String.format("%s: generator-bound (generator used %.2f cores)", what, cores));
                    }
                }
            } finally {
                load.stop();
            }
        }
        return r;
    }

    static void putLatency(Result r, Histogram h, Metric p50, Metric p99, Metric p999) {
        if (h.getTotalCount() == 0) {
            return;
        }
        r.values.put(p50, h.getValueAtPercentile(50) / 1e6);
        r.values.put(p99, h.getValueAtPercentile(99) / 1e6);
        if (p999 != null) {
            r.values.put(p999, h.getValueAtPercentile(99.9) / 1e6);
        }
    }

    static void checkErrors(Result r, String what, Load.Snapshot b, long n) {
        if (b.errors() > 0) {
            r.notes.add(what + ": ERROR: " + b.errors() + " protocol errors or lost connections; last: "
                    + b.lastError());
        }
        if (n == 0) {
            throw new IllegalStateException(what + ": nothing completed in the window; last error: "
                    + b.lastError());
        }
    }

    static void noteGeneratorBound(Result r, String what, Window w) {
        noteJit(r, what, w);
        double cores = w.generatorCpu / w.seconds;
        if (cores >= 0.9) {
            r.notes.add(String.format("%s: generator-bound (generator used %.2f cores): rates are lower bounds",
                    what, cores));
        }
    }

    /** Notes a window in which the JIT compiler threads used more than 10% of the server's CPU. */
    static void noteJit(Result r, String what, Window w) {
        if (w.jitCpu > 0.1 * w.serverCpu) {
            r.notes.add(String.format("%s: the JIT compiler threads used %.0f%% of the server's CPU in the window "
                    + "(not fully warm)", what, 100 * w.jitCpu / w.serverCpu));
        }
    }

    /** Sleeps between steps (bounded, not a measurement). */
    public static void pause(Duration d) {
        sleep(d);
    }

    /**
     * Warms up with the scenario's load running, then measures a window ({@link WarmUp#settle}): at least
     * {@code min}, then until the server's JIT compiler threads were quiet for {@code s.quietSteps()} half seconds
     * in a row, at most {@code s.jitCap()} more; a window in which they still used more than 10% of the server's
     * CPU is measured again while the cap leaves room. A process without compiler threads (Node) stops at
     * {@code min}. Notes a warm-up that reached its cap and every window discarded, and prints the compiler's
     * milliseconds per half second to the console.
     */
    static <M> WarmUp.Settled<M> settle(Server server, Settings s, Duration min, String what, Result r,
            java.util.function.Supplier<M> measure, java.util.function.ToDoubleFunction<M> jitPercent) {
        long pid = server.pid();
        WarmUp.Settled<M> st = WarmUp.settle(() -> ProcStat.compilerNanosOrNone(pid), min, s.jitCap(),
                s.quietSteps(), s.window(), measure, jitPercent, WarmUp.Clock.SYSTEM);
        noteWarmUp(r, what, st.warmUp(), String.format(java.util.Locale.ROOT, "%.1f s", st.seconds()));
        if (!st.discarded().isEmpty()) {
            StringBuilder shares = new StringBuilder();
            for (double d : st.discarded()) {
                shares.append(shares.length() == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%.0f%%",
                        d));
            }
            int n = st.discarded().size();
            r.notes.add(what + ": measured again after " + (n == 1 ? "a window" : n + " windows") + " in which the "
                    + "JIT compiler threads used " + shares + " of the server's CPU (counted in the warm-up used)");
        }
        return st;
    }

    static void noteWarmUp(Result r, String what, WarmUp.Outcome o, String used) {
        if (!o.compilerMsPerStep().isEmpty()) {
            System.out.println("    warm-up " + what + ": " + used + (o.settled() ? "" : " (cap)")
                    + "; compiler ms per half second: " + o.trace());
        }
        if (!o.settled()) {
            r.notes.add(what + ": the warm-up reached its cap (" + used + ") before the JIT compiler threads "
                    + "were quiet");
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
