package dev.duplex.client;

import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * The reconnection back-off of socket.io-client ({@code backo2}): the n-th delay is
 * {@code min * factor^n}, moved up or down by a random deviation of at most {@code jitter} of itself, and capped
 * at {@code max}. The random source can be replaced for tests. Not thread-safe.
 */
public final class Backoff {
    private long min;
    private long max;
    private final double factor;
    private double jitter;
    private final DoubleSupplier random;
    private int attempts;

    /**
     * A back-off like socket.io-client's.
     *
     * @param min    the first delay in milliseconds (100 when 0 or less, as in JS)
     * @param max    the cap in milliseconds (10000 when 0 or less, as in JS)
     * @param factor the growth factor (2 when 0 or less)
     * @param jitter the randomization factor; only values in {@code (0, 1]} are used, others mean none
     * @param random a source of doubles in {@code [0, 1)}, e.g. {@code Math::random}
     */
    public Backoff(long min, long max, double factor, double jitter, DoubleSupplier random) {
        this.min = min > 0 ? min : 100;
        this.max = max > 0 ? max : 10000;
        this.factor = factor > 0 ? factor : 2;
        this.jitter = jitter > 0 && jitter <= 1 ? jitter : 0;
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The delay before the next attempt, in milliseconds; counts the attempt. */
    public long duration() {
        double ms = min * Math.pow(factor, attempts);
        if (attempts < Integer.MAX_VALUE) {
            attempts++;
        }
        if (jitter != 0) {
            double rand = random.getAsDouble();
            double deviation = Math.floor(rand * jitter * ms);
            ms = (((long) Math.floor(rand * 10)) & 1) == 0 ? ms - deviation : ms + deviation;
        }
        // JS: Math.min(ms, max) | 0 truncates to a 32-bit integer
        return (int) Math.min(ms, (double) max);
    }

    /** Starts counting attempts from zero again. */
    public void reset() {
        attempts = 0;
    }

    /** The number of delays handed out since the last reset. */
    public int attempts() {
        return attempts;
    }

    public void setMin(long min) {
        this.min = min;
    }

    public void setMax(long max) {
        this.max = max;
    }

    public void setJitter(double jitter) {
        this.jitter = jitter;
    }
}
