package dev.duplex.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.bench.load.Metric;
import dev.duplex.bench.load.Scenarios;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm-up in the report: a "warm-up used" row for every scenario that waits for the JIT, the JIT share rows,
 * the handshakes' warm-up connections (in "All figures" and beside target 2), and the method text, which the
 * README repeats word for word.
 */
class WarmUpReportTest {
    private static Contender byId(String id) {
        return Contender.all().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    private static Results sample() {
        Contender node = byId("node");
        Contender bare = byId("bare");
        Contender duplex = byId("duplex");
        // one run: the figures show without a [min–max]
        Results r = new Results(List.of(node, bare, duplex), 1);
        for (int run = 0; run < 1; run++) {
            r.add(node, run, Map.of(Metric.COST_ECHO_WARMUP, 1.5, Metric.HS_WARMUP_CONNS, 15_000.0,
                    Metric.HS_PER_CPU, 5000.0));
            r.add(bare, run, Map.of(Metric.COST_ECHO_WARMUP, 4.0 + run, Metric.HS_WARMUP_CONNS, 31_000.0 + run,
                    Metric.HS_PER_CPU, 20_000.0, Metric.HS_WARMUP, 3.5));
            Map<Metric, Double> d = new HashMap<>();
            d.put(Metric.ECHO_WARMUP, 5.0);
            d.put(Metric.FIXED_WARMUP, 4.5);
            d.put(Metric.COST_ECHO_WARMUP, 6.5);
            d.put(Metric.POLL_ECHO_WARMUP, 16.5);
            d.put(Metric.BCAST_WARMUP, 2.0);
            d.put(Metric.BCAST_JIT_SHARE, 1.2);
            d.put(Metric.COST_BCAST_WARMUP, 2.5);
            d.put(Metric.COST_BCAST_JIT_SHARE, 0.5);
            d.put(Metric.SIO_WS_WARMUP, 3.0);
            d.put(Metric.SIO_WS_JIT_SHARE, 2.0);
            d.put(Metric.SIO_POLL_WARMUP, 3.5);
            d.put(Metric.SIO_POLL_JIT_SHARE, 4.0);
            d.put(Metric.HS_WARMUP_CONNS, 23_456.0);
            d.put(Metric.HS_WARMUP, 7.2);
            d.put(Metric.HS_PER_CPU, 17_000.0);
            r.add(duplex, run, d);
        }
        r.note(duplex, 0, "echo after polling->upgrade: the warm-up reached its cap (16.5 s) before the JIT "
                + "compiler threads were quiet");
        return r;
    }

    private static String markdown(Results r, Path root) {
        return new Report(r, Scenarios.Settings.full(), false, Duration.ofSeconds(900), root, List.of(), "1")
                .markdown(new String[0]);
    }

    @Test
    void everyScenarioThatWaitsForTheJitHasAWarmUpRow(@TempDir Path dir) {
        String md = markdown(sample(), dir);
        String w = ": warm-up used (until the JIT settled, capped) | s |";
        assertThat(md).contains("| echo" + w + " n/a | n/a | 5.0 |")
                .contains("| echo at 5,000 msg/s" + w + " n/a | n/a | 4.5 |")
                .contains("| echo at 20,000 msg/s" + w + " 1.5 | 4.0 | 6.5 |")
                .contains("| echo after polling->upgrade" + w + " n/a | n/a | 16.5 |")
                .contains("| broadcast" + w + " n/a | n/a | 2.0 |")
                .contains("| broadcast at 20/s" + w + " n/a | n/a | 2.5 |")
                .contains("| socket.io-client, WebSocket only" + w + " n/a | n/a | 3.0 |")
                .contains("| socket.io-client, default transports" + w + " n/a | n/a | 3.5 |");
        assertThat(md).contains("| broadcast: JIT compiler threads' share of server CPU in the window | % | n/a | n/a "
                        + "| 1.2 |")
                .contains("| broadcast at 20/s: JIT compiler threads' share of server CPU | % | n/a | n/a | 0.5 |")
                .contains("| socket.io-client, WebSocket only: JIT compiler threads' share of server CPU | % | n/a "
                        + "| n/a | 2.0 |")
                .contains("| socket.io-client, default transports: JIT compiler threads' share of server CPU | % | "
                        + "n/a | n/a | 4.0 |");
        // the cap reached is visible in the notes
        assertThat(md).contains("the warm-up reached its cap (16.5 s) before the JIT compiler threads were quiet");
    }

    @Test
    void theHandshakesAfterTheLongWarmUpSayHowManyConnectionsWarmedThemUp(@TempDir Path dir) {
        String md = markdown(sample(), dir);
        assertThat(md).contains("| handshakes: warm-up connections used (≥ 15,000, then until the JIT settled, "
                + "capped) | connections | 15,000 | 31,000 | 23,456 |");
        assertThat(md).contains("| handshakes: warm-up used (≥ 15,000 connections, then until the JIT settled, "
                + "capped) | s | n/a | 3.5 | 7.2 |");
        // target 2's row names the rule and shows the connections each side needed
        assertThat(md).containsPattern("\\| 2\\. the same after the long warm-up \\(≥ 15,000 connections and the JIT "
                + "settled, at most 60,000 or 20 s more; ≥ 3,000 with --quick\\) \\|.*\\| yes \\(0\\.85× "
                + "bare Netty; warm-up connections: Duplex 23,456, bare Netty 31,000\\) \\|");
        // "after 1,000" stays as it was: early, no wait for the JIT
        assertThat(md).contains("| 2. handshakes per server CPU-second after 1,000 warm-up connections (set-up and "
                + "RST) |");
    }

    @Test
    void theMethodStatesTheWarmUpRuleFromTheSettings(@TempDir Path dir) {
        String md = markdown(sample(), dir);
        String text = Report.warmUpText(Scenarios.Settings.full());
        assertThat(text).contains("in each of 3 consecutive half seconds").contains("at most 15 s more")
                .contains("at least 15,000 connections").contains("at most 60,000 connections or 20 s more")
                .contains("at least 1.2 s (echo), 1.5 s (fixed-rate echoes, the official client) or 0.6 s "
                        + "(broadcast)")
                .contains("Node (no compiler threads to read) warms up for the minimum");
        assertThat(md).contains("- " + text + " Then it measures a 3000 ms window");
        assertThat(Report.warmUpText(Scenarios.Settings.quick())).contains("in each of 2 consecutive half seconds")
                .contains("at most 1.5 s more").contains("at most 12,000 connections or 3 s more");
    }

    @Test
    void theReadmeDescribesTheSameWarmUp() throws Exception {
        // the tests run in the module's directory
        String readme = Files.readString(Path.of("README.md")).replaceAll("\\s+", " ");
        assertThat(readme).contains(Report.warmUpText(Scenarios.Settings.full()));
        assertThat(readme).contains("after ≥ 15,000 connections and the JIT settled");
        // the budget defaults, raised for the longer warm-ups, as the README gives them
        BenchOptions opts = new BenchOptions();
        new picocli.CommandLine(opts).parseArgs();
        assertThat(opts.budgetMinutes()).isEqualTo(42);
        assertThat(opts.maxMinutes()).isEqualTo(50);
        assertThat(readme).contains("42 by default, 6 with `--quick`").contains("hard stop; 50 by default, 8 with "
                + "`--quick`");
        BenchOptions quick = new BenchOptions();
        new picocli.CommandLine(quick).parseArgs("--quick");
        assertThat(quick.budgetMinutes()).isEqualTo(6);
        assertThat(quick.maxMinutes()).isEqualTo(8);
    }
}
