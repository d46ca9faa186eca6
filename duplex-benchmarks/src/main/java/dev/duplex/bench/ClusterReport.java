package dev.duplex.bench;

import dev.duplex.bench.load.ClusterScenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The cluster scenario's section of {@code docs/benchmarks.md}, between two HTML comments so that
 * {@code bin/bench --cluster} rewrites only it and a full {@code bin/bench} run carries it over unchanged.
 */
final class ClusterReport {
    static final String BEGIN =
            "<!-- cluster scenario: written by bin/bench with its option cluster; a full run keeps it -->";
    static final String END = "<!-- end of the cluster scenario -->";

    private final Map<String, Contender> contenders;
    private final Map<String, List<ClusterScenario.Result>> results;
    private final List<String> failures;
    private final ClusterScenario.Settings settings;
    private final int runs;
    private final String cpu;
    private final String load0;
    private final String load1;
    private final Duration took;
    private final String command;

    ClusterReport(Map<String, Contender> contenders, Map<String, List<ClusterScenario.Result>> results,
            List<String> failures, ClusterScenario.Settings settings, int runs, String cpu, String load0,
            String load1, Duration took, String command) {
        this.contenders = contenders;
        this.results = results;
        this.failures = failures;
        this.settings = settings;
        this.runs = runs;
        this.cpu = cpu;
        this.load0 = load0;
        this.load1 = load1;
        this.took = took;
        this.command = command;
    }

    /** The section, markers included. */
    String section() {
        StringBuilder md = new StringBuilder();
        md.append(BEGIN).append("\n## Cluster scenario (issue #12)\n\n");
        String when = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        md.append("### Cluster scenario, measured ").append(when).append(loaded() ? " on a loaded shared machine"
                : " on a quiet machine").append(": load average ").append(load0).append(" at the start, ")
                .append(load1).append(" at the end (").append(Machine.cpus()).append(" CPUs)\n\n");
        md.append("Reproduce with `").append(command).append("` (").append(took.toSeconds())
                .append(" s; it rewrites only this section). ");
        if (loaded()) {
            md.append("**The machine was shared with other work while this ran: the figures show that the scenario "
                    + "works, not how the pairs compare; rerun on a quiet machine.** ");
        }
        md.append(runs == 1 ? "One run.\n\n" : "Median of " + runs + " runs [min–max].\n\n");

        md.append("| metric | ");
        for (String k : ClusterBench.KINDS) {
            md.append(contenders.get(k).name()).append(" pair | ");
        }
        md.append("Duplex / Node |\n|---|---|---|---|\n");
        row(md, "**deliveries per server CPU-second** (both nodes' CPU)", "%,.0f", ClusterScenario.Result::perCpu,
                true, false);
        row(md, "deliveries received per second", "%,.0f", r -> r.deliveries() / r.seconds(), true, false);
        row(md, "broadcasts emitted per second", "%,.1f", r -> r.emits() / r.seconds(), false, false);
        row(md, "deliveries of the window's emits received (of emits × " + String.format(Locale.ROOT, "%,d",
                settings.clients() - 1) + " receivers), %", "%.2f", r -> 100 * r.deliveredShare(), false, false);
        row(md, "deliveries to the other node's clients (through Redis), %", "%.1f",
                r -> 100.0 * r.crossNode() / Math.max(1, r.deliveries()), false, false);
        row(md, "server CPU used, both nodes (cores)", "%.3f", ClusterScenario.Result::serverCores, false, false);
        row(md, "  node 1 CPU (cores)", "%.3f", r -> r.nodeCpu()[0] / r.seconds(), false, false);
        row(md, "  node 2 CPU (cores)", "%.3f", r -> r.nodeCpu()[1] / r.seconds(), false, false);
        row(md, "  of which JIT compiler threads, %", "%.1f", r -> 100 * r.jitCpu() / Math.max(0.01,
                r.serverCores() * r.seconds()), false, false);
        row(md, "Redis CPU (cores)", "%.3f", r -> r.redisCpu() / r.seconds(), false, false);
        row(md, "generator CPU (cores)", "%.3f", r -> r.generatorCpu() / r.seconds(), false, false);
        row(md, "delivery latency p50, all (ms)", "%.2f", ClusterScenario.Result::p50, false, true);
        row(md, "delivery latency p99, all (ms)", "%.2f", ClusterScenario.Result::p99, false, true);
        row(md, "  same node p50 / p99 (ms)", null, null, false, false);
        row(md, "  cross node (through Redis) p50 / p99 (ms)", null, null, false, false);
        md.append('\n');

        StringBuilder notes = new StringBuilder();
        for (String k : ClusterBench.KINDS) {
            List<ClusterScenario.Result> rs = results.get(k);
            for (int i = 0; i < rs.size(); i++) {
                for (String n : rs.get(i).notes()) {
                    notes.append("- ").append(contenders.get(k).name()).append(" pair, run ").append(i + 1)
                            .append(": ").append(n).append('\n');
                }
            }
        }
        failures.forEach(f -> notes.append("- FAILED: ").append(f).append('\n'));
        if (notes.length() > 0) {
            md.append("Notes:\n\n").append(notes).append('\n');
        }

        md.append("Method: per run and kind, a fresh `redis-server` and two fresh server processes of one kind: ")
                .append("Node socket.io 4.8 with `@socket.io/redis-adapter` 8.3.0 on two node-redis clients, or ")
                .append("Duplex with `dev.duplex.redis.RedisAdapterFactory` (default options, classic protocol); ")
                .append("each node is the benchmark's contender (`socketio-server.js`, `DuplexBenchServer`) started ")
                .append("with `--redis <uri>`, ")
                .append(cpu == null ? "not pinned" : "both pinned with `taskset` to CPU " + cpu)
                .append(", Redis on the generator's CPU. The raw-frame generator opens ")
                .append(String.format(Locale.ROOT, "%,d", settings.clients()))
                .append(" WebSocket clients, alternately on node 1 and node 2 (")
                .append(settings.clients() / 2).append(" each), all join one room; ")
                .append(settings.sendersPerNode()).append(" clients on each node take turns to emit ")
                .append("`bcast(room, payload)` (32-byte string) at ")
                .append(String.format(Locale.ROOT, "%,.0f", settings.ratePerSecond()))
                .append(" broadcasts/s in total (open loop, 5 ms ticks; `--cluster-rate N`), which the node relays ")
                .append("with `socket.to(room).emit(...)`: its own clients directly, the other node's through Redis, ")
                .append("every member but the sender. After a warm-up of ")
                .append(settings.warmup().toMillis()).append(" ms (up to ").append(settings.warmupMore().toMillis())
                .append(" ms more until the JVM nodes' JIT compilers are quiet), a ")
                .append(settings.window().toMillis())
                .append(" ms window counts the deliveries the clients received and the CPU time (utime + stime, ")
                .append("`/proc/<pid>/stat`) of both nodes, Redis and the generator; deliveries per server ")
                .append("CPU-second divides the deliveries by the two nodes' CPU seconds (Redis not included, shown ")
                .append("apart). Latency is from the emit to the receipt (one clock: the generator's). Reading: ")
                .append("a pair that gets less CPU than the load needs (saturated, or starved by other work on a ")
                .append("shared machine) queues deliveries and writes them in bigger batches, which raises its ")
                .append("deliveries per CPU-second: compare the pairs only where neither skipped emits and both ")
                .append("latencies are low; the JIT row shows how much of a JVM pair's CPU was still compilation.\n")
                .append(END).append('\n');
        return md.toString();
    }

