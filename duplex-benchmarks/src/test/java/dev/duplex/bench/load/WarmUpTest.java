package dev.duplex.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * {@link WarmUp} against a fake clock (sleeping advances it, nothing really sleeps) and a fake compiler: the
 * compiler's CPU milliseconds in each half second are scripted, so every case is exact and timing-free.
 */
class WarmUpTest {
    /**
     * The compiler threads' cumulative CPU time, read once at the start and once per step: each step adds the next
     * scripted milliseconds (the last one repeats).
     */
    private static LongSupplier compiler(long... msPerStep) {
        long[] total = {5_000_000_000L};
        int[] step = {-1};
        return () -> {
            if (step[0] >= 0) {
                total[0] += msPerStep[Math.min(step[0], msPerStep.length - 1)] * 1_000_000L;
            }
            step[0]++;
            return total[0];
        };
    }

    @Test
    void stopsAfterTheGivenNumberOfQuietHalfSecondsInARow() {
        FakeClock clock = new FakeClock();
        // busy, busy, quiet, quiet (two in a row: not enough for 3), busy, then quiet for good
        WarmUp.Outcome o = WarmUp.run(compiler(300, 120, 10, 5, 60, 2, 0, 19, 400), Duration.ofMillis(1000),
                Duration.ofSeconds(15), 3, clock);
        assertThat(o.settled()).isTrue();
        // steps end at 0.5, 1.0, ... ; the third quiet step in a row after the burst at 2.5 s ends at 4.0 s
        assertThat(o.seconds()).isCloseTo(4.0, within(1e-9));
        assertThat(o.compilerMsPerStep()).containsExactly(300.0, 120.0, 10.0, 5.0, 60.0, 2.0, 0.0, 19.0);
        assertThat(o.trace()).isEqualTo("300 120 10 5 60 2 0 19");
    }

    @Test
    void twoQuietHalfSecondsAreEnoughWhenTwoAreAsked() {
        FakeClock clock = new FakeClock();
        WarmUp.Outcome o = WarmUp.run(compiler(300, 120, 10, 5, 60), Duration.ofMillis(1000),
                Duration.ofSeconds(15), 2, clock);
        assertThat(o.settled()).isTrue();
        assertThat(o.seconds()).isCloseTo(2.0, within(1e-9));
    }

    @Test
    void theThresholdIsTwentyMillisecondsPerHalfSecond() {
        // 20 ms counts as quiet, 21 ms does not
        WarmUp.Outcome quiet = WarmUp.run(compiler(20), Duration.ZERO, Duration.ofSeconds(5), 3, new FakeClock());
        assertThat(quiet.settled()).isTrue();
        assertThat(quiet.seconds()).isCloseTo(1.5, within(1e-9));
        WarmUp.Outcome busy = WarmUp.run(compiler(21), Duration.ZERO, Duration.ofSeconds(5), 3, new FakeClock());
        assertThat(busy.settled()).isFalse();
    }

    @Test
    void neverStopsBeforeTheMinimumEvenWhenQuietFromTheStart() {
        WarmUp.Outcome o = WarmUp.run(compiler(0), Duration.ofMillis(2500), Duration.ofSeconds(15), 3,
                new FakeClock());
        assertThat(o.settled()).isTrue();
        assertThat(o.seconds()).isCloseTo(2.5, within(1e-9));
    }

    @Test
    void stopsAtTheCapWhenTheCompilerNeverGoesQuietAndSaysSo() {
        FakeClock clock = new FakeClock();
        WarmUp.Outcome o = WarmUp.run(compiler(100, 5, 5, 100), Duration.ofMillis(1500), Duration.ofSeconds(15),
                3, clock);
        assertThat(o.settled()).isFalse();
        // the minimum plus the cap, to the step
        assertThat(o.seconds()).isCloseTo(16.5, within(1e-9));
        assertThat(o.compilerMsPerStep()).hasSize(33);
    }

    @Test
    void aProcessWithoutCompilerThreadsStopsAtTheMinimum() {
        FakeClock clock = new FakeClock();
        AtomicLong reads = new AtomicLong();
        WarmUp.Outcome o = WarmUp.run(() -> {
            reads.incrementAndGet();
            return -1;
        }, Duration.ofMillis(1200), Duration.ofSeconds(15), 3, clock);
        assertThat(o.settled()).isTrue();
        assertThat(o.seconds()).isCloseTo(1.2, within(1e-9));
        assertThat(o.compilerMsPerStep()).isEmpty();
        assertThat(reads.get()).isEqualTo(1);
    }

    @Test
    void handshakesStopAtTheConnectionCapWhileTheCompilerIsBusy() {
        FakeClock clock = new FakeClock();
        long start = clock.now;
        // 10,000 connections per second, from 15,000; the compiler never quiet
        LongSupplier connections = () -> 15_000 + (clock.now - start) / 100_000;
        WarmUp.Outcome o = WarmUp.run(compiler(200), Duration.ZERO, Duration.ofSeconds(20), 3, connections, 60_000,
                clock);
        assertThat(o.settled()).isFalse();
        assertThat(o.progress()).isEqualTo(60_000);
        assertThat(o.seconds()).isCloseTo(4.5, within(1e-9));
        // read every 0.1 s: at 20,000 per second it stops at the first tenth past the cap, not the next half second
        FakeClock fast = new FakeClock();
        long fastStart = fast.now;
        WarmUp.Outcome f = WarmUp.run(compiler(200), Duration.ZERO, Duration.ofSeconds(20), 3,
                () -> 15_000 + (fast.now - fastStart) / 50_000, 60_000, fast);
        assertThat(f.settled()).isFalse();
        assertThat(f.progress()).isEqualTo(61_000);
        assertThat(f.seconds()).isCloseTo(2.3, within(1e-9));
    }

