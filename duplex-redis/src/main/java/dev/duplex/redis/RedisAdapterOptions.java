package dev.duplex.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of the {@link RedisAdapter}, with the names and defaults of {@code @socket.io/redis-adapter}'s
 * {@code createAdapter(pub, sub, opts)}.
 */
public final class RedisAdapterOptions {
    private final String key;
    private final Duration requestsTimeout;
    private final boolean publishOnSpecificResponseChannel;

    private RedisAdapterOptions(Builder b) {
        this.key = b.key;
        this.requestsTimeout = b.requestsTimeout;
        this.publishOnSpecificResponseChannel = b.publishOnSpecificResponseChannel;
    }

    /** The defaults: key {@code "socket.io"}, requestsTimeout 5 s, publishOnSpecificResponseChannel false. */
    public static RedisAdapterOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The prefix of every channel ({@code key}); default {@code "socket.io"}. */
    public String key() {
        return key;
    }

    /**
     * How long a request to the other servers (fetchSockets, allRooms, serverSideEmitWithAck) waits for their
     * responses ({@code requestsTimeout}); default 5 s.
     */
    public Duration requestsTimeout() {
        return requestsTimeout;
    }

    /**
     * Publish the responses of this server to the requester's own channel {@code <key>-response#<nsp>#<requesterUid>#} instead of the common one
     * ({@code publishOnSpecificResponseChannel}); default false. Every server listens to both, so mixed settings
     * work together.
     */
    public boolean publishOnSpecificResponseChannel() {
        return publishOnSpecificResponseChannel;
    }

    /** Builder of {@link RedisAdapterOptions}. */
    public static final class Builder {
        private String key = "socket.io";
        private Duration requestsTimeout = Duration.ofSeconds(5);
        private boolean publishOnSpecificResponseChannel;

        private Builder() {
        }

        /** @see RedisAdapterOptions#key() */
        public Builder key(String value) {
            this.key = Objects.requireNonNull(value, "key");
            return this;
        }

        /** @see RedisAdapterOptions#requestsTimeout() */
        public Builder requestsTimeout(Duration value) {
            this.requestsTimeout = OptionChecks.positive(value, "requestsTimeout");
            return this;
        }

        /** @see RedisAdapterOptions#publishOnSpecificResponseChannel() */
        public Builder publishOnSpecificResponseChannel(boolean value) {
            this.publishOnSpecificResponseChannel = value;
            return this;
        }

        public RedisAdapterOptions build() {
            return new RedisAdapterOptions(this);
        }
    }
}
