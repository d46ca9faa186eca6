package dev.duplex.bench.load;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;
import org.HdrHistogram.Histogram;

/**
 * The {@code polling-echo} scenario: echo at {@code costRate} over clients that connected the way the official
 * client does by default (Engine.IO open and {@code 40} over HTTP long-polling, one poll left pending, then the
 * upgrade {@code 2probe}/{@code 3probe}/{@code 5}), against direct WebSocket clients of the same server process in
 * paired windows. The two sets are connected side by side; once the upgrade's leftovers are gone (every pending
 * poll ended, and the server holds no connection but the two sets' WebSockets: the handshakes' HTTP connections are
 * closed from the generator's side, {@link PollingHandshake#KEEP_ALIVE_SECONDS}) and the JIT settled with both sets
 * sending half the rate each, {@link #PAIRS} pairs of windows follow in ABBA order ({@link Pairs}), each window
 * with only one set sending at the full rate. The figure to judge is the median of the per-pair ratios, upgraded /
 * direct server CPU-µs per message.
 */
final class PollingEcho {
    /** Pairs of windows: 3 windows of each set. */
    static final int PAIRS = 3;
    /** After a switch, before the window: the other set's last acks arrive, the new set's pacer is steady. */
    static final Duration GAP = Duration.ofMillis(300);
    /**
     * The longest wait for the upgrade's leftovers to go: past the client's 1 s and the servers' 5 s keep-alive
     * timeouts.
     */
    static final Duration LEFTOVERS_TIMEOUT = Duration.ofSeconds(8);

    private static final String WHAT = "echo after polling->upgrade";

    private PollingEcho() {
    }

    /** How the wait for the upgrade's leftovers ended: its length, and the counts last seen. */
    record Leftovers(double seconds, boolean gone, int pollsEnded, int serverConnections) {
    }

    /**
     * Waits (reading every 50 ms, at most {@code timeout}) until {@code polls} pending polls have ended and the
     * server holds exactly {@code connections} connections (fewer would mean lost WebSockets: that too ends the
     * wait, as not gone); a count of -1 ({@code /proc/net/tcp} unreadable) is not waited for.
     */
    static Leftovers awaitLeftovers(IntSupplier pollsEnded, int polls, IntSupplier serverConnections,
            int connections, Duration timeout, WarmUp.Clock clock) {
        long t0 = clock.nanoTime();
        while (true) {
            int ended = pollsEnded.getAsInt();
            int open = serverConnections.getAsInt();
            boolean gone = ended >= polls && (open == connections || open < 0);
            double seconds = (clock.nanoTime() - t0) / 1e9;
            if (gone || open >= 0 && open < connections || clock.nanoTime() - t0 >= timeout.toNanos()) {
                return new Leftovers(seconds, gone, ended, open);
            }
            clock.sleep(Duration.ofMillis(50));
        }
    }

    static Scenarios.Result run(Scenarios.Server server, Scenarios.Settings s) {
        Scenarios.Result r = new Scenarios.Result();
        int n = s.fixedClients();
        try (LoadGenerator gen = new LoadGenerator(server.address(), s.sourceAddresses())) {
            EchoLoad upgraded = new EchoLoad(gen, false, s.costRate() / 2);
            EchoLoad direct = new EchoLoad(gen, false, s.costRate() - s.costRate() / 2);
            PollingHandshake handshake = new PollingHandshake(server.address());
            try {
                upgraded.upgradeSids = new ArrayDeque<>(handshake.open(n, 50, 60));
                upgraded.connectAll(n, 100, 30);
                direct.connectAll(n, 100, 30);
                int port = server.address().getPort();
                Leftovers lo = awaitLeftovers(handshake::pendingPollsEnded, n, () -> ServerSockets.count(port),
                        2 * n, LEFTOVERS_TIMEOUT, WarmUp.Clock.SYSTEM);
                r.values().put(Metric.POLL_ECHO_LEFTOVERS, lo.seconds());
                System.out.printf(Locale.ROOT, "    %s: the upgrade's leftovers %s after %.1f s (%d of %d pending "
                        + "polls ended, %d server connections)%n", WHAT, lo.gone() ? "gone" : "NOT gone",
                        lo.seconds(), lo.pollsEnded(), n, lo.serverConnections());
                if (!lo.gone()) {
                    r.notes().add(String.format(Locale.ROOT, "%s: after %.1f s, %d of the %d pending polls had "
                            + "ended and the server held %d connections (expected the %d WebSockets only)", WHAT,
                            lo.seconds(), lo.pollsEnded(), n, lo.serverConnections(), 2 * n));
                }
                // the warm-up: both sets at half the rate, the same code compiled for both
                upgraded.start();
                direct.start();
                long pid = server.pid();
                WarmUp.Outcome o = WarmUp.run(() -> ProcStat.compilerNanosOrNone(pid), s.fixedWarmup(), s.jitCap(),
                        s.quietSteps(), WarmUp.Clock.SYSTEM);
                Scenarios.noteWarmUp(r, WHAT, o, String.format(Locale.ROOT, "%.1f s", o.seconds()));
                r.values().put(Metric.POLL_ECHO_WARMUP, o.seconds());

                EchoLoad[] sending = {null, null};
                long[] otherSet = {0};
                List<Pairs.Taken<Scenarios.Measured>> windows = Pairs.measure(Pairs.order(PAIRS), side -> {
                    sending[0] = side == Pairs.Side.UPGRADED ? upgraded : direct;
                    sending[1] = sending[0] == upgraded ? direct : upgraded;
                    sending[1].rate(0);
                    sending[0].rate(s.costRate());
                }, GAP, () -> {
                    EchoLoad quiet = sending[1];
                    long before = gen.onLoop(() -> quiet.completed);
                    Scenarios.Measured m = Scenarios.measure(server, sending[0], s.window());
                    otherSet[0] += gen.onLoop(() -> quiet.completed) - before;
                    return m;
                }, Scenarios.Measured::jitPercent, () -> ProcStat.compilerNanosOrNone(pid), s.quietSteps(),
                        s.window(), retryCap(s, o), WarmUp.Clock.SYSTEM);
                report(r, windows, s, n);
                if (otherSet[0] > 0) {
                    r.notes().add(WHAT + ": " + otherSet[0] + " acks of the set not sending arrived within the "
                            + "windows (counted in the other set's CPU)");
                }
                for (EchoLoad l : List.of(upgraded, direct)) {
                    long dropped = gen.onLoop(() -> l.dropped);
                    if (dropped > 0) {
                        r.notes().add(WHAT + ": " + dropped + " sends skipped (more than 1024 acks outstanding)");
                    }
                }
                int ended = handshake.pendingPollsEnded();
                if (ended < n) {
                    r.notes().add(WHAT + ": the server ended " + ended + " of the " + n
                            + " polls pending at the upgrade (with a noop or by closing them)");
                }
            } finally {
                upgraded.closeAll();
                direct.closeAll();
                handshake.close();
            }
        }
        return r;
    }

