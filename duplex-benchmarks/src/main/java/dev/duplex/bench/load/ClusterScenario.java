package dev.duplex.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The cluster scenario of issue #12: the nodes of one cluster (two server processes linked through one Redis),
 * {@code clients} raw WebSocket clients spread evenly over them, all in one room, and {@code sendersPerNode}
 * clients on every node broadcasting to the room at a fixed total rate. Measures, over a window after a warm-up,
 * the deliveries the clients received and the CPU time of every node process (utime + stime from
 * {@code /proc/<pid>/stat}), of Redis and of the generator. Every wait is bounded.
 */
public final class ClusterScenario {
    private static final long GENERATOR_PID = ProcessHandle.current().pid();
    /** How long the deliveries of the window's emits may still take after it. */
    private static final Duration DRAIN = Duration.ofSeconds(5);

    private ClusterScenario() {
    }

    /** How the scenario is sized. */
    public record Settings(int clients, int sendersPerNode, double ratePerSecond, Duration warmup,
                           Duration warmupMore, Duration window, int sourceAddresses) {
        /** The default run: 1,000 clients, 5 senders per node, 50 broadcasts/s, 8 s window. */
        public static Settings standard(double rate) {
            return new Settings(1000, 5, rate, Duration.ofSeconds(3), Duration.ofSeconds(6), Duration.ofSeconds(8),
                    8);
        }

        /** A smoke run: same load, short warm-up and window. */
        public static Settings quick(double rate) {
            return new Settings(1000, 5, rate, Duration.ofMillis(1500), Duration.ofMillis(1000),
                    Duration.ofSeconds(3), 8);
        }
    }

    /**
     * What one cluster did in the window: deliveries, emits (made and skipped because too many deliveries were
     * outstanding), the emits made in the window and how many of their deliveries arrived (in the window or up to
     * 5 s after it), wall and CPU seconds (per node, the nodes' JIT compiler threads, Redis, generator), latencies in ms (all, same-node,
     * cross-node: NaN when none), the deliveries to a client of another node than the sender's (through Redis),
     * errors and notes.
     */
    public record Result(long deliveries, long emits, long skipped, double seconds, double[] nodeCpu,
                         double jitCpu, double redisCpu, double generatorCpu, double p50, double p99, double localP50,
                         double localP99, double remoteP50, double remoteP99, long crossNode, long windowEmits,
                         long windowDelivered, int receiversPerEmit, List<String> notes) {
        /** Deliveries per CPU-second of all the nodes together. */
        public double perCpu() {
            double cpu = 0;
            for (double c : nodeCpu) {
                cpu += c;
            }
            return deliveries / Math.max(0.01, cpu);
        }

        public double serverCores() {
            double cpu = 0;
            for (double c : nodeCpu) {
                cpu += c;
            }
            return cpu / seconds;
        }

        /**
         * The deliveries of the emits made in the window (received in it or in the drain time after it) over those
         * they asked for: 1 when the cluster lost nothing.
         */
        public double deliveredShare() {
            return windowEmits == 0 ? 0 : (double) windowDelivered / ((double) windowEmits * receiversPerEmit);
        }
    }

