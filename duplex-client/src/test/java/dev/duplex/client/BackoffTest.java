package dev.duplex.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static List<Long> durations(Backoff b, int n) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(b.duration());
        }
        return out;
    }

    @Test
    void growsByTheFactorUpToTheMaxWithoutJitter() {
        Backoff b = new Backoff(1000, 5000, 2, 0, () -> 0.99);
        assertThat(durations(b, 5)).containsExactly(1000L, 2000L, 4000L, 5000L, 5000L);
        assertThat(b.attempts()).isEqualTo(5);
        b.reset();
        assertThat(b.attempts()).isZero();
        assertThat(b.duration()).isEqualTo(1000L);
    }

    @Test
    void jitterGoesDownWhenTheTenthsDigitOfTheRandomIsEven() {
        // rand 0.25: floor(2.5) = 2 is even -> ms - floor(0.25 * 0.5 * ms)
        Backoff b = new Backoff(1000, 5000, 2, 0.5, () -> 0.25);
        assertThat(durations(b, 3)).containsExactly(875L, 1750L, 3500L);
    }

    @Test
    void jitterGoesUpWhenTheTenthsDigitOfTheRandomIsOdd() {
        // rand 0.15: floor(1.5) = 1 is odd -> ms + floor(0.15 * 0.5 * ms), then capped
        Backoff b = new Backoff(1000, 5000, 2, 0.5, () -> 0.15);
        assertThat(durations(b, 4)).containsExactly(1075L, 2150L, 4300L, 5000L);
    }

    @Test
    void followsTheRandomSourceCallByCall() {
        double[] r = {0.0, 0.99, 0.5, 0.31};
        int[] i = {0};
        Backoff b = new Backoff(100, 10000, 2, 1.0, () -> r[i[0]++]);
        // 0.0 -> 100 - 0; 0.99 -> floor(9.9)=9 odd: 200 + floor(0.99*200)=198; 0.5 -> 5 odd: 400 + 200;
        // 0.31 -> 3 odd: 800 + floor(248.0)
        assertThat(durations(b, 4)).containsExactly(100L, 398L, 600L, 1048L);
    }

    @Test
    void jsDefaultsForZeroAndOutOfRangeJitterIsIgnored() {
        Backoff b = new Backoff(0, 0, 0, 1.5, () -> 0.5);
        assertThat(durations(b, 8)).containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 6400L, 10000L);
    }

    @Test
    void hugeAttemptCountsStayAtTheMax() {
        Backoff b = new Backoff(1000, 5000, 2, 0.5, () -> 0.5);
        for (int k = 0; k < 2000; k++) {
            assertThat(b.duration()).isBetween(0L, 5000L);
        }
        assertThat(b.duration()).isEqualTo(5000L);
    }

    @Test
    void optionsCarryTheBackoffSettingsAndRandomSource() {
        IoOptions o = IoOptions.builder().reconnectionDelay(500).reconnectionDelayMax(3000)
                .randomizationFactor(0.5).random(() -> 0.25).build();
        Backoff b = new Backoff(o.reconnectionDelay, o.reconnectionDelayMax, 2, o.randomizationFactor, o.random);
        assertThat(durations(b, 4)).containsExactly(438L, 875L, 1750L, 3000L);
    }
}
