package dev.duplex.bench;

import dev.duplex.bench.load.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The "Targets (issue #19)" table: each target judged on the default Duplex configuration with same-run ratios
 * against the bare-Netty ceiling or Node socket.io (median over the runs), or run by run where the issue asks for
 * every run.
 */
final class Targets19 {
    private static final String DUPLEX = "duplex";
    private static final String BARE = "bare";
    private static final String NODE = Contender.REFERENCE;

    private final Results results;
    private final boolean quick;

    Targets19(Results results, boolean quick) {
        this.results = results;
        this.quick = quick;
    }

    /** One row: the figure shown per contender, the target, and the verdict (null: not measured). */
    private record Row(String label, Metric shown, String target, Boolean met, String why) {
    }

    void write(StringBuilder md) {
        md.append("## Targets (issue #19)\n\n");
        md.append("Figures are medians of the runs; the ratios behind \"met?\" are same-run ratios (median over "
                + "the runs, computed run by run), judged on the default Duplex configuration. CPU time is the "
                + "server process's, from `/proc/<pid>/task/<tid>/schedstat` (nanoseconds).\n\n");
        md.append("| target |");
        for (Contender c : results.contenders) {
            md.append(' ').append(c.name()).append(" |");
        }
        md.append(" Duplex target | met? |\n|---|").append("---|".repeat(results.contenders.size()))
                .append("---|---|\n");
        for (Row r : rows()) {
            md.append("| ").append(r.label()).append(" |");
            for (Contender c : results.contenders) {
                md.append(' ').append(cell(c, r.shown())).append(" |");
            }
            md.append(' ').append(r.target()).append(" | ").append(verdict(r)).append(" |\n");
        }
        md.append('\n');
    }

    private String cell(Contender c, Metric m) {
        if (m == null) {
            return "";
        }
        Results.Stat s = results.stat(c, m);
        return s.n() == 0 ? "n/a" : m.format(s.median());
    }