    /**
     * Runs the scenario against the nodes (their addresses and process ids) and a Redis process ({@code redisPid}
     * negative: unknown, its CPU is NaN).
     *
     * @throws IllegalStateException when the clients cannot connect or join, or nothing is delivered
     */
    public static Result run(List<Scenarios.Server> nodes, long redisPid, Settings s) {
        List<java.net.InetSocketAddress> targets = nodes.stream().map(Scenarios.Server::address).toList();
        List<String> notes = new ArrayList<>();
        try (LoadGenerator gen = new LoadGenerator(targets, s.sourceAddresses())) {
            ClusterLoad load = new ClusterLoad(gen, nodes.size(), s.sendersPerNode(), s.ratePerSecond());
            try {
                load.connectAll(s.clients(), 200, 60);
                load.joinAll(30);
                load.start();
                warmUp(nodes, s.warmup(), s.warmupMore());
                long[] cpu0 = new long[nodes.size()];
                for (int i = 0; i < nodes.size(); i++) {
                    cpu0[i] = ProcStat.cpuTicks(nodes.get(i).pid());
                }
                long jit0 = 0;
                for (Scenarios.Server node : nodes) {
                    jit0 += ProcStat.compilerNanos(node.pid());
                }
                long redis0 = redisPid < 0 ? 0 : ProcStat.cpuTicks(redisPid);
                long gen0 = ProcStat.cpuTicks(GENERATOR_PID);
                long[] e0 = load.emits();
                long t0 = System.nanoTime();
                Load.Snapshot a = load.startRecording();
                load.openWindow();
                Scenarios.sleep(s.window());
                load.closeWindow();
                Load.Snapshot b = load.stopRecording();
                long[] e1 = load.emits();
                double seconds = (System.nanoTime() - t0) / 1e9;
                double[] nodeCpu = new double[nodes.size()];
                for (int i = 0; i < nodes.size(); i++) {
                    nodeCpu[i] = (ProcStat.cpuTicks(nodes.get(i).pid()) - cpu0[i]) / ProcStat.TICKS_PER_SECOND;
                }
                long jit1 = 0;
                for (Scenarios.Server node : nodes) {
                    jit1 += ProcStat.compilerNanos(node.pid());
                }
                double jitCpu = (jit1 - jit0) / 1e9;
                double redisCpu = redisPid < 0 ? Double.NaN
                        : (ProcStat.cpuTicks(redisPid) - redis0) / ProcStat.TICKS_PER_SECOND;
                double genCpu = (ProcStat.cpuTicks(GENERATOR_PID) - gen0) / ProcStat.TICKS_PER_SECOND;
                Histogram[] split = gen.onLoop(() -> new Histogram[] {load.local.copy(), load.remote.copy()});
                long n = b.completed() - a.completed();
                if (n == 0) {
                    throw new IllegalStateException("cluster: no delivery in the window; last error: "
                            + b.lastError());
                }
                if (b.errors() > a.errors()) {
                    notes.add("ERROR: " + (b.errors() - a.errors()) + " protocol errors or lost connections; last: "
                            + b.lastError());
                }
                if (e1[2] > 0) {
                    notes.add("ERROR: a sender received its own broadcast " + e1[2] + " times");
                }
                if (e1[1] > e0[1]) {
                    notes.add((e1[1] - e0[1]) + " emits skipped in the window (more than " + ClusterLoad.MAX_BEHIND
                            + " broadcasts' deliveries outstanding: the cluster is saturated)");
                }
                double serverCpu = java.util.Arrays.stream(nodeCpu).sum();
                if (jitCpu > 0.1 * serverCpu) {
                    notes.add(String.format(java.util.Locale.ROOT, "the JIT compiler threads used %.0f%% of the "
                            + "nodes' CPU in the window (not fully warm)", 100 * jitCpu / Math.max(0.01, serverCpu)));
                }
                if (genCpu / seconds >= 0.9) {
                    notes.add(String.format(java.util.Locale.ROOT, "generator-bound (generator used %.2f cores)",
                            genCpu / seconds));
                }
                // the deliveries of the window's emits that are still on their way: wait for them (bounded)
                long drainUntil = System.nanoTime() + DRAIN.toNanos();
                long[] w = load.window();
                while (w[1] < w[0] * (s.clients() - 1) && System.nanoTime() < drainUntil) {
                    Scenarios.sleep(Duration.ofMillis(50));
                    w = load.window();
                }
                if (w[1] < w[0] * (s.clients() - 1)) {
                    notes.add(String.format(java.util.Locale.ROOT, "%,d deliveries of the window's emits missing "
                            + "%d s after the window", w[0] * (s.clients() - 1) - w[1], DRAIN.toSeconds()));
                }
                Histogram all = b.histogram();
                return new Result(n, e1[0] - e0[0], e1[1] - e0[1], seconds, nodeCpu, jitCpu, redisCpu, genCpu,
                        pct(all, 50), pct(all, 99), pct(split[0], 50), pct(split[0], 99), pct(split[1], 50),
                        pct(split[1], 99), split[1].getTotalCount(), w[0], w[1], s.clients() - 1, notes);
            } finally {
                load.closeAll();
            }
        }
    }

    /** Warms up for {@code min}, then up to {@code extra} more until no node's JIT compiler is busy. */
    private static void warmUp(List<Scenarios.Server> nodes, Duration min, Duration extra) {
        Scenarios.sleep(min);
        long deadline = System.nanoTime() + extra.toNanos();
        long[] compiled = new long[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            compiled[i] = ProcStat.compilerNanos(nodes.get(i).pid());
        }
        while (System.nanoTime() < deadline) {
            Scenarios.sleep(Duration.ofMillis(500));
            boolean quiet = true;
            for (int i = 0; i < nodes.size(); i++) {
                long now = ProcStat.compilerNanos(nodes.get(i).pid());
                quiet &= now - compiled[i] <= 20_000_000L;
                compiled[i] = now;
            }
            if (quiet) {
                return;
            }
        }
    }

    private static double pct(Histogram h, double p) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(p) / 1e6;
    }
}
