package dev.duplex.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.bench.load.Metric;
import dev.duplex.bench.load.Scenarios;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The polling-echo scenario's rows in the report: the upgraded and the direct set's cost per message, the paired
 * ratio, both sets' JIT shares, the wait for the upgrade's leftovers, and the method text that says what was
 * compared in how many windows.
 */
class PollingEchoReportTest {
    private static Contender byId(String id) {
        return Contender.all().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    private static String markdown(Path root) {
        Contender node = byId("node");
        Contender duplex = byId("duplex");
        Results r = new Results(List.of(node, duplex), 1);
        r.add(node, 0, Map.of(Metric.POLL_ECHO_US, 50.0, Metric.POLL_ECHO_DIRECT_US, 44.0,
                Metric.POLL_ECHO_PAIRED, 1.136, Metric.POLL_ECHO_LEFTOVERS, 1.3));
        Map<Metric, Double> d = new HashMap<>();
        d.put(Metric.POLL_ECHO_US, 8.0);
        d.put(Metric.POLL_ECHO_DIRECT_US, 7.7);
        d.put(Metric.POLL_ECHO_PAIRED, 1.042);
        d.put(Metric.POLL_ECHO_JIT_SHARE, 6.5);
        d.put(Metric.POLL_ECHO_DIRECT_JIT_SHARE, 4.25);
        d.put(Metric.POLL_ECHO_LEFTOVERS, 1.6);
        d.put(Metric.COST_ECHO_US, 7.0);
        r.add(duplex, 0, d);
        return new Report(r, Scenarios.Settings.full(), false, Duration.ofSeconds(900), root, List.of(), "1")
                .markdown(new String[0]);
    }

    @Test
    void bothSetsAndThePairedRatioHaveTheirRows(@TempDir Path dir) {
        String md = markdown(dir);
        assertThat(md).contains("| echo at 20,000 msg/s after polling->upgrade: server CPU-µs per message (median of "
                + "its 3 windows, alternating with the direct set's) | µs | 50.00 | 8.00 ×6.25 |");
        assertThat(md).contains("| echo at 20,000 msg/s, direct WebSocket clients in the same process as the upgraded "
                + "ones: server CPU-µs per message (median of its 3 windows) | µs | 44.00 | 7.70 ×5.71 |");
        // a ratio of the contender's own two sets: no advantage over Node beside it
        assertThat(md).contains("| echo after polling->upgrade / direct WebSocket, same process: median of the 3 "
                + "per-pair ratios of server CPU-µs per message (ABBA windows) | × | 1.136 | 1.042 |");
        assertThat(md).contains("| echo after polling->upgrade: JIT compiler threads' share of server CPU (highest of "
                + "its windows) | % | n/a | 6.5 |");
        assertThat(md).contains("| echo, direct set beside the upgraded one: JIT compiler threads' share of server "
                + "CPU (highest of its windows) | % | n/a | 4.3 |");
        assertThat(md).contains("| echo after polling->upgrade: wait until the pending polls ended and the HTTP "
                + "connections closed | s | 1.3 | 1.6 |");
        // target 5 on the paired ratio, row 1 as information (8.0 / 7.0)
        assertThat(md).containsPattern("\\| 5\\. .*\\| yes \\(1\\.04× the direct set \\(median of the 3 per-pair "
                + "ratios, upgraded / direct\\); information: 1\\.14× row 1's cost-echo");
    }

    @Test
    void theMethodSaysWhatWasComparedInHowManyWindows(@TempDir Path dir) {
        String md = markdown(dir).replaceAll("\\s+", " ");
        assertThat(md).contains("the same after connecting as the official client does by default (100 clients: "
                + "Engine.IO open and `40` over HTTP long-polling")
                .contains("beside 100 direct WebSocket clients connected in the same process")
                .contains("the handshakes' idle HTTP connections closed by the client after 1 s")
                .contains("then 3 pairs of windows in ABBA order, direct, upgraded, upgraded, direct, ..., only one "
                        + "set sending at the full rate in each")
                .contains("target 5 is the median of the per-pair ratios, upgraded / direct");
    }
}
