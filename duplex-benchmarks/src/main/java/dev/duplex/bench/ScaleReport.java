package dev.duplex.bench;

import dev.duplex.bench.load.ScaleLoad;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The scale scenario's section of {@code docs/benchmarks.md}, between two HTML comments so that
 * {@code bin/bench --scale} rewrites only it and a full {@code bin/bench} run carries it over unchanged.
 */
final class ScaleReport {
    static final String BEGIN =
            "<!-- scale scenario: written by bin/bench with its option scale; a full run keeps it -->";
    static final String END = "<!-- end of the scale scenario -->";
    /** The targets. */
    static final double RSS_TARGET_KB = 4.0;
    static final double REACH_P99_TARGET_MS = 1000.0;

    private final List<ScaleBench.Row> rows;
    private final List<String> failures;
    private final int requested;
    private final Duration hold;
    private final String cpu;
    private final String load0;
    private final String load1;
    private final Duration took;
    private final String command;

    ScaleReport(List<ScaleBench.Row> rows, List<String> failures, int requested, Duration hold, String cpu,
            String load0, String load1, Duration took, String command) {
        this.rows = rows;
        this.failures = failures;
        this.requested = requested;
        this.hold = hold;
        this.cpu = cpu;
        this.load0 = load0;
        this.load1 = load1;
        this.took = took;
        this.command = command;
    }

    /** The section, markers included. */
    String section() {
        StringBuilder md = new StringBuilder();
        md.append(BEGIN).append("\n## Scale scenario (issue #19): ").append(String.format(Locale.ROOT, "%,d",
                requested)).append(" concurrent WebSocket connections\n\n");
        String when = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        md.append("### Scale scenario, measured ").append(when).append(loaded() ? " on a loaded shared machine"
                : " on a quiet machine").append(": load average ").append(load0).append(" at the start, ")
                .append(load1).append(" at the end (").append(Machine.cpus()).append(" CPUs, ")
                .append(Machine.memory()).append(")\n\n");
        md.append("Reproduce with `").append(command).append("` (").append(took.toSeconds())
                .append(" s; it rewrites only this section). One run per contender.");
        if (loaded()) {
            md.append(" **The machine was shared with other work while this ran: times and CPU figures are "
                    + "pessimistic.**");
        }
        md.append("\n\n");
        String cap = capNote();
        if (cap != null) {
            md.append(cap).append("\n\n");
        }
        if (!rows.isEmpty()) {
            table(md);
            targets(md);
        }
        StringBuilder notes = new StringBuilder();
        for (ScaleBench.Row row : rows) {
            for (String n : row.notes()) {
                notes.append("- ").append(row.contender().name()).append(": ").append(n).append('\n');
            }
        }
        failures.forEach(f -> notes.append("- FAILED: ").append(f).append('\n'));
        if (notes.length() > 0) {
            md.append("Notes:\n\n").append(notes).append('\n');
        }
        method(md);
        md.append(END).append('\n');
        return md.toString();
    }

    /** Why fewer connections than requested were opened, or null. */
    private String capNote() {
        ScaleBench.Row capped = rows.stream().filter(r -> r.capCause() != null).findFirst().orElse(null);
        if (capped == null) {
            return null;
        }
        return String.format(Locale.ROOT, "**Not %,d connections: at most %,d on this machine.** Every socket is a "
                + "file descriptor, and no process here may open more than %s (`ulimit -Hn`, RLIMIT_NOFILE); the "
                + "harness runs as root but %s, so the hard limit cannot be raised (`ulimit -Hn 250000`: "
                + "\"Operation not permitted\"). Per contender the run was capped to what both the server and the "
                + "generator could open (%s). Figures per connection are at that count; 100,000 needs a machine "
                + "whose `ulimit -Hn` is above ~100,500 (bin/bench raises the soft limit to the hard one, and tries "
                + "to raise the hard one, for itself and the contenders).", requested, capped.fdCap(),
                ScaleBench.hardOpenFileLimit(), ScaleBench.mayRaiseLimits() ? "has CAP_SYS_RESOURCE"
                        : "without CAP_SYS_RESOURCE (dropped from the container's capabilities)", capped.capCause());
    }

