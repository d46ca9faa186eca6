package dev.duplex.bench;

import dev.duplex.bench.load.Metric;
import java.util.List;

/** The targets of issue #6: either a ratio against Node (at least) or an absolute bound (at most). */
record Target(Metric metric, String label, boolean ratio, double bound, String baseline) {
    static final List<Target> ALL = List.of(
            new Target(Metric.ECHO_PER_CPU, "echo: messages per server CPU-second", true, 2.3,
                    "netty-socketio 1.8x, bare Netty 2.45x"),
            new Target(Metric.FIXED_P99, "echo at 5k/s: p99 round trip (ms)", false, 1.5,
                    "Node 3.9, netty-socketio 2.5, bare Netty 1.1 ms"),
            new Target(Metric.BCAST_PER_CPU, "broadcast: deliveries per server CPU-second", true, 1.6,
                    "netty-socketio 1.2x, bare Netty 1.64x"),
            new Target(Metric.IDLE_RSS_PER_CONN, "idle RSS per connection (KB)", false, 8.0,
                    "Node 15.7, netty-socketio 10.8, bare Netty 9.4 KB"),
            new Target(Metric.HS_RATE, "handshakes/s", true, 1.5, "netty-socketio 1.0x, bare Netty 1.5x"));

    String boundText() {
        return ratio ? "≥ " + bound + "x" : "≤ " + bound + (metric.unit().equals("ms") ? " ms" : " KB");
    }

    /** Whether a value (a ratio when {@link #ratio}, else absolute) meets the target. */
    boolean met(double v) {
        return !Double.isNaN(v) && (ratio ? v >= bound : v <= bound);
    }
}