    /**
     * What the warm-up left of its cap ({@code fixedWarmup + jitCap}) for windows measured again, as in every other
     * scenario ({@link WarmUp#settle}), so that the scenario's worst case grows only by its planned windows.
     */
    static Duration retryCap(Scenarios.Settings s, WarmUp.Outcome warmUp) {
        long left = s.fixedWarmup().plus(s.jitCap()).toNanos() - (long) (warmUp.seconds() * 1e9);
        return Duration.ofNanos(Math.max(0, left));
    }

    private static double usPerMessage(Scenarios.Measured m) {
        return m.window().serverCpu / Math.max(1, m.completed()) * 1e6;
    }

    /** The figures of the kept windows, and a note for every window measured again or still compiling. */
    private static void report(Scenarios.Result r, List<Pairs.Taken<Scenarios.Measured>> windows,
            Scenarios.Settings s, int n) {
        r.values().put(Metric.POLL_ECHO_US, Pairs.median(windows, Pairs.Side.UPGRADED, PollingEcho::usPerMessage));
        r.values().put(Metric.POLL_ECHO_DIRECT_US, Pairs.median(windows, Pairs.Side.DIRECT,
                PollingEcho::usPerMessage));
        r.values().put(Metric.POLL_ECHO_PAIRED, Pairs.pairedRatio(windows, PollingEcho::usPerMessage));
        r.values().put(Metric.POLL_ECHO_JIT_SHARE, Pairs.max(windows, Pairs.Side.UPGRADED,
                Scenarios.Measured::jitPercent));
        r.values().put(Metric.POLL_ECHO_DIRECT_JIT_SHARE, Pairs.max(windows, Pairs.Side.DIRECT,
                Scenarios.Measured::jitPercent));
        Histogram latency = new Histogram(60_000_000_000L, 3);
        long upMessages = 0;
        double upSeconds = 0;
        StringBuilder console = new StringBuilder();
        for (int i = 0; i < windows.size(); i++) {
            Pairs.Taken<Scenarios.Measured> t = windows.get(i);
            Scenarios.Measured m = t.window();
            String which = String.format(Locale.ROOT, "%s (%s, window %d of %d)", WHAT,
                    t.side().name().toLowerCase(Locale.ROOT), i + 1, windows.size());
            long done = m.completed();
            Scenarios.checkErrors(r, which, m.end(), done);
            if (t.side() == Pairs.Side.UPGRADED) {
                latency.add(m.end().histogram());
                upMessages += done;
                upSeconds += m.window().seconds;
            }
            if (done < 0.9 * s.costRate() * m.window().seconds) {
                r.notes().add(String.format(Locale.ROOT, "%s: only %.0f msg/s achieved (server saturated?)", which,
                        done / m.window().seconds));
            }
            Scenarios.noteGeneratorBound(r, which, m.window());
            if (!t.discarded().isEmpty()) {
                StringBuilder shares = new StringBuilder();
                for (double d : t.discarded()) {
                    shares.append(shares.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f%%", d));
                }
                r.notes().add(which + ": measured again after " + (t.discarded().size() == 1 ? "a window"
                        : t.discarded().size() + " windows") + " in which the JIT compiler threads used " + shares
                        + " of the server's CPU");
            }
            console.append(String.format(Locale.ROOT, " %s %.2f", t.side() == Pairs.Side.UPGRADED ? "U" : "D",
                    usPerMessage(m)));
        }
        r.values().put(Metric.POLL_ECHO_RATE, upMessages / Math.max(1e-9, upSeconds));
        Scenarios.putLatency(r, latency, Metric.POLL_ECHO_P50, Metric.POLL_ECHO_P99, null);
        StringBuilder ratios = new StringBuilder();
        for (double x : Pairs.perPairRatios(windows, PollingEcho::usPerMessage)) {
            ratios.append(String.format(Locale.ROOT, " %.3f", x));
        }
        System.out.println("    " + WHAT + ", " + n + " + " + n + " clients: server CPU-µs per message by window:"
                + console + "; upgraded/direct per pair:" + ratios);
    }
}