    private boolean loaded() {
        try {
            return Double.parseDouble(load0.split(",")[0].trim()) > 0.75 * Machine.cpus()
                    || Double.parseDouble(load1.split(",")[0].trim()) > 0.75 * Machine.cpus();
        } catch (RuntimeException e) {
            return true;
        }
    }

    /**
     * One table row: per kind the median over its runs (with min–max when there are several), then the
     * Duplex / Node ratio ({@code higherIsBetter}: Duplex / Node, {@code lowerIsBetter}: Node / Duplex, neither:
     * no ratio). A null format: the same-node and cross-node latency rows.
     */
    private void row(StringBuilder md, String label, String format, ToDoubleFunction<ClusterScenario.Result> f,
            boolean higherIsBetter, boolean lowerIsBetter) {
        md.append("| ").append(label).append(" | ");
        if (format == null) {
            boolean local = label.contains("same");
            for (String k : ClusterBench.KINDS) {
                double p50 = median(results.get(k), local ? ClusterScenario.Result::localP50
                        : ClusterScenario.Result::remoteP50);
                double p99 = median(results.get(k), local ? ClusterScenario.Result::localP99
                        : ClusterScenario.Result::remoteP99);
                md.append(fmt("%.2f", p50)).append(" / ").append(fmt("%.2f", p99)).append(" | ");
            }
            md.append(" |\n");
            return;
        }
        for (String k : ClusterBench.KINDS) {
            List<ClusterScenario.Result> rs = results.get(k);
            md.append(fmt(format, median(rs, f)));
            if (rs.size() > 1) {
                double[] v = rs.stream().mapToDouble(f).sorted().toArray();
                md.append(" [").append(fmt(format, v[0])).append('–').append(fmt(format, v[v.length - 1]))
                        .append(']');
            }
            md.append(" | ");
        }
        double node = median(results.get(Contender.REFERENCE), f);
        double duplex = median(results.get("duplex"), f);
        if (higherIsBetter) {
            md.append(Report.ratio(duplex / node));
        } else if (lowerIsBetter) {
            md.append(Report.ratio(node / duplex));
        }
        md.append(" |\n");
    }

    private static double median(List<ClusterScenario.Result> rs, ToDoubleFunction<ClusterScenario.Result> f) {
        if (rs == null || rs.isEmpty()) {
            return Double.NaN;
        }
        double[] v = rs.stream().mapToDouble(f).toArray();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String fmt(String format, double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, format, v);
    }

    /** {@code /proc/loadavg}'s three load averages, e.g. {@code "11.35, 11.98, 12.49"}. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The section in a report, markers included, or null. */
    static String extract(String report) {
        return ReportSection.extract(report, BEGIN, END);
    }

    /**
     * The report with {@code section} in place of its cluster section; where it has none, before its
     * {@code ## Findings}, else at its end.
     */
    static String splice(String report, String section) {
        return ReportSection.splice(report, section, BEGIN, END);
    }
}
