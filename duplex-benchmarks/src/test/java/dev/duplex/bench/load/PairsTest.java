package dev.duplex.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.duplex.bench.load.Pairs.Side;
import dev.duplex.bench.load.Pairs.Taken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * {@link Pairs} (the paired windows of {@code polling-echo}) and {@link PollingEcho#awaitLeftovers} against a fake
 * clock (sleeping advances it) and fake loads: which set sends in which window, the gap after a switch, windows
 * measured again after a JIT burst, the paired ratio, and the wait for the upgrade's leftovers.
 */
class PairsTest {
    /** A window of the fake load: which set sent, when it started, its cost per message and JIT share. */
    private record Win(Side side, long startedAt, double us, double jit) {
    }

    /**
     * Two sets of a fake server (cost per message 10 µs + 1 µs per second of the clock, the upgraded set 5% more);
     * each window takes 3 s and reports the next scripted JIT share.
     */
    private static final class FakeLoads {
        final FakeClock clock;
        final long t0;
        final double[] jit;
        final List<Side> switches = new ArrayList<>();
        final List<Long> switchedAt = new ArrayList<>();
        Side sending;
        int measured;

        FakeLoads(FakeClock clock, double... jit) {
            this.clock = clock;
            this.t0 = clock.now;
            this.jit = jit;
        }

        void switchTo(Side side) {
            switches.add(side);
            switchedAt.add(clock.now);
            sending = side;
        }

        Win measure() {
            long start = clock.now;
            double us = (10 + (start - t0) / 1e9) * (sending == Side.UPGRADED ? 1.05 : 1.0);
            clock.sleep(Duration.ofSeconds(3));
            return new Win(sending, start, us, jit[Math.min(measured++, jit.length - 1)]);
        }
    }

    /** The compiler's cumulative CPU time: quiet from the start (0 ms per half second). */
    private static LongSupplier quietCompiler() {
        return () -> 1_000_000_000L;
    }

    private static List<Taken<Win>> run(FakeLoads loads, LongSupplier compiler, Duration retryCap) {
        return Pairs.measure(Pairs.order(3), loads::switchTo, Duration.ofMillis(300), loads::measure, Win::jit,
                compiler, 1, Duration.ofSeconds(3), retryCap, loads.clock);
    }

    @Test
    void theOrderIsAbba() {
        assertThat(Pairs.order(3)).containsExactly(Side.DIRECT, Side.UPGRADED, Side.UPGRADED, Side.DIRECT,
                Side.DIRECT, Side.UPGRADED);
        assertThat(Pairs.order(1)).containsExactly(Side.DIRECT, Side.UPGRADED);
        assertThatThrownBy(() -> Pairs.order(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyTheSideOfTheWindowSendsAndEachWindowStartsAGapAfterItsSwitch() {
        FakeClock clock = new FakeClock();
        FakeLoads loads = new FakeLoads(clock, 0);
        List<Taken<Win>> w = run(loads, quietCompiler(), Duration.ofSeconds(15));
        assertThat(loads.switches).containsExactly(Side.DIRECT, Side.UPGRADED, Side.UPGRADED, Side.DIRECT,
                Side.DIRECT, Side.UPGRADED);
        assertThat(w).extracting(Taken::side).containsExactlyElementsOf(loads.switches);
        for (int i = 0; i < w.size(); i++) {
            // the window measured the set switched on, 300 ms after the switch
            assertThat(w.get(i).window().side()).isEqualTo(w.get(i).side());
            assertThat(w.get(i).window().startedAt() - loads.switchedAt.get(i)).isEqualTo(300_000_000L);
            assertThat(w.get(i).discarded()).isEmpty();
        }
        // six windows of 3 s and six gaps
        assertThat((clock.now - loads.t0) / 1e9).isCloseTo(19.8, within(1e-9));
    }

    @Test
    void aWindowWithAJitBurstIsMeasuredAgainOnTheSameSideWithoutASwitch() {
        FakeClock clock = new FakeClock();
        // the second window (the first upgraded one) has a burst
        FakeLoads loads = new FakeLoads(clock, 0, 35, 0);
        List<Taken<Win>> w = run(loads, quietCompiler(), Duration.ofSeconds(15));
        assertThat(loads.switches).hasSize(6);
        assertThat(loads.measured).isEqualTo(7);
        assertThat(w.get(1).side()).isEqualTo(Side.UPGRADED);
        assertThat(w.get(1).discarded()).containsExactly(35.0);
        assertThat(w.get(1).window().jit()).isZero();
        // measured again after one quiet half second, not right after the burst
        assertThat(w.get(1).window().startedAt() - loads.switchedAt.get(1)).isEqualTo(300_000_000L
                + 3_000_000_000L + 500_000_000L);
        assertThat(w).filteredOn(t -> t != w.get(1)).allMatch(t -> t.discarded().isEmpty());
    }

    @Test
    void retriesStopAtTheCapAndTheLastWindowIsKept() {
        FakeClock clock = new FakeClock();
        // every window compiles; retries only while they add at most 10 s, another window included
        FakeLoads loads = new FakeLoads(clock, 40);
        List<Taken<Win>> w = run(loads, quietCompiler(), Duration.ofSeconds(10));
        // window 1 at 0.3 s (40%): 3 s discarded, 0.5 s quiet; again at 3.8 s (40%): 6.5 s + 0.5 s; again at
        // 7.3 s: with another 3 s window, 7 + 3 + 3 > 10: kept, and so are the next ones
        assertThat(w.get(0).discarded()).containsExactly(40.0, 40.0);
        assertThat(w.get(0).window().jit()).isEqualTo(40.0);
        assertThat(w.subList(1, 6)).allMatch(t -> t.discarded().isEmpty());
        assertThat(loads.measured).isEqualTo(8);
        // the retries added 7 s to the six windows and gaps
        assertThat((clock.now - loads.t0) / 1e9).isCloseTo(19.8 + 7, within(1e-9));
    }

    @Test
    void theRetryCapIsWhatTheWarmUpLeft() {
        Scenarios.Settings full = Scenarios.Settings.full();
        // 1.5 s minimum + 15 s cap; a warm-up of 2.5 s leaves 14 s, one that reached the cap nothing
        assertThat(PollingEcho.retryCap(full, new WarmUp.Outcome(2.5, true, 0, List.of())))
                .isEqualTo(Duration.ofSeconds(14));
        assertThat(PollingEcho.retryCap(full, new WarmUp.Outcome(16.5, false, 0, List.of()))).isZero();
        assertThat(PollingEcho.retryCap(full, new WarmUp.Outcome(17.0, false, 0, List.of()))).isZero();
    }

    @Test
    void aCompilerThatDoesNotGoQuietEndsTheRetries() {
        FakeClock clock = new FakeClock();
        FakeLoads loads = new FakeLoads(clock, 40);
        long[] total = {0};
        // 100 ms of compilation in every half second: never quiet
        List<Taken<Win>> w = run(loads, () -> total[0] += 100_000_000L, Duration.ofSeconds(15));
        assertThat(w.get(0).discarded()).containsExactly(40.0);
        assertThat(w.subList(1, 6)).allMatch(t -> t.discarded().isEmpty());
        assertThat(loads.measured).isEqualTo(7);
    }

    private static Taken<Win> win(Side side, double us) {
        return new Taken<>(side, new Win(side, 0, us, 0), List.of());
    }

    @Test
    void thePairedRatioIsTheMedianOfThePerPairRatiosNotTheRatioOfMedians() {
        // the machine slows down over the sequence: 10, 20, 30 µs
        List<Taken<Win>> w = List.of(win(Side.DIRECT, 10), win(Side.UPGRADED, 11), win(Side.UPGRADED, 21),
                win(Side.DIRECT, 20), win(Side.DIRECT, 30), win(Side.UPGRADED, 33));
        assertThat(Pairs.perPairRatios(w, Win::us)).containsExactly(1.1, 1.05, 1.1);
        assertThat(Pairs.pairedRatio(w, Win::us)).isCloseTo(1.1, within(1e-12));
        assertThat(Pairs.median(w, Side.UPGRADED, Win::us)).isEqualTo(21.0);
        assertThat(Pairs.median(w, Side.DIRECT, Win::us)).isEqualTo(20.0);
        assertThat(Pairs.max(w, Side.UPGRADED, Win::us)).isEqualTo(33.0);
    }

    @Test
    void aPairOfOneSideIsRefused() {
        List<Taken<Win>> w = List.of(win(Side.DIRECT, 10), win(Side.DIRECT, 11));
        assertThatThrownBy(() -> Pairs.perPairRatios(w, Win::us)).hasMessageContaining("two DIRECT");
        assertThat(Pairs.pairedRatio(List.<Taken<Win>>of(), Win::us)).isNaN();
    }

    @Test
    void theLeftoversAreGoneWhenEveryPollEndedAndOnlyTheWebSocketsAreLeft() {
        FakeClock clock = new FakeClock();
        long t0 = clock.now;
        // polls end over the first second; the 100 idle HTTP connections close at 1.5 s
        PollingEcho.Leftovers lo = PollingEcho.awaitLeftovers(() -> (int) Math.min(100, (clock.now - t0) / 10_000_000L),
                100, () -> clock.now - t0 < 1_500_000_000L ? 300 : 200, 200, Duration.ofSeconds(15), clock);
        assertThat(lo.gone()).isTrue();
        assertThat(lo.seconds()).isCloseTo(1.5, within(1e-9));
        assertThat(lo.pollsEnded()).isEqualTo(100);
        assertThat(lo.serverConnections()).isEqualTo(200);
    }

    @Test
    void theWaitForLeftoversIsBoundedAndSaysWhatWasLeft() {
        FakeClock clock = new FakeClock();
        long t0 = clock.now;
        PollingEcho.Leftovers lo = PollingEcho.awaitLeftovers(() -> 100, 100, () -> 300, 200, Duration.ofSeconds(15),
                clock);
        assertThat(lo.gone()).isFalse();
        assertThat(lo.seconds()).isCloseTo(15.0, within(1e-9));
        assertThat(lo.serverConnections()).isEqualTo(300);
        // fewer connections than the WebSockets: lost ones, no use waiting
        PollingEcho.Leftovers lost = PollingEcho.awaitLeftovers(() -> 100, 100, () -> 199, 200,
                Duration.ofSeconds(15), clock);
        assertThat(lost.gone()).isFalse();
        assertThat(lost.seconds()).isZero();
        // /proc/net/tcp unreadable: only the polls are waited for
        PollingEcho.Leftovers unknown = PollingEcho.awaitLeftovers(() -> 100, 100, () -> -1, 200,
                Duration.ofSeconds(15), clock);
        assertThat(unknown.gone()).isTrue();
        assertThat(clock.now - t0).isEqualTo(15_000_000_000L);
    }

    @Test
    void theServersConnectionsAreCountedFromProcNetTcp() {
        // port 8080 = 0x1F90; the listening socket and TIME_WAIT are not counted, CLOSE_WAIT is; a client's end
        // (remote port 8080) is not the server's
        String table = String.join("\n",
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1",
                "   1: 0100007F:1F90 0200007F:D2F4 01 00000000:00000000 00:00000000 00000000  1000        0 2",
                "   2: 0200007F:D2F4 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 3",
                "   3: 0100007F:1F90 0300007F:C000 08 00000000:00000000 00:00000000 00000000  1000        0 4",
                "   4: 0100007F:1F90 0300007F:C001 06 00000000:00000000 00:00000000 00000000     0        0 0",
                "   5: 0100007F:1F91 0300007F:C002 01 00000000:00000000 00:00000000 00000000  1000        0 5");
        assertThat(ServerSockets.count(table, 8080)).isEqualTo(2);
        assertThat(ServerSockets.count(table, 8081)).isEqualTo(1);
    }
}
