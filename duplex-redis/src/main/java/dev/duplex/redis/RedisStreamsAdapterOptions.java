package dev.duplex.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of the {@link RedisStreamsAdapter}, with the names and defaults of {@code @socket.io/redis-streams-adapter}
 * 0.3's {@code createAdapter(redisClient, opts)}.
 */
public final class RedisStreamsAdapterOptions {
    private final String streamName;
    private final int streamCount;
    private final String channelPrefix;
    private final boolean useShardedPubSub;
    private final long maxLen;
    private final int readCount;
    private final Duration blockTime;
    private final String sessionKeyPrefix;
    private final boolean onlyPlaintext;
    private final Duration requestsTimeout;

    private RedisStreamsAdapterOptions(Builder b) {
        this.streamName = b.streamName;
        this.streamCount = b.streamCount;
        this.channelPrefix = b.channelPrefix;
        this.useShardedPubSub = b.useShardedPubSub;
        this.maxLen = b.maxLen;
        this.readCount = b.readCount;
        this.blockTime = b.blockTime;
        this.sessionKeyPrefix = b.sessionKeyPrefix;
        this.onlyPlaintext = b.onlyPlaintext;
        this.requestsTimeout = b.requestsTimeout;
    }

    /** The defaults (as Node's). */
    public static RedisStreamsAdapterOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code streamName}: the stream, default {@code "socket.io"}. */
    public String streamName() {
        return streamName;
    }

    /**
     * {@code streamCount}: the number of streams, default 1. With more, namespace {@code n} uses stream
     * {@code <streamName>-<n.hashCode() % streamCount>} (Java's and JS's remainder: may be negative).
     */
    public int streamCount() {
        return streamCount;
    }

    /** {@code channelPrefix}: the prefix of the Pub/Sub channels, default {@code "socket.io"}. */
    public String channelPrefix() {
        return channelPrefix;
    }

    /** {@code useShardedPubSub}: SPUBLISH/SSUBSCRIBE instead of PUBLISH/SUBSCRIBE (Redis ≥ 7.0), default false. */
    public boolean useShardedPubSub() {
        return useShardedPubSub;
    }

    /** {@code maxLen}: the approximate bound of each stream ({@code XADD MAXLEN ~}), default 10,000. */
    public long maxLen() {
        return maxLen;
    }

    /** {@code readCount}: the entries one XREAD returns at most, default 100. */
    public int readCount() {
        return readCount;
    }

    /** {@code blockTimeInMs}: how long one XREAD blocks, default 5 s. */
    public Duration blockTime() {
        return blockTime;
    }

    /** {@code sessionKeyPrefix}: the prefix of the session keys, default {@code "sio:session:"}. */
    public String sessionKeyPrefix() {
        return sessionKeyPrefix;
    }

    /** {@code onlyPlaintext}: never msgpack/base64 the {@code data} field, default false. */
    public boolean onlyPlaintext() {
        return onlyPlaintext;
    }

    /** How long fetchSockets and serverSideEmitWithAck wait for the other servers; default 5 s (as Node). */
    public Duration requestsTimeout() {
        return requestsTimeout;
    }

    /** The stream of namespace {@code nsp}. */
    String streamOf(String nsp) {
        return streamCount == 1 ? streamName : streamName + "-" + (nsp.hashCode() % streamCount);
    }

    /** Builder of {@link RedisStreamsAdapterOptions}. */
    public static final class Builder {
        private String streamName = "socket.io";
        private int streamCount = 1;
        private String channelPrefix = "socket.io";
        private boolean useShardedPubSub;
        private long maxLen = 10_000;
        private int readCount = 100;
        private Duration blockTime = Duration.ofMillis(5000);
        private String sessionKeyPrefix = "sio:session:";
        private boolean onlyPlaintext;
        private Duration requestsTimeout = Duration.ofSeconds(5);

        private Builder() {
        }

        /** @see RedisStreamsAdapterOptions#streamName() */
        public Builder streamName(String value) {
            this.streamName = Objects.requireNonNull(value, "streamName");
            return this;
        }

        /** @see RedisStreamsAdapterOptions#streamCount() */
        public Builder streamCount(int value) {
            if (value < 1 || value > 1024) {
                throw new IllegalArgumentException("streamCount must be in 1..1024: " + value);
            }
            this.streamCount = value;
            return this;
        }

        /** @see RedisStreamsAdapterOptions#channelPrefix() */
        public Builder channelPrefix(String value) {
            this.channelPrefix = Objects.requireNonNull(value, "channelPrefix");
            return this;
        }

        /** @see RedisStreamsAdapterOptions#useShardedPubSub() */
        public Builder useShardedPubSub(boolean value) {
            this.useShardedPubSub = value;
            return this;
        }

        /** @see RedisStreamsAdapterOptions#maxLen() */
        public Builder maxLen(long value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxLen must be positive: " + value);
            }
            this.maxLen = value;
            return this;
        }

        /** @see RedisStreamsAdapterOptions#readCount() */
        public Builder readCount(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("readCount must be positive: " + value);
            }
            this.readCount = value;
            return this;
        }

        /** {@code blockTimeInMs}. @see RedisStreamsAdapterOptions#blockTime() */
        public Builder blockTime(Duration value) {
            Objects.requireNonNull(value, "blockTime");
            if (value.toMillis() < 1 || value.toSeconds() > 50) {
                throw new IllegalArgumentException("blockTime must be in 1 ms..50 s: " + value);
            }
            this.blockTime = value;
            return this;
        }

        /** @see RedisStreamsAdapterOptions#sessionKeyPrefix() */
        public Builder sessionKeyPrefix(String value) {
            this.sessionKeyPrefix = Objects.requireNonNull(value, "sessionKeyPrefix");
            return this;
        }

        /** @see RedisStreamsAdapterOptions#onlyPlaintext() */
        public Builder onlyPlaintext(boolean value) {
            this.onlyPlaintext = value;
            return this;
        }

        /** @see RedisStreamsAdapterOptions#requestsTimeout() */
        public Builder requestsTimeout(Duration value) {
            this.requestsTimeout = OptionChecks.positive(value, "requestsTimeout");
            return this;
        }

        public RedisStreamsAdapterOptions build() {
            return new RedisStreamsAdapterOptions(this);
        }
    }
}