    private void table(StringBuilder md) {
        md.append("| | ");
        rows.forEach(r -> md.append(r.contender().name()).append(" | "));
        md.append("target |\n|---|");
        rows.forEach(r -> md.append("---|"));
        md.append("---|\n");
        row(md, "connections reached (of attempted)", r -> String.format(Locale.ROOT, "%,d of %,d",
                r.load().reached(), r.load().requested()), "");
        row(md, "time to connect all (s); rate", r -> String.format(Locale.ROOT, "%.1f; %,.0f/s",
                r.load().connectSeconds(), r.load().reached() / Math.max(0.001, r.load().connectSeconds())), "");
        row(md, "held after all were connected (s); still open at the end", r -> String.format(Locale.ROOT,
                "%.0f; %,d", r.load().heldSeconds(), r.load().openAtEnd()), "≥ 60 s");
        row(md, "server RSS at the end (MB); before connecting", r -> r.rss1() < 0 ? "n/a"
                : String.format(Locale.ROOT, "%.0f; %.0f", r.rss1() / 1048576.0, r.rss0() / 1048576.0), "");
        row(md, "**RSS per connection (KB)**: growth / total ÷ connections", r -> r.rss1() < 0 ? "n/a"
                : String.format(Locale.ROOT, "**%.2f** / %.2f", kb(r.rss1() - r.rss0(), r), kb(r.rss1(), r)),
                "≤ 4 KB");
        row(md, "heap after GC per connection (KB)", r -> r.heap1() < 0 || r.heap0() < 0 ? "n/a"
                : String.format(Locale.ROOT, "%.2f", kb(r.heap1() - r.heap0(), r)), "");
        if (rows.stream().anyMatch(r -> r.load().reached() < requested)) {
            row(md, String.format(Locale.ROOT, "heap after GC at the end (MB); projected linearly to %,d", requested),
                    r -> r.heap1() < 0 || r.heap0() < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f; %.0f",
                            r.heap1() / 1048576.0, (r.heap0() + (double) (r.heap1() - r.heap0())
                                    / Math.max(1, r.load().reached()) * requested) / 1048576.0),
                    "JVMs: -Xmx1g");
        }
        row(md, "GC pauses: count; max (ms); total (ms)", r -> String.format(Locale.ROOT, "%d; %.1f; %.0f",
                r.pausesMillis().size(), r.pausesMillis().stream().mapToDouble(Double::doubleValue).max().orElse(0),
                r.pausesMillis().stream().mapToDouble(Double::doubleValue).sum()), "");
        row(md, "pings received / pongs sent (min–max per connection)", r -> String.format(Locale.ROOT,
                "%,d / %,d (%d–%d)", r.load().pings(), r.load().pongs(), r.load().minPings(),
                r.load().maxPings()), "");
        row(md, "**heartbeat misses**: closed by the server + pings later than 45 s", r -> String.format(
                Locale.ROOT, "**%d** (%d + %d)", r.load().heartbeatMisses(), r.load().closedDuringHold(),
                r.load().latePings()), "0");
        row(md, "longest wait for a ping (s)", r -> String.format(Locale.ROOT, "%.1f",
                r.load().maxPingGapSeconds()), "≤ 45 s");
        row(md, "broadcasts to everyone: complete of emitted", r -> r.load().broadcasts().size() - r.load()
                .incompleteBroadcasts() + " of " + r.load().broadcasts().size(), "all");
        row(md, "**broadcast reach time** (emit → last receipt) p50 / p99 / max (ms)", r -> {
            double[] v = r.load().reachMillis();
            return v.length == 0 ? "n/a" : String.format(Locale.ROOT, "%.0f / **%.0f** / %.0f", pct(v, 0.50),
                    pct(v, 0.99), v[v.length - 1]);
        }, "p99 ≤ 1,000 ms");
        row(md, "broadcast reach time of each broadcast, in order (ms)", r -> r.load().broadcasts().stream()
                .map(b -> b.complete() ? String.format(Locale.ROOT, "%.0f", b.reachMillis())
                        : String.format(Locale.ROOT, "incomplete (%,d of %,d)", b.received(), b.receivers()))
                .reduce((a, b) -> a + ", " + b).orElse("none"), "");
        row(md, "broadcast: emit → first receipt p50 / max (ms)", r -> {
            double[] v = r.load().firstMillis();
            return v.length == 0 ? "n/a" : String.format(Locale.ROOT, "%.0f / %.0f", pct(v, 0.50), v[v.length - 1]);
        }, "");
        row(md, "server CPU over ramp and hold (CPU-s)", r -> Double.isNaN(r.serverCpuSeconds()) ? "n/a"
                : String.format(Locale.ROOT, "%.1f", r.serverCpuSeconds()), "");
        row(md, "generator: heap per connection (KB); max event-loop lag (ms)", r -> String.format(Locale.ROOT,
                "%.2f; %.0f", (r.load().generatorHeapAfter() - r.load().generatorHeapBefore()) / 1024.0
                        / Math.max(1, r.load().reached()), r.load().maxLoopLagMillis()), "");
        md.append('\n');
    }

    private void targets(StringBuilder md) {
        md.append("Targets (issue #19, judged at the connection count reached):\n\n");
        for (ScaleBench.Row r : rows) {
            double rss = kb(r.rss1() - r.rss0(), r);
            double[] v = r.load().reachMillis();
            boolean all = r.load().reached() >= requested;
            md.append("- ").append(r.contender().name()).append(String.format(Locale.ROOT, " at %,d: ",
                    r.load().reached()));
            md.append("RSS per connection ").append(r.rss1() < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f KB %s",
                    rss, rss <= RSS_TARGET_KB ? "met" : "NOT met"));
            md.append("; heartbeat misses ").append(r.load().heartbeatMisses() == 0 && r.load().openAtEnd()
                    == r.load().reached() ? "none: met" : r.load().heartbeatMisses() + ": NOT met");
            md.append("; broadcast p99 ").append(v.length == 0 || r.load().incompleteBroadcasts() > 0
                    ? "NOT met (" + r.load().incompleteBroadcasts() + " incomplete)"
                    : String.format(Locale.ROOT, "%.0f ms %s", pct(v, 0.99), pct(v, 0.99) <= REACH_P99_TARGET_MS
                            ? "met" : "NOT met"));
            md.append(all ? "" : String.format(Locale.ROOT, " (not at %,d connections)", requested))
                    .append('\n');
        }
        md.append('\n');
    }

    private void method(StringBuilder md) {
        md.append("Method: per contender a fresh server process (the benchmark's contender, default options, ")
                .append(cpu == null ? "not pinned" : "pinned with `taskset` to CPU " + cpu)
                .append("; JVMs with the benchmark's flags `").append(String.join(" ", Contender.JVM_FLAGS))
                .append("` plus `-Xlog:gc:file=...`; Node with `--require gc-observer.js`, which logs every ")
                .append("`perf_hooks` gc entry). The raw-frame generator (`ScaleLoad`: one Netty event-loop ")
                .append("thread in the harness JVM, no timer per connection, no buffer while idle) opens the ")
                .append("connections over WebSocket directly from several loopback source addresses (127.0.0.2, ")
                .append("...), at most 200 in flight (TCP connect to the ack of `join(\"scale\")`); time to connect ")
                .append("all runs from the first connect to the last join ack. Then it holds them for ")
                .append(hold.toSeconds()).append(" s: it answers every Engine.IO ping (default heartbeat: ")
                .append("pingInterval 25 s, pingTimeout 20 s) with a pong as soon as it reads it, and one ")
                .append("connection emits `bcast(\"scale\", payload)` 5 s into the hold and every 10 s after, which ")
                .append("the server relays to every other member of the room (`socket.to(room).emit`). A heartbeat ")
                .append("miss is a connection the server closed during the hold, or a ping that came more than ")
                .append("pingInterval + pingTimeout (45 s) after the previous one (or after the open packet), the ")
                .append("deadline of the official client. Broadcast reach time runs from the emit to the last of ")
                .append("the receipts (one clock); p99 over the run's broadcasts (with so few, p99 is the slowest). ")
                .append("It includes the generator reading every socket after the server wrote it (one thread, on ")
                .append("the other CPU). RSS from `/proc/<pid>/status` (VmRSS) after the hold, before connecting ")
                .append("(after one priming connection); growth ÷ connections is the figure the target is about. ")
                .append("Heap after GC: the contender's `gc` command (JVM: System.gc() then heap used; Node: ")
                .append("global.gc() then heapUsed). GC pauses: those of the ramp and the hold (not the harness's ")
                .append("explicit collections).\n");
    }

    private void row(StringBuilder md, String label, Function<ScaleBench.Row, String> f, String target) {
        md.append("| ").append(label).append(" | ");
        for (ScaleBench.Row r : rows) {
            String v;
            try {
                v = f.apply(r);
            } catch (RuntimeException e) {
                v = "n/a";
            }
            md.append(v).append(" | ");
        }
        md.append(target).append(" |\n");
    }

    private static double kb(long bytes, ScaleBench.Row r) {
        return bytes / 1024.0 / Math.max(1, r.load().reached());
    }

    /** Nearest-rank percentile of sorted values. */
    static double pct(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private boolean loaded() {
        try {
            return Double.parseDouble(load0.split(",")[0].trim()) > 0.75 * Machine.cpus()
                    || Double.parseDouble(load1.split(",")[0].trim()) > 0.75 * Machine.cpus();
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** The section in a report, markers included, or null. */
    static String extract(String report) {
        return ReportSection.extract(report, BEGIN, END);
    }

    /**
     * The report with {@code section} in place of its scale section; where it has none, before its
     * {@code ## Findings}, else at its end.
     */
    static String splice(String report, String section) {
        return ReportSection.splice(report, section, BEGIN, END);
    }
}
