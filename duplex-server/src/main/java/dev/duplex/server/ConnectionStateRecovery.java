package dev.duplex.server;

import java.time.Duration;
import java.util.Objects;

/**
 * socket.io's {@code connectionStateRecovery} option (immutable; made with {@link #builder()}). With it, a client
 * that lost its connection (transport closed or errored, ping timeout, connection closed by the server) and comes
 * back within {@link #maxDisconnectionDuration()} gets its socket back: the same id, rooms and
 * {@link Socket#data() data}, {@link Socket#recovered()} true, and the broadcast events it missed, in order, before
 * any new one. The CONNECT reply then carries {@code {"sid":..,"pid":..}}, and every broadcast event without ack
 * that is not volatile carries its offset as an extra last argument (socket.io's wire format; the official client
 * sends the last offset it saw back on reconnection). Sessions are kept by the namespace's
 * {@link dev.duplex.adapter.Adapter adapter} (see {@link dev.duplex.adapter.InMemoryAdapter} for its bounds).
 */
public final class ConnectionStateRecovery {
    private final Duration maxDisconnectionDuration;
    private final boolean skipMiddlewares;

    private ConnectionStateRecovery(Builder b) {
        Objects.requireNonNull(b.maxDisconnectionDuration, "maxDisconnectionDuration");
        if (b.maxDisconnectionDuration.isNegative() || b.maxDisconnectionDuration.isZero()) {
            throw new IllegalArgumentException("maxDisconnectionDuration must be positive");
        }
        this.maxDisconnectionDuration = b.maxDisconnectionDuration;
        this.skipMiddlewares = b.skipMiddlewares;
    }

    /** A builder with socket.io's defaults (2 minutes, middlewares skipped). */
    public static Builder builder() {
        return new Builder();
    }

    /** socket.io's defaults: {@code connectionStateRecovery: {}}. */
    public static ConnectionStateRecovery defaults() {
        return builder().build();
    }

    /** How long a disconnected session (and the packets it may miss) is kept; default 2 minutes. */
    public Duration maxDisconnectionDuration() {
        return maxDisconnectionDuration;
    }

    /** Whether a recovered socket skips the namespace's connection middlewares; default true. */
    public boolean skipMiddlewares() {
        return skipMiddlewares;
    }

    /** A builder initialised with these options. */
    public Builder toBuilder() {
        return new Builder().maxDisconnectionDuration(maxDisconnectionDuration).skipMiddlewares(skipMiddlewares);
    }

    @Override
    public String toString() {
        return "ConnectionStateRecovery[maxDisconnectionDuration=" + maxDisconnectionDuration
                + ", skipMiddlewares=" + skipMiddlewares + "]";
    }

    /** Builder of {@link ConnectionStateRecovery}. */
    public static final class Builder {
        private Duration maxDisconnectionDuration = Duration.ofMinutes(2);
        private boolean skipMiddlewares = true;

        private Builder() {
        }

        /** @see ConnectionStateRecovery#maxDisconnectionDuration() */
        public Builder maxDisconnectionDuration(Duration value) {
            this.maxDisconnectionDuration = value;
            return this;
        }

        /** @see ConnectionStateRecovery#skipMiddlewares() */
        public Builder skipMiddlewares(boolean value) {
            this.skipMiddlewares = value;
            return this;
        }

        /** The options. */
        public ConnectionStateRecovery build() {
            return new ConnectionStateRecovery(this);
        }
    }
}
