package dev.duplex.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Paired measurement windows of two sets of connections in one server process, only one set sending at a time, in
 * ABBA order (direct, upgraded, upgraded, direct, direct, upgraded, ...): adjacent windows form a pair with one
 * window of each set, so a drift of the machine's speed over the sequence (another process, a GC, a late
 * compilation) falls on both sides of most pairs, and the figure to judge is the median of the per-pair ratios
 * rather than one window against another measured minutes apart.
 */
final class Pairs {
    /** The two sets: clients that connected over WebSocket directly, and clients that came over polling. */
    enum Side { DIRECT, UPGRADED }

    /** One kept window of one side, and the JIT shares (%) of the windows of that side measured again before it. */
    record Taken<M>(Side side, M window, List<Double> discarded) {
    }

    private Pairs() {
    }

    /**
     * The ABBA order of {@code pairs} pairs: pair {@code k} is (direct, upgraded) when {@code k} is even, (upgraded,
     * direct) when odd.
     */
    static List<Side> order(int pairs) {
        if (pairs < 1) {
            throw new IllegalArgumentException("at least one pair: " + pairs);
        }
        List<Side> order = new ArrayList<>(2 * pairs);
        for (int k = 0; k < pairs; k++) {
            boolean directFirst = k % 2 == 0;
            order.add(directFirst ? Side.DIRECT : Side.UPGRADED);
            order.add(directFirst ? Side.UPGRADED : Side.DIRECT);
        }
        return order;
    }

    /**
     * Measures one window per entry of {@code order}: {@code switchTo} makes only that side send, then
     * {@code gap} passes (the other side's last acks arrive, the new side's pacer is steady), then
     * {@code measure} takes the window. A window in which the JIT compiler threads used more than
     * {@link WarmUp#RETRY_JIT_PERCENT} of the server's CPU is measured again (same side, no switch) once the
     * compiler was quiet for {@code quietSteps} half seconds, as long as the windows discarded and the waits after
     * them, another window included, add at most {@code retryCap} to the sequence (the scenario passes what its
     * warm-up left of its cap); past it, or after a wait at whose end the compiler was still busy, every window is
     * kept as it is.
     */
    static <M> List<Taken<M>> measure(List<Side> order, Consumer<Side> switchTo, Duration gap, Supplier<M> measure,
            ToDoubleFunction<M> jitPercent, LongSupplier compilerNanos, int quietSteps, Duration window,
            Duration retryCap, WarmUp.Clock clock) {
        long cap = retryCap.toNanos();
        long spent = 0;
        boolean retries = true;
        List<Taken<M>> taken = new ArrayList<>(order.size());
        for (Side side : order) {
            switchTo.accept(side);
            clock.sleep(gap);
            List<Double> discarded = new ArrayList<>();
            while (true) {
                long t0 = clock.nanoTime();
                M m = measure.get();
                double jit = jitPercent.applyAsDouble(m);
                long took = clock.nanoTime() - t0;
                if (jit <= WarmUp.RETRY_JIT_PERCENT || !retries || spent + took + window.toNanos() > cap) {
                    taken.add(new Taken<>(side, m, List.copyOf(discarded)));
                    break;
                }
                discarded.add(jit);
                spent += took;
                long w0 = clock.nanoTime();
                WarmUp.Outcome o = WarmUp.run(compilerNanos, Duration.ZERO,
                        Duration.ofNanos(Math.max(0, cap - spent - window.toNanos())), quietSteps, clock);
                spent += clock.nanoTime() - w0;
                // a compiler still busy at the cap: keep the next windows whatever their share (noted by the caller)
                retries = o.settled();
            }
        }
        return taken;
    }

    /**
     * The median over the pairs (windows {@code 2k} and {@code 2k + 1}) of upgraded / direct {@code cost}; NaN when
     * there is no complete pair.
     */
    static <M> double pairedRatio(List<Taken<M>> windows, ToDoubleFunction<M> cost) {
        double[] r = perPairRatios(windows, cost);
        return median(r);
    }

    /** Upgraded / direct {@code cost} of each pair (windows {@code 2k} and {@code 2k + 1}), in order. */
    static <M> double[] perPairRatios(List<Taken<M>> windows, ToDoubleFunction<M> cost) {
        double[] r = new double[windows.size() / 2];
        for (int k = 0; k < r.length; k++) {
            Taken<M> a = windows.get(2 * k);
            Taken<M> b = windows.get(2 * k + 1);
            if (a.side() == b.side()) {
                throw new IllegalArgumentException("pair " + k + " has two " + a.side() + " windows");
            }
            Taken<M> up = a.side() == Side.UPGRADED ? a : b;
            Taken<M> direct = up == a ? b : a;
            r[k] = cost.applyAsDouble(up.window()) / cost.applyAsDouble(direct.window());
        }
        return r;
    }

    /** The median of {@code cost} over the windows of one side; NaN when it has none. */
    static <M> double median(List<Taken<M>> windows, Side side, ToDoubleFunction<M> cost) {
        return median(windows.stream().filter(t -> t.side() == side).mapToDouble(t -> cost.applyAsDouble(t.window()))
                .toArray());
    }

    /** The highest {@code f} over the windows of one side; NaN when it has none. */
    static <M> double max(List<Taken<M>> windows, Side side, ToDoubleFunction<M> f) {
        return windows.stream().filter(t -> t.side() == side).mapToDouble(t -> f.applyAsDouble(t.window())).max()
                .orElse(Double.NaN);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