    @Test
    void handshakesStopWhenTheCompilerIsQuietBeforeTheConnectionCap() {
        FakeClock clock = new FakeClock();
        long start = clock.now;
        LongSupplier connections = () -> 15_000 + (clock.now - start) / 100_000;
        WarmUp.Outcome o = WarmUp.run(compiler(200, 150, 3, 2, 1), Duration.ZERO, Duration.ofSeconds(20), 3,
                connections, 60_000, clock);
        assertThat(o.settled()).isTrue();
        assertThat(o.seconds()).isCloseTo(2.5, within(1e-9));
        assertThat(o.progress()).isEqualTo(40_000);
    }

    @Test
    void handshakesStopAtTheTimeCapWhenConnectionsAreSlow() {
        FakeClock clock = new FakeClock();
        long start = clock.now;
        LongSupplier connections = () -> 15_000 + (clock.now - start) / 1_000_000; // 1,000 per second
        WarmUp.Outcome o = WarmUp.run(compiler(200), Duration.ZERO, Duration.ofSeconds(20), 3, connections, 60_000,
                clock);
        assertThat(o.settled()).isFalse();
        assertThat(o.seconds()).isCloseTo(20.0, within(1e-9));
        assertThat(o.progress()).isEqualTo(35_000);
    }

    /** A scripted measurement window: takes 3 s of the fake clock and reports the next JIT share (%). */
    private static java.util.function.Supplier<Double> windows(FakeClock clock, double... jitPercent) {
        int[] i = {0};
        return () -> {
            clock.sleep(Duration.ofSeconds(3));
            return jitPercent[Math.min(i[0]++, jitPercent.length - 1)];
        };
    }

    @Test
    void aWindowInWhichTheCompilerWorkedIsMeasuredAgainAfterItIsQuiet() {
        FakeClock clock = new FakeClock();
        // quiet after 1.5 s; the first window has a burst (35%), the second is clean
        WarmUp.Settled<Double> st = WarmUp.settle(compiler(300, 100, 0), Duration.ofMillis(1000),
                Duration.ofSeconds(15), 1, Duration.ofSeconds(3), windows(clock, 35, 2), Double::doubleValue, clock);
        assertThat(st.window()).isEqualTo(2.0);
        assertThat(st.discarded()).containsExactly(35.0);
        // 1.5 s of warm-up, the discarded 3 s window, then one more quiet half second
        assertThat(st.seconds()).isCloseTo(5.0, within(1e-9));
        assertThat(st.warmUp().settled()).isTrue();
    }

    @Test
    void aCleanWindowIsKept() {
        FakeClock clock = new FakeClock();
        WarmUp.Settled<Double> st = WarmUp.settle(compiler(0), Duration.ofMillis(1500), Duration.ofSeconds(15), 3,
                Duration.ofSeconds(3), windows(clock, 10, 50), Double::doubleValue, clock);
        // 10% is not more than the threshold: kept
        assertThat(st.window()).isEqualTo(10.0);
        assertThat(st.discarded()).isEmpty();
        assertThat(st.seconds()).isCloseTo(1.5, within(1e-9));
    }

    @Test
    void noWindowIsMeasuredAgainPastTheCap() {
        FakeClock clock = new FakeClock();
        // every window compiles: windows are retried only while another fits before min + cap (1 + 10 s)
        WarmUp.Settled<Double> st = WarmUp.settle(compiler(0), Duration.ofMillis(1000), Duration.ofSeconds(10), 2,
                Duration.ofSeconds(3), windows(clock, 40), Double::doubleValue, clock);
        assertThat(st.window()).isEqualTo(40.0);
        // windows start at 1.0, 5.0 and 9.0 (each after 1 s quiet); after the third, none fits before 11.0: kept
        assertThat(st.discarded()).containsExactly(40.0, 40.0);
        assertThat(st.seconds()).isCloseTo(9.0, within(1e-9));
    }

    @Test
    void aWarmUpThatReachedItsCapIsNotExtendedByRetries() {
        FakeClock clock = new FakeClock();
        WarmUp.Settled<Double> st = WarmUp.settle(compiler(100), Duration.ofMillis(1000), Duration.ofSeconds(4), 3,
                Duration.ofSeconds(3), windows(clock, 40), Double::doubleValue, clock);
        assertThat(st.warmUp().settled()).isFalse();
        assertThat(st.discarded()).isEmpty();
        assertThat(st.seconds()).isCloseTo(5.0, within(1e-9));
    }

    @Test
    void withoutCompilerThreadsTheFirstWindowIsKept() {
        FakeClock clock = new FakeClock();
        WarmUp.Settled<Double> st = WarmUp.settle(() -> -1, Duration.ofMillis(1200), Duration.ofSeconds(15), 3,
                Duration.ofSeconds(3), windows(clock, 0), Double::doubleValue, clock);
        assertThat(st.seconds()).isCloseTo(1.2, within(1e-9));
        assertThat(st.discarded()).isEmpty();
    }
}
