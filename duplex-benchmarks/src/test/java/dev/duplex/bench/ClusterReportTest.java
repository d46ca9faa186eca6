package dev.duplex.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.bench.load.ClusterScenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cluster section of docs/benchmarks.md: its figures, and that it replaces only itself and is carried over. */
class ClusterReportTest {
    private static final String REPORT = "# Benchmarks\n\nintro\n\n## Method\n\nhow\n\n## Findings\n\nfound\n";

    private static ClusterScenario.Result result(long deliveries, double cpu1, double cpu2) {
        return new ClusterScenario.Result(deliveries, 100, 0, 2.0, new double[] {cpu1, cpu2}, 0.0, 0.05, 0.3, 1.0,
                3.0, 0.8, 2.0, 1.2, 3.5, deliveries / 2, 100, 99_900, 999, new ArrayList<>(List.of()));
    }

    private static String section(String load) {
        Map<String, Contender> contenders = new LinkedHashMap<>();
        Contender.all().stream().filter(c -> ClusterBench.KINDS.contains(c.id()))
                .forEach(c -> contenders.put(c.id(), c));
        Map<String, List<ClusterScenario.Result>> results = new LinkedHashMap<>();
        results.put("node", List.of(result(99_900, 0.5, 0.5)));
        results.put("duplex", List.of(result(99_900, 0.25, 0.25)));
        return new ClusterReport(contenders, results, List.of(), ClusterScenario.Settings.standard(50), 1, "1",
                load, load, Duration.ofSeconds(70), "bin/bench --cluster").section();
    }

    @Test
    void sectionShowsDeliveriesPerServerCpuSecondOfBothPairsAndTheirRatio() {
        String s = section("12.00, 11.00, 10.00");
        assertThat(s).startsWith(ClusterReport.BEGIN).endsWith(ClusterReport.END + "\n");
        assertThat(s).contains("on a loaded shared machine: load average 12.00, 11.00, 10.00");
        assertThat(s).contains("`bin/bench --cluster`");
        // 99,900 deliveries over 1.0 (Node) and 0.5 (Duplex) CPU-seconds
        assertThat(s).contains("| **deliveries per server CPU-second** (both nodes' CPU) | 99,900 | 199,800 | 2.00x |");
        assertThat(s).contains("| deliveries of the window's emits received (of emits × 999 receivers), % | 100.00 | "
                + "100.00 |");
        assertThat(s).contains("| deliveries to the other node's clients (through Redis), % | 50.0 | 50.0 |");
        assertThat(s).contains("cross node (through Redis) p50 / p99 (ms) | 1.20 / 3.50 | 1.20 / 3.50 |");
    }

    @Test
    void spliceGoesBeforeFindingsThenReplacesOnlyItself() {
        String first = ClusterReport.splice(REPORT, section("12.00, 11.00, 10.00"));
        assertThat(first).startsWith("# Benchmarks\n\nintro\n\n## Method\n\nhow\n\n" + ClusterReport.BEGIN)
                .endsWith(ClusterReport.END + "\n\n## Findings\n\nfound\n");
        String second = ClusterReport.splice(first, section("0.10, 0.20, 0.30"));
        assertThat(second).doesNotContain("12.00, 11.00").contains("quiet machine: load average 0.10, 0.20, 0.30")
                .endsWith(ClusterReport.END + "\n\n## Findings\n\nfound\n");
        assertThat(second.split(ClusterReport.BEGIN, -1)).hasSize(2);
    }

    @Test
    void aFullRunKeepsTheSection() {
        String withCluster = ClusterReport.splice(REPORT, section("12.00, 11.00, 10.00"));
        String kept = ClusterReport.extract(withCluster);
        assertThat(kept).isNotNull().contains("12.00, 11.00, 10.00");
        String regenerated = REPORT.replace("how", "how, again");
        assertThat(ClusterReport.splice(regenerated, kept)).contains("how, again").contains(kept)
                .endsWith("## Findings\n\nfound\n");
        assertThat(ClusterReport.extract(REPORT)).isNull();
    }
}
