package dev.duplex.redis;

import java.time.Duration;
import java.util.Objects;

/** Checks shared by the option builders of the three adapters. */
final class OptionChecks {
    private OptionChecks() {
    }

    /** {@code value}, when it is a positive duration; named {@code name} in the exception otherwise. */
    static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return value;
    }
}
