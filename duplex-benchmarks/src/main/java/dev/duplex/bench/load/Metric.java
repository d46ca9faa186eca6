package dev.duplex.bench.load;

/** Every figure the scenarios measure, with how to print it and which direction is better. */
public enum Metric {
    ECHO_RATE("echo, 100 clients, closed loop: msg/s", "msg/s", Better.HIGHER, "%,.0f"),
    ECHO_PER_CPU("echo: messages per server CPU-second", "msg/CPU-s", Better.HIGHER, "%,.0f"),
    ECHO_P50("echo: round trip p50", "ms", Better.LOWER, "%.3f"),
    ECHO_P99("echo: round trip p99", "ms", Better.LOWER, "%.3f"),
    ECHO_P999("echo: round trip p99.9", "ms", Better.LOWER, "%.3f"),
    ECHO_SERVER_CORES("echo: server cores used", "cores", Better.NONE, "%.2f"),
    ECHO_GEN_CORES("echo: generator cores used", "cores", Better.NONE, "%.2f"),
    ECHO_GEN_US("echo: generator CPU per round trip", "µs", Better.NONE, "%.1f"),
    ECHO_GEN_ALLOC("echo: generator thread's allocation per round trip", "B", Better.NONE, "%.0f"),
    ECHO_JIT_SHARE("echo: JIT compiler threads' share of server CPU in the window", "%", Better.NONE, "%.1f"),
    ECHO_WARMUP("echo: warm-up used (until the JIT settled, capped)", "s", Better.NONE, "%.1f"),
    FIXED_RATE("echo at a fixed 5,000 msg/s: achieved msg/s", "msg/s", Better.NONE, "%,.0f"),
    FIXED_P50("echo at 5,000 msg/s: round trip p50", "ms", Better.LOWER, "%.3f"),
    FIXED_P99("echo at 5,000 msg/s: round trip p99", "ms", Better.LOWER, "%.3f"),
    FIXED_SERVER_CORES("echo at 5,000 msg/s: server cores used", "cores", Better.LOWER, "%.3f"),
    FIXED_JIT_SHARE("echo at 5,000 msg/s: JIT compiler threads' share of server CPU in the window", "%", Better.NONE,
            "%.1f"),
    FIXED_WARMUP("echo at 5,000 msg/s: warm-up used (until the JIT settled, capped)", "s", Better.NONE, "%.1f"),
    BCAST_RATE("broadcast 1 -> room of 1,000: deliveries/s", "deliveries/s", Better.HIGHER, "%,.0f"),
    BCAST_PER_CPU("broadcast: deliveries per server CPU-second", "deliveries/CPU-s", Better.HIGHER, "%,.0f"),
    BCAST_P50("broadcast: emit-to-receipt p50", "ms", Better.LOWER, "%.2f"),
    BCAST_P99("broadcast: emit-to-receipt p99", "ms", Better.LOWER, "%.2f"),
    BCAST_GEN_CORES("broadcast: generator cores used", "cores", Better.NONE, "%.2f"),
    BCAST_JIT_SHARE("broadcast: JIT compiler threads' share of server CPU in the window", "%", Better.NONE, "%.1f"),
    BCAST_WARMUP("broadcast: warm-up used (until the JIT settled, capped)", "s", Better.NONE, "%.1f"),
    IDLE_RSS_PER_CONN("idle connections: server RSS growth per connection", "KB", Better.LOWER, "%.1f"),
    IDLE_HEAP_PER_CONN("idle connections: heap after GC growth per connection", "KB", Better.LOWER, "%.1f"),
    HS_RATE("handshakes/s (TCP connect -> 40{sid}, then RST), 50 in flight, after the long warm-up", "1/s",
            Better.HIGHER, "%,.0f"),
    HS_PER_CPU("handshakes per server CPU-second after the long warm-up (≥ 15,000 connections and the JIT settled, "
            + "at most 60,000 or 20 s more; ≥ 3,000 with --quick)", "1/CPU-s", Better.HIGHER, "%,.0f"),
    HS_P50("handshake p50", "ms", Better.LOWER, "%.2f"),
    HS_P99("handshake p99", "ms", Better.LOWER, "%.2f"),
    HS_GEN_CORES("handshakes: generator cores used", "cores", Better.NONE, "%.2f"),
    HS_JIT_SHARE("handshakes: JIT compiler threads' share of server CPU in the window", "%", Better.NONE, "%.1f"),
    HS_WARMUP_CONNS("handshakes: warm-up connections used (≥ 15,000, then until the JIT settled, capped)",
            "connections", Better.NONE, "%,.0f"),
    HS_WARMUP("handshakes: warm-up used (≥ 15,000 connections, then until the JIT settled, capped)", "s",
            Better.NONE, "%.1f"),
    HS1K_RATE("handshakes/s after 1,000 warm-up connections (first in a fresh process)", "1/s", Better.HIGHER,
            "%,.0f"),
    HS1K_PER_CPU("handshakes per server CPU-second after 1,000 warm-up connections", "1/CPU-s", Better.HIGHER,
            "%,.0f"),
    HS1K_P50("handshake p50 after 1,000 warm-up connections", "ms", Better.LOWER, "%.2f"),
    HS1K_P99("handshake p99 after 1,000 warm-up connections", "ms", Better.LOWER, "%.2f"),
    HS1K_JIT_SHARE("handshakes after 1,000: JIT compiler threads' share of server CPU", "%", Better.NONE, "%.1f"),
    COST_ECHO_US("echo at a fixed 20,000 msg/s: server CPU-µs per message", "µs", Better.LOWER, "%.2f"),
    COST_ECHO_RATE("echo at a fixed 20,000 msg/s: achieved msg/s", "msg/s", Better.NONE, "%,.0f"),
    COST_ECHO_P50("echo at 20,000 msg/s: round trip p50", "ms", Better.LOWER, "%.3f"),
    COST_ECHO_P99("echo at 20,000 msg/s: round trip p99", "ms", Better.LOWER, "%.3f"),
    COST_ECHO_JIT_SHARE("echo at 20,000 msg/s: JIT compiler threads' share of server CPU", "%", Better.NONE, "%.1f"),
    COST_ECHO_WARMUP("echo at 20,000 msg/s: warm-up used (until the JIT settled, capped)", "s", Better.NONE, "%.1f"),
    COST_ECHO_SYS_US("echo at 20,000 msg/s: of the server's CPU-µs per message, in the kernel (stime, 10 ms ticks)",
            "µs", Better.NONE, "%.2f"),
    COST_ECHO_GEN_US("echo at 20,000 msg/s: generator CPU-µs per round trip", "µs", Better.NONE, "%.2f"),
    POLL_ECHO_US("echo at 20,000 msg/s after polling->upgrade: server CPU-µs per message (median of its 3 windows, "
            + "alternating with the direct set's)", "µs", Better.LOWER, "%.2f"),
    POLL_ECHO_DIRECT_US("echo at 20,000 msg/s, direct WebSocket clients in the same process as the upgraded ones: "
            + "server CPU-µs per message (median of its 3 windows)", "µs", Better.LOWER, "%.2f"),
    POLL_ECHO_PAIRED("echo after polling->upgrade / direct WebSocket, same process: median of the 3 per-pair ratios "
            + "of server CPU-µs per message (ABBA windows)", "×", Better.NONE, "%.3f"),
    POLL_ECHO_RATE("echo after polling->upgrade: achieved msg/s", "msg/s", Better.NONE, "%,.0f"),
    POLL_ECHO_P50("echo after polling->upgrade: round trip p50", "ms", Better.LOWER, "%.3f"),
    POLL_ECHO_P99("echo after polling->upgrade: round trip p99", "ms", Better.LOWER, "%.3f"),
    POLL_ECHO_JIT_SHARE("echo after polling->upgrade: JIT compiler threads' share of server CPU (highest of its "
            + "windows)", "%", Better.NONE, "%.1f"),
    POLL_ECHO_DIRECT_JIT_SHARE("echo, direct set beside the upgraded one: JIT compiler threads' share of server CPU "
            + "(highest of its windows)", "%", Better.NONE, "%.1f"),
    POLL_ECHO_LEFTOVERS("echo after polling->upgrade: wait until the pending polls ended and the HTTP connections "
            + "closed", "s", Better.NONE, "%.1f"),
    POLL_ECHO_WARMUP("echo after polling->upgrade: warm-up used (until the JIT settled, capped)", "s", Better.NONE, "%.1f"),
    COST_BCAST_US("broadcast at 20/s to 1,000: server CPU-µs per delivery", "µs", Better.LOWER, "%.3f"),
    COST_BCAST_RATE("broadcast at 20/s to 1,000: deliveries/s", "deliveries/s", Better.NONE, "%,.0f"),
    COST_BCAST_JIT_SHARE("broadcast at 20/s: JIT compiler threads' share of server CPU", "%", Better.NONE, "%.1f"),
    COST_BCAST_WARMUP("broadcast at 20/s: warm-up used (until the JIT settled, capped)", "s", Better.NONE, "%.1f"),
    SIO_WS_PER_CPU("socket.io-client (Node, 100 clients, closed loop, WebSocket only): msg per server CPU-s",
            "msg/CPU-s", Better.HIGHER, "%,.0f"),
    SIO_WS_RATE("socket.io-client, WebSocket only: msg/s", "msg/s", Better.HIGHER, "%,.0f"),
    SIO_WS_CLIENT_CORES("socket.io-client, WebSocket only: client (Node) cores used", "cores", Better.NONE, "%.2f"),
    SIO_WS_JIT_SHARE("socket.io-client, WebSocket only: JIT compiler threads' share of server CPU", "%", Better.NONE,
            "%.1f"),
    SIO_WS_WARMUP("socket.io-client, WebSocket only: warm-up used (until the JIT settled, capped)", "s", Better.NONE, "%.1f"),
    SIO_POLL_PER_CPU("socket.io-client, default transports (polling, then upgrade): msg per server CPU-s",
            "msg/CPU-s", Better.HIGHER, "%,.0f"),
    SIO_POLL_RATE("socket.io-client, default transports: msg/s", "msg/s", Better.HIGHER, "%,.0f"),
    SIO_POLL_CLIENT_CORES("socket.io-client, default transports: client (Node) cores used", "cores", Better.NONE,
            "%.2f"),
    SIO_POLL_JIT_SHARE("socket.io-client, default transports: JIT compiler threads' share of server CPU", "%",
            Better.NONE, "%.1f"),
    SIO_POLL_WARMUP("socket.io-client, default transports: warm-up used (until the JIT settled, capped)", "s", Better.NONE, "%.1f");

    /** Which way is better, for ratios against the reference. */
    public enum Better { HIGHER, LOWER, NONE }

    private final String label;
    private final String unit;
    private final Better better;
    private final String format;

    Metric(String label, String unit, Better better, String format) {
        this.label = label;
        this.unit = unit;
        this.better = better;
        this.format = format;
    }

    public String label() {
        return label;
    }

    public String unit() {
        return unit;
    }

    public Better better() {
        return better;
    }

    /** Formats a value of this metric (without the unit). */
    public String format(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(java.util.Locale.ROOT, format, v);
    }
}