    private String verdict(Row r) {
        if (r.met() == null && r.target().startsWith("(")) {
            return "— (" + r.why() + ")";
        }
        if (r.met() == null) {
            return "not measured" + (r.why().isEmpty() ? "" : " (" + r.why() + ")");
        }
        String v = quick ? "(smoke run: not judged)" : r.met() ? "yes" : "**no**";
        return v + (r.why().isEmpty() ? "" : " (" + r.why() + ")");
    }

    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        // 1. echo cost at a fixed rate: <= 1.15x bare, Node/Duplex >= 3x
        Results.Stat toBare = ratio(DUPLEX, Metric.COST_ECHO_US, BARE, Metric.COST_ECHO_US);
        Results.Stat nodeOver = ratio(NODE, Metric.COST_ECHO_US, DUPLEX, Metric.COST_ECHO_US);
        rows.add(new Row("1. echo at a fixed 20,000 msg/s (100 clients): server CPU-µs per message",
                Metric.COST_ECHO_US, "≤ 1.15× bare Netty, and Node ≥ 3× Duplex",
                both(toBare, nodeOver) ? toBare.median() <= 1.15 && nodeOver.median() >= 3 : null,
                x(toBare) + " bare Netty; Node " + x(nodeOver) + " Duplex" + kernelShare()));
        Results.Stat bcast = ratio(DUPLEX, Metric.COST_BCAST_US, BARE, Metric.COST_BCAST_US);
        rows.add(new Row("1. broadcast at 20/s to a room of 1,000: server CPU-µs per delivery", Metric.COST_BCAST_US,
                "≤ 1.15× bare Netty", bcast.n() > 0 ? bcast.median() <= 1.15 : null, x(bcast) + " bare Netty"));
        // 2. handshakes per server CPU-second >= 0.8x bare, early and late
        Results.Stat early = ratio(DUPLEX, Metric.HS1K_PER_CPU, BARE, Metric.HS1K_PER_CPU);
        rows.add(new Row("2. handshakes per server CPU-second after 1,000 warm-up connections (set-up and RST)",
                Metric.HS1K_PER_CPU, "≥ 0.8× bare Netty", early.n() > 0 ? early.median() >= 0.8 : null,
                x(early) + " bare Netty"));
        Results.Stat late = ratio(DUPLEX, Metric.HS_PER_CPU, BARE, Metric.HS_PER_CPU);
        rows.add(new Row("2. the same after the long warm-up (" + Metric.HS_PER_CPU.label().replaceAll(".*\\((.*)\\)",
                "$1") + ")", Metric.HS_PER_CPU, "≥ 0.8× bare Netty", late.n() > 0 ? late.median() >= 0.8 : null,
                x(late) + " bare Netty" + warmUpConnections()));
        // 3. fixed-rate p99 <= Node's in each run
        rows.add(p99Row());
        // 4. idle RSS per connection
        Results.Stat rss = results.has(DUPLEX) ? stat(DUPLEX, Metric.IDLE_RSS_PER_CONN) : Results.Stat.NONE;
        rows.add(new Row("4. idle RSS per connection (" + "WebSocket, namespace connected)", Metric.IDLE_RSS_PER_CONN,
                "≤ 4 KB", rss.n() > 0 ? rss.median() <= 4.0 : null, ""));
        // 5. polling -> upgrade echo cost within 10% of WebSocket-only: upgraded / direct in the same process
        rows.add(pollingRow());
        // 6. the official client: >= 2x Node, or within 1.15x of the bare ceiling driven the same way
        rows.add(clientRow("6. socket.io-client (Node, 100 clients, closed loop), WebSocket only: messages per "
                + "server CPU-second", Metric.SIO_WS_PER_CPU));
        rows.add(clientRow("6. socket.io-client, default transports (polling, then upgrade): messages per server "
                + "CPU-second (ceiling: bare Netty over WebSocket)", Metric.SIO_POLL_PER_CPU));
        // 7. the generator's own cost
        rows.add(new Row("7. the raw generator's CPU-µs per round trip (echo at 20,000 msg/s; closed loop: see "
                + "\"echo: generator CPU per round trip\")", Metric.COST_ECHO_GEN_US, "(cheaper per frame)", null,
                "no target: the cost that bounds the throughput figures"));
        return rows;
    }

    /**
     * Target 5, judged on the paired ratio of the {@code polling-echo} scenario (upgraded / direct clients of the
     * same process, windows in ABBA order: the median of the per-pair ratios of a run, then the median over the
     * runs); the ratio to row 1's {@code cost-echo}, measured earlier in the process with other connections, is
     * shown as information.
     */
    private Row pollingRow() {
        int pairs = dev.duplex.bench.load.Scenarios.POLLING_ECHO_PAIRS;
        Results.Stat paired = results.has(DUPLEX) ? stat(DUPLEX, Metric.POLL_ECHO_PAIRED) : Results.Stat.NONE;
        Results.Stat toRow1 = ratio(DUPLEX, Metric.POLL_ECHO_US, DUPLEX, Metric.COST_ECHO_US);
        String label = String.format(Locale.ROOT, "5. echo at 20,000 msg/s after connecting as the official client "
                + "does (polling, `40`, upgrade), 100 clients, against 100 direct WebSocket clients of the same "
                + "process: server CPU-µs per message, %d windows of each set alternating in ABBA order, one set "
                + "sending at a time", pairs);
        String why = x(paired) + " the direct set (median of the " + pairs + " per-pair ratios, upgraded / direct"
                + (results.runs > 1 ? ", median over the runs" : "") + "); information: " + x(toRow1)
                + " row 1's cost-echo (other connections, earlier in the process); bare Netty: no polling";
        return new Row(label, Metric.POLL_ECHO_US, "≤ 1.10× the direct set's, same process", paired.n() > 0
                ? paired.median() <= 1.10 : null, why);
    }

    /** "; warm-up connections: Duplex 21,500, bare Netty 30,050" (medians), or nothing when not measured. */
    private String warmUpConnections() {
        StringBuilder sb = new StringBuilder();
        for (String id : List.of(DUPLEX, BARE)) {
            Results.Stat s = results.has(id) ? stat(id, Metric.HS_WARMUP_CONNS) : Results.Stat.NONE;
            if (s.n() > 0) {
                sb.append(sb.length() == 0 ? "; warm-up connections: " : ", ")
                        .append(id.equals(DUPLEX) ? "Duplex " : "bare Netty ")
                        .append(Metric.HS_WARMUP_CONNS.format(s.median()));
            }
        }
        return sb.toString();
    }

    private Row clientRow(String label, Metric m) {
        Results.Stat overNode = ratio(DUPLEX, m, NODE, m);
        Results.Stat toCeiling = ratio(BARE, Metric.SIO_WS_PER_CPU, DUPLEX, m);
        Boolean met = overNode.n() == 0 ? null : overNode.median() >= 2.0
                || toCeiling.n() > 0 && toCeiling.median() <= 1.15;
        return new Row(label, m, "≥ 2× Node, or within 1.15× of bare Netty's", met,
                x(overNode) + " Node; bare Netty " + x(toCeiling) + " Duplex");
    }

    private Row p99Row() {
        double[] duplex = results.runs(DUPLEX, Metric.FIXED_P99);
        double[] node = results.runs(NODE, Metric.FIXED_P99);
        StringBuilder why = new StringBuilder();
        int judged = 0;
        int passed = 0;
        for (int i = 0; i < duplex.length; i++) {
            if (Double.isNaN(duplex[i]) || Double.isNaN(node[i])) {
                continue;
            }
            judged++;
            boolean pass = duplex[i] <= node[i];
            passed += pass ? 1 : 0;
            why.append(why.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT, "run %d: %.3f vs %.3f ms %s",
                    i + 1, duplex[i], node[i], pass ? "pass" : "FAIL"));
        }
        Boolean met = judged == 0 || !results.has(DUPLEX) ? null : passed == judged && judged >= 3;
        if (judged > 0 && judged < 3) {
            why.append("; fewer than 3 runs");
        }
        return new Row("3. echo at a fixed 5,000 msg/s: p99 round trip, ≤ Node's in every run",
                Metric.FIXED_P99, "≤ Node's p99 in each of 3 runs", met, why.toString());
    }

    /**
     * "; in the kernel (stime): bare Netty 4.90, Duplex 4.95 µs per message, Node's cost / 3 = 5.22 µs": how much
     * of the echo's cost is the kernel's (loopback TCP, the transport's system calls), which no server code avoids;
     * nothing when not measured.
     */
    private String kernelShare() {
        if (!results.has(BARE) || !results.has(DUPLEX) || !results.has(NODE)) {
            return "";
        }
        Results.Stat bare = stat(BARE, Metric.COST_ECHO_SYS_US);
        Results.Stat duplex = stat(DUPLEX, Metric.COST_ECHO_SYS_US);
        Results.Stat node = stat(NODE, Metric.COST_ECHO_US);
        if (bare.n() == 0 || duplex.n() == 0 || node.n() == 0) {
            return "";
        }
        return String.format(Locale.ROOT, "; in the kernel (stime): bare Netty %.2f, Duplex %.2f µs per message, "
                + "Node's cost / 3 = %.2f µs", bare.median(), duplex.median(), node.median() / 3);
    }

    private Results.Stat stat(String id, Metric m) {
        return Results.Stat.of(results.runs(id, m));
    }

    private Results.Stat ratio(String a, Metric ma, String b, Metric mb) {
        if (!results.has(a) || !results.has(b)) {
            return Results.Stat.NONE;
        }
        return results.sameRunRatio(a, ma, b, mb);
    }

    private static boolean both(Results.Stat a, Results.Stat b) {
        return a.n() > 0 && b.n() > 0;
    }

    private static String x(Results.Stat s) {
        if (s.n() == 0) {
            return "n/a ×";
        }
        String m = String.format(Locale.ROOT, "%.2f×", s.median());
        String range = String.format(Locale.ROOT, " [%.2f–%.2f]", s.min(), s.max());
        return s.n() > 1 && !String.format(Locale.ROOT, "%.2f", s.min())
                .equals(String.format(Locale.ROOT, "%.2f", s.max())) ? m + range : m;
    }
}
