package dev.duplex.bench.load;

import java.time.Duration;

/** A {@link WarmUp.Clock} whose sleeps only advance it: nothing really sleeps, every case is exact. */
final class FakeClock implements WarmUp.Clock {
    long now = 1_000_000_000L;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public void sleep(Duration d) {
        now += d.toNanos();
    }
}
