package dev.duplex.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The warm-up before a measurement window: the scenario's own load keeps running while this waits until the
 * server's JIT compiler threads have been quiet (less than {@link #QUIET_NANOS} of CPU, from schedstat) for
 * {@code quietSteps} consecutive half seconds, at least {@code min} and at most {@code min + cap}; optionally also
 * bounded by the load's progress (handshakes: at most so many connections). A window that starts while C2 still
 * compiles on the server's only CPU measures the compiler, not the steady-state cost per message. A process with no
 * compiler threads to read (Node) stops at {@code min}.
 */
public final class WarmUp {
    /** How often the compiler's CPU time is read. */
    public static final Duration STEP = Duration.ofMillis(500);
    /** At most this much compiler CPU time in one step counts as quiet (4% of one core). */
    public static final long QUIET_NANOS = 20_000_000L;

    /**
     * A window in which the compiler threads used more than this share of the server's CPU (%) is measured again
     * when the cap leaves room (C2 compiles in bursts, sometimes after several quiet seconds): the same 10% above
     * which the report notes a window "(not fully warm)".
     */
    public static final double RETRY_JIT_PERCENT = 10;

    /** Wall time and sleeping, a fake one in tests. */
    interface Clock {
        long nanoTime();

        void sleep(Duration d);

        Clock SYSTEM = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(Duration d) {
                Scenarios.sleep(d);
            }
        };
    }

    /**
     * How a warm-up ended: its length, whether the compiler was quiet at the end ({@code settled}; false when a cap
     * ended it), the load's progress at the end (e.g. connections made) and the compiler's CPU milliseconds in each
     * step (empty without compiler threads).
     */
    public record Outcome(double seconds, boolean settled, long progress, List<Double> compilerMsPerStep) {
        /** The compiler's milliseconds per step, for the console, e.g. {@code "212 95 31 4 2 1"}. */
        public String trace() {
            StringBuilder sb = new StringBuilder();
            for (double ms : compilerMsPerStep) {
                sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.0f", ms));
            }
            return sb.toString();
        }
    }

    /**
     * A window measured after the warm-up: its figures, the warm-up's last {@link Outcome}, the time from the start
     * of the warm-up to the start of this window ({@code seconds}, discarded windows included), and the JIT share
     * (%) of every window discarded before it.
     */
    public record Settled<M>(M window, Outcome warmUp, double seconds, List<Double> discarded) {
    }

    private WarmUp() {
    }

    /**
     * Warms up ({@link #run(LongSupplier, Duration, Duration, int, Clock)}), then measures one window with
     * {@code measure}. If the compiler threads used more than {@link #RETRY_JIT_PERCENT} of the server's CPU in it
     * ({@code jitPercent}), the warm-up was settled and another window still fits before {@code min + cap}, that
     * window is discarded, the warm-up goes on until the compiler is quiet again, and a new window is measured.
     */
    static <M> Settled<M> settle(LongSupplier compilerNanos, Duration min, Duration cap, int quietSteps,
            Duration window, Supplier<M> measure, ToDoubleFunction<M> jitPercent, Clock clock) {
        long t0 = clock.nanoTime();
        long deadline = t0 + min.toNanos() + cap.toNanos();
        Outcome o = run(compilerNanos, min, cap, quietSteps, clock);
        List<Double> discarded = new ArrayList<>();
        while (true) {
            double warmed = (clock.nanoTime() - t0) / 1e9;
            M m = measure.get();
            double jit = jitPercent.applyAsDouble(m);
            long now = clock.nanoTime();
            if (jit <= RETRY_JIT_PERCENT || !o.settled() || now + window.toNanos() - deadline > 0) {
                return new Settled<>(m, o, warmed, List.copyOf(discarded));
            }
            discarded.add(jit);
            o = run(compilerNanos, Duration.ZERO, Duration.ofNanos(deadline - now), quietSteps, clock);
        }
    }

    /** {@link #run(LongSupplier, Duration, Duration, int, LongSupplier, long, Clock)} without a progress bound. */
    static Outcome run(LongSupplier compilerNanos, Duration min, Duration cap, int quietSteps, Clock clock) {
        return run(compilerNanos, min, cap, quietSteps, () -> 0, Long.MAX_VALUE, clock);
    }

    /**
     * Waits while the load runs. {@code compilerNanos}: the compiler threads' CPU time so far, or a negative value
     * when the process has none (then this sleeps {@code min} and returns). Every {@link #STEP} it reads it; it
     * returns at the first step at least {@code min} after the start that ends {@code quietSteps} quiet steps in a
     * row (settled), or, not settled, at the first step at least {@code min + cap} after the start, or as soon as
     * {@code progress} (read every tenth of a second) is at {@code maxProgress} or more.
     */
    static Outcome run(LongSupplier compilerNanos, Duration min, Duration cap, int quietSteps, LongSupplier progress,
            long maxProgress, Clock clock) {
        if (quietSteps < 1) {
            throw new IllegalArgumentException("quietSteps must be at least 1: " + quietSteps);
        }
        long t0 = clock.nanoTime();
        long previous = compilerNanos.getAsLong();
        if (previous < 0) {
            clock.sleep(min);
            return new Outcome(seconds(clock, t0), true, progress.getAsLong(), List.of());
        }
        long end = t0 + min.toNanos() + cap.toNanos();
        List<Double> steps = new ArrayList<>();
        int quiet = 0;
        // with a progress bound, the progress is read every fifth of a step, so that the bound is not overshot much
        int slices = maxProgress == Long.MAX_VALUE ? 1 : 5;
        while (true) {
            for (int i = 0; i < slices; i++) {
                clock.sleep(STEP.dividedBy(slices));
                long done = progress.getAsLong();
                if (slices > 1 && done >= maxProgress) {
                    return new Outcome((clock.nanoTime() - t0) / 1e9, false, done, List.copyOf(steps));
                }
            }
            long now = compilerNanos.getAsLong();
            long used = Math.max(0, now - previous);
            previous = Math.max(previous, now);
            steps.add(used / 1e6);
            quiet = used <= QUIET_NANOS ? quiet + 1 : 0;
            long t = clock.nanoTime();
            long done = progress.getAsLong();
            if (t - t0 >= min.toNanos() && quiet >= quietSteps) {
                return new Outcome((t - t0) / 1e9, true, done, List.copyOf(steps));
            }
            if (t - end >= 0 || done >= maxProgress) {
                return new Outcome((t - t0) / 1e9, false, done, List.copyOf(steps));
            }
        }
    }

    private static double seconds(Clock clock, long t0) {
        return (clock.nanoTime() - t0) / 1e9;
    }
}
