package dev.duplex.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.bench.load.Metric;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The "Targets (issue #19)" table: same-run ratios against bare Netty and Node, and the per-run p99 verdicts. */
class Targets19Test {
    private static Contender byId(String id) {
        return Contender.all().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    private static Results sample(double duplexP99InRun2) {
        // the polling->upgrade set 15% over row 1's cost-echo, but 1.04-1.12x the direct set of its own process
        return sample(duplexP99InRun2, 1.15, new double[] {1.04, 1.12, 1.06});
    }

    private static Results sample(double duplexP99InRun2, double pollOverCostEcho, double[] paired) {
        Contender node = byId("node");
        Contender bare = byId("bare");
        Contender duplex = byId("duplex");
        Results r = new Results(List.of(node, bare, duplex), 3);
        for (int run = 0; run < 3; run++) {
            double drift = 1 + run; // the machine's speed drifts run by run: only same-run ratios are fair
            r.add(node, run, Map.of(Metric.COST_ECHO_US, 40.0 * drift, Metric.FIXED_P99, 1.0,
                    Metric.SIO_WS_PER_CPU, 50_000.0 / drift, Metric.SIO_POLL_PER_CPU, 50_000.0 / drift));
            r.add(bare, run, Map.of(Metric.COST_ECHO_US, 10.0 * drift, Metric.COST_BCAST_US, 2.0 * drift,
                    Metric.HS1K_PER_CPU, 5000.0 / drift, Metric.HS_PER_CPU, 8000.0 / drift,
                    Metric.SIO_WS_PER_CPU, 120_000.0 / drift, Metric.FIXED_P99, 0.9,
                    Metric.COST_ECHO_SYS_US, 6.0 * drift));
            Map<Metric, Double> d = new HashMap<>(Map.of(Metric.COST_ECHO_US, 11.0 * drift,
                    Metric.COST_BCAST_US, 2.5 * drift, Metric.HS1K_PER_CPU, 3000.0 / drift,
                    Metric.HS_PER_CPU, 7000.0 / drift, Metric.FIXED_P99, run == 1 ? duplexP99InRun2 : 0.8,
                    Metric.IDLE_RSS_PER_CONN, 3.5, Metric.POLL_ECHO_US, 11.0 * drift * pollOverCostEcho,
                    Metric.SIO_WS_PER_CPU, 110_000.0 / drift, Metric.SIO_POLL_PER_CPU, 90_000.0 / drift));
            d.put(Metric.POLL_ECHO_PAIRED, paired[run]);
            d.put(Metric.COST_ECHO_SYS_US, 6.5 * drift);
            r.add(duplex, run, d);
        }
        return r;
    }

    private static String table(Results r) {
        StringBuilder md = new StringBuilder();
        new Targets19(r, false).write(md);
        return md.toString();
    }

    @Test
    void judgesEachTargetOnSameRunRatios() {
        String md = table(sample(0.7));
        assertThat(md).contains("## Targets (issue #19)");
        // 11/10 = 1.10x bare and 40/11 = 3.64x: met in every run despite the drift
        assertThat(md).containsPattern("1\\. echo at a fixed 20,000 msg/s.*\\| yes \\(1\\.10× .*Node 3\\.64×");
        // the kernel's part beside it: medians 12 and 13 µs, Node's median 80 µs / 3
        assertThat(md).contains("Node 3.64× Duplex; in the kernel (stime): bare Netty 12.00, Duplex 13.00 µs per "
                + "message, Node's cost / 3 = 26.67 µs)");
        // 2.5/2 = 1.25x bare: not met
        assertThat(md).containsPattern("1\\. broadcast.*\\| \\*\\*no\\*\\* \\(1\\.25×");
        // 3000/5000 = 0.6x: not met; 7000/8000 = 0.875x: met
        assertThat(md).containsPattern("2\\. handshakes.*after 1,000.*\\| \\*\\*no\\*\\* \\(0\\.60×");
        assertThat(md).containsPattern("2\\. the same after the long warm-up.*\\| yes \\(0\\.88×");
        assertThat(md).containsPattern("3\\. .*\\| yes \\(run 1: 0\\.800 vs 1\\.000 ms pass; run 2: 0\\.700 vs "
                + "1\\.000 ms pass; run 3: 0\\.800 vs 1\\.000 ms pass\\)");
        assertThat(md).containsPattern("4\\. idle RSS.*\\| 3\\.5 \\| ≤ 4 KB \\| yes");
        // judged on the paired ratio of the same process (median over the runs), row 1 shown as information
        assertThat(md).contains("| 5. echo at 20,000 msg/s after connecting as the official client does (polling, "
                + "`40`, upgrade), 100 clients, against 100 direct WebSocket clients of the same process: server "
                + "CPU-µs per message, 3 windows of each set alternating in ABBA order, one set sending at a time |");
        assertThat(md).contains("| ≤ 1.10× the direct set's, same process | yes (1.06× [1.04–1.12] the direct set "
                + "(median of the 3 per-pair ratios, upgraded / direct, median over the runs); information: 1.15× "
                + "row 1's cost-echo (other connections, earlier in the process); bare Netty: no polling) |");
        // WebSocket: 2.2x Node; default: 1.8x Node but bare/duplex = 120/90 = 1.33x: not met
        assertThat(md).containsPattern("6\\. socket.io-client \\(Node.*WebSocket only.*\\| yes \\(2\\.20× Node");
        assertThat(md).containsPattern("6\\. socket.io-client, default.*\\| \\*\\*no\\*\\* \\(1\\.80× Node; bare "
                + "Netty 1\\.33×");
    }

    @Test
    void thePollingTargetFailsOnThePairedRatioWhateverTheRatioToRowOne() {
        // 1.05x row 1's cost-echo, but 1.12x the direct set of the same process (median): not met
        String md = table(sample(0.7, 1.05, new double[] {1.12, 1.09, 1.14}));
        assertThat(md).containsPattern("\\| 5\\. .*\\| ≤ 1\\.10× the direct set's, same process \\| \\*\\*no\\*\\* "
                + "\\(1\\.12× \\[1\\.09–1\\.14\\] the direct set .*information: 1\\.05× row 1's cost-echo");
        // not measured without the paired figure (e.g. an older scenario)
        Results r = sample(0.7, 1.05, new double[] {Double.NaN, Double.NaN, Double.NaN});
        assertThat(table(r)).containsPattern("\\| 5\\. .*\\| not measured \\(n/a × the direct set");
    }

    @Test
    void oneRunWithAWorseP99FailsTheTailTarget() {
        String md = table(sample(1.2));
        assertThat(md).containsPattern("3\\. .*\\| \\*\\*no\\*\\* \\(run 1: 0\\.800 vs 1\\.000 ms pass; run 2: 1\\.200 "
                + "vs 1\\.000 ms FAIL; run 3");
    }
}
