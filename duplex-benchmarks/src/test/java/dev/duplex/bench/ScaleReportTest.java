package dev.duplex.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.bench.load.ScaleLoad;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scale section of docs/benchmarks.md: its figures and targets, and that it replaces only itself. */
class ScaleReportTest {
    private static final String REPORT = "# Benchmarks\n\nintro\n\n## Findings\n\nfound\n";

    private static ScaleBench.Row row(String id, int reached, long rssGrowthPerConn, int closed, double... reach) {
        Contender c = Contender.all().stream().filter(k -> k.id().equals(id)).findFirst().orElseThrow();
        List<ScaleLoad.Broadcast> bs = java.util.Arrays.stream(reach)
                .mapToObj(ms -> new ScaleLoad.Broadcast(reached - 1, reached - 1, ms / 10, ms)).toList();
        ScaleLoad.Result r = new ScaleLoad.Result(reached, reached, 0, 0, 20.0, 61.0, reached - closed, closed,
                2L * reached, 2L * reached, 2, 3, 0, 25.4, bs, 0, 12.0, 10L << 20, (10L << 20) + 1024L * reached,
                List.of());
        long rss0 = 100L << 20;
        return new ScaleBench.Row(c, reached, reached < 100_000 ? "the server process may open 20,000 files" : null,
                r, rss0, rss0 + rssGrowthPerConn * reached, 50L << 20, (50L << 20) + 3072L * reached,
                List.of(1.5, 20.0, 3.5), 12.3, List.of());
    }

    private static String section(List<ScaleBench.Row> rows) {
        return new ScaleReport(rows, List.of(), 100_000, Duration.ofSeconds(60), "1", "0.10, 0.20, 0.30",
                "0.40, 0.50, 0.60", Duration.ofSeconds(300), "bin/bench --scale").section();
    }

    @Test
    void sectionShowsEveryFigureAndJudgesTheTargets() {
        String s = section(List.of(row("duplex", 100_000, 3 * 1024, 0, 300, 500, 900),
                row("node", 100_000, 15 * 1024, 7, 800, 2500)));
        assertThat(s).startsWith(ScaleReport.BEGIN).endsWith(ScaleReport.END + "\n");
        assertThat(s).contains("quiet machine: load average 0.10, 0.20, 0.30 at the start, 0.40, 0.50, 0.60 at the end");
        assertThat(s).doesNotContain("Not 100,000 connections").doesNotContain("projected");
        assertThat(s).contains("| connections reached (of attempted) | 100,000 of 100,000 | 100,000 of 100,000 |");
        assertThat(s).contains("| **RSS per connection (KB)**: growth / total ÷ connections | **3.00** / 4.02 | "
                + "**15.00** / 16.02 | ≤ 4 KB |");
        assertThat(s).contains("| heap after GC per connection (KB) | 3.00 | 3.00 |");
        assertThat(s).contains("| GC pauses: count; max (ms); total (ms) | 3; 20.0; 25 | 3; 20.0; 25 |");
        assertThat(s).contains("| **heartbeat misses**: closed by the server + pings later than 45 s | **0** (0 + 0) "
                + "| **7** (7 + 0) | 0 |");
        assertThat(s).contains("p50 / p99 / max (ms) | 500 / **900** / 900 | 800 / **2500** / 2500 |");
        assertThat(s).contains("| broadcast reach time of each broadcast, in order (ms) | 300, 500, 900 | 800, 2500 |  |");
        assertThat(s).contains("| broadcast: emit → first receipt p50 / max (ms) | 50 / 90 | 80 / 250 |  |");
        assertThat(s).contains("- Duplex at 100,000: RSS per connection 3.00 KB met; heartbeat misses none: met; "
                + "broadcast p99 900 ms met\n");
        assertThat(s).contains("- Node socket.io 4.8 at 100,000: RSS per connection 15.00 KB NOT met; heartbeat "
                + "misses 7: NOT met; broadcast p99 2500 ms NOT met\n");
    }

    @Test
    void aCappedRunSaysWhyAndAtWhichCount() {
        String s = section(List.of(row("duplex", 19_740, 3 * 1024, 0, 300)));
        assertThat(s).contains("**Not 100,000 connections: at most 19,740 on this machine.**")
                .contains("the server process may open 20,000 files")
                .contains("| heap after GC at the end (MB); projected linearly to 100,000 | 108; 343 | JVMs: -Xmx1g |")
                .contains("- Duplex at 19,740: ").contains("(not at 100,000 connections)");
    }

    @Test
    void spliceGoesBeforeFindingsReplacesOnlyItselfAndAFullRunKeepsIt() {
        String one = section(List.of(row("duplex", 100_000, 3 * 1024, 0, 300)));
        String first = ScaleReport.splice(REPORT, one);
        assertThat(first).startsWith("# Benchmarks\n\nintro\n\n" + ScaleReport.BEGIN)
                .endsWith(ScaleReport.END + "\n\n## Findings\n\nfound\n");
        String withCluster = ClusterReport.splice(first, ClusterReport.BEGIN + "\ncluster\n" + ClusterReport.END
                + "\n");
        String two = section(List.of(row("node", 100_000, 15 * 1024, 0, 800)));
        String second = ScaleReport.splice(withCluster, two);
        assertThat(second.split(java.util.regex.Pattern.quote(ScaleReport.BEGIN), -1)).hasSize(2);
        assertThat(second).contains("cluster\n").contains("Node socket.io 4.8 |").doesNotContain("| Duplex |");
        // a full run: a new report, then both kept sections spliced back
        String kept = ScaleReport.extract(second);
        assertThat(kept).isEqualTo(two);
        String rewritten = ScaleReport.splice(ClusterReport.splice(REPORT, ClusterReport.extract(second)), kept);
        assertThat(rewritten).contains(two).contains("cluster\n").endsWith("## Findings\n\nfound\n");
        assertThat(ScaleReport.extract(REPORT)).isNull();
    }

    @Test
    void percentileIsNearestRank() {
        double[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(ScaleReport.pct(v, 0.5)).isEqualTo(5);
        assertThat(ScaleReport.pct(v, 0.99)).isEqualTo(10);
        assertThat(ScaleReport.pct(new double[0], 0.5)).isNaN();
    }
}
