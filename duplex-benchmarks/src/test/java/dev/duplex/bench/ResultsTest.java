package dev.duplex.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.duplex.bench.load.Metric;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsTest {
    private static Contender byId(String id) {
        return Contender.all().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    private static Results sample() {
        Contender node = byId("node");
        Contender duplex = byId("duplex");
        Results r = new Results(List.of(node, duplex), 3);
        double[][] nodeEcho = {{100}, {200}, {400}};
        for (int run = 0; run < 3; run++) {
            r.add(node, run, Map.of(Metric.ECHO_PER_CPU, nodeEcho[run][0], Metric.FIXED_P99, 4.0,
                    Metric.IDLE_RSS_PER_CONN, 16.0, Metric.HS_RATE, 1000.0, Metric.BCAST_PER_CPU, 70_000.0));
            r.add(duplex, run, Map.of(Metric.ECHO_PER_CPU, nodeEcho[run][0] * (2 + run), Metric.FIXED_P99, 1.0,
                    Metric.IDLE_RSS_PER_CONN, 8.0, Metric.HS_RATE, 1600.0, Metric.BCAST_PER_CPU, 100_000.0));
        }
        r.note(duplex, 1, "echo: generator-bound (generator used 0.95 cores): rates are lower bounds");
        return r;
    }

    @Test
    void mediansAndSameRunRatios() {
        Results r = sample();
        Results.Stat s = r.stat(byId("duplex"), Metric.ECHO_PER_CPU);
        assertThat(s.median()).isEqualTo(600);
        assertThat(s.min()).isEqualTo(200);
        assertThat(s.max()).isEqualTo(1600);
        // ratios are taken run by run (2x, 3x, 4x), not from the medians (600 / 200 = 3x by chance here)
        Results.Stat ratio = r.ratio(byId("duplex"), Metric.ECHO_PER_CPU);
        assertThat(ratio.min()).isEqualTo(2.0);
        assertThat(ratio.max()).isEqualTo(4.0);
        // lower is better: Node / Duplex
        assertThat(r.ratio(byId("duplex"), Metric.FIXED_P99).median()).isCloseTo(4.0, within(1e-9));
        assertThat(r.ratio(byId("duplex"), Metric.ECHO_GEN_CORES).n()).isZero();
        assertThat(r.stat(byId("duplex"), Metric.HS_P50).n()).isZero();
    }

    @Test
    void reportAndChartAreWritten(@TempDir Path dir) throws Exception {
        Results r = sample();
        Report report = new Report(r, dev.duplex.bench.load.Scenarios.Settings.full(), false, Duration.ofSeconds(500),
                dir, List.of(), "1");
        String md = report.markdown(new String[0]);
        assertThat(md).contains("| echo: messages per server CPU-second | 1.00x | 3.00x | ≥ 2.3x | yes |")
                .contains("| echo at 5k/s: p99 round trip (ms) | 4.000 | 1.000 | ≤ 1.5 ms | yes |")
                .contains("generator-bound (generator used 0.95 cores)");
        Path png = dir.resolve("chart.png");
        Chart.write(r, png);
        BufferedImage img = ImageIO.read(Files.newInputStream(png));
        assertThat(img.getWidth()).isEqualTo(1200);
        assertThat(img.getHeight()).isEqualTo(620);
    }

    @Test
    void extraJvmFlagsAreShownBesideTheContendersFlags(@TempDir Path dir) throws Exception {
        Results r = sample();
        String plain = new Report(r, dev.duplex.bench.load.Scenarios.Settings.full(), false, Duration.ofSeconds(500),
                dir, List.of(), "1").markdown(new String[0]);
        assertThat(plain).contains("| JVM contender flags | `" + String.join(" ", Contender.JVM_FLAGS) + "` |\n");
        r.extraJvmFlags(List.of("-XX:+PreserveFramePointer"));
        String flagged = new Report(r, dev.duplex.bench.load.Scenarios.Settings.full(), false,
                Duration.ofSeconds(500), dir, List.of(), "1").markdown(new String[0]);
        assertThat(flagged).contains("| JVM contender flags | `" + String.join(" ", Contender.JVM_FLAGS)
                + "` and, given with `--jvm-flag`, `-XX:+PreserveFramePointer` (not comparable with runs without them) |");
    }
}
