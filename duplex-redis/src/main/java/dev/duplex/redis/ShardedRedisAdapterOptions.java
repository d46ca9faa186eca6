package dev.duplex.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of the {@link ShardedRedisAdapter}, with the names and defaults of {@code @socket.io/redis-adapter}'s
 * {@code createShardedAdapter(pub, sub, opts)}.
 */
public final class ShardedRedisAdapterOptions {

    /** How the adapter uses room channels ({@code subscriptionMode}). */
    public enum SubscriptionMode {
        /** {@code "static"}: only the namespace's main channel (and the private response channel). */
        STATIC("static"),
        /**
         * {@code "dynamic"} (the default): one more channel per public room (a room that is not a socket id), used
         * by broadcasts to exactly one such room.
         */
        DYNAMIC("dynamic"),
        /** {@code "dynamic-private"}: one more channel per room, socket ids included. */
        DYNAMIC_PRIVATE("dynamic-private");

        private final String value;

        SubscriptionMode(String value) {
            this.value = value;
        }

        /** The name Node uses. */
        public String value() {
            return value;
        }

        /** The mode named {@code value} as in Node ({@code "static"}, {@code "dynamic"}, {@code "dynamic-private"}). */
        public static SubscriptionMode of(String value) {
            for (SubscriptionMode m : values()) {
                if (m.value.equals(value)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown subscriptionMode: " + value);
        }
    }

    private final String channelPrefix;
    private final SubscriptionMode subscriptionMode;
    private final Duration requestsTimeout;

    private ShardedRedisAdapterOptions(Builder b) {
        this.channelPrefix = b.channelPrefix;
        this.subscriptionMode = b.subscriptionMode;
        this.requestsTimeout = b.requestsTimeout;
    }

    /** The defaults: channelPrefix {@code "socket.io"}, subscriptionMode dynamic, requestsTimeout 5 s. */
    public static ShardedRedisAdapterOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The prefix of every channel ({@code channelPrefix}); default {@code "socket.io"}. */
    public String channelPrefix() {
        return channelPrefix;
    }

    /** {@code subscriptionMode}; default {@link SubscriptionMode#DYNAMIC}. */
    public SubscriptionMode subscriptionMode() {
        return subscriptionMode;
    }

    /** How long fetchSockets and serverSideEmitWithAck wait for the other servers; default 5 s (as Node). */
    public Duration requestsTimeout() {
        return requestsTimeout;
    }

    /** Builder of {@link ShardedRedisAdapterOptions}. */
    public static final class Builder {
        private String channelPrefix = "socket.io";
        private SubscriptionMode subscriptionMode = SubscriptionMode.DYNAMIC;
        private Duration requestsTimeout = Duration.ofSeconds(5);

        private Builder() {
        }

        /** @see ShardedRedisAdapterOptions#channelPrefix() */
        public Builder channelPrefix(String value) {
            this.channelPrefix = Objects.requireNonNull(value, "channelPrefix");
            return this;
        }

        /** @see ShardedRedisAdapterOptions#subscriptionMode() */
        public Builder subscriptionMode(SubscriptionMode value) {
            this.subscriptionMode = Objects.requireNonNull(value, "subscriptionMode");
            return this;
        }

        /** @see ShardedRedisAdapterOptions#requestsTimeout() */
        public Builder requestsTimeout(Duration value) {
            this.requestsTimeout = OptionChecks.positive(value, "requestsTimeout");
            return this;
        }

        public ShardedRedisAdapterOptions build() {
            return new ShardedRedisAdapterOptions(this);
        }
    }
}
