package dev.duplex.redis;

import dev.duplex.adapter.Adapter;
import dev.duplex.adapter.AdapterFactory;
import dev.duplex.adapter.AdapterHost;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Creates a {@link ShardedRedisAdapter} per namespace, on a single Redis (≥ 7.0) or a Redis Cluster. It holds one
 * connection for SPUBLISH and {@code PUBSUB SHARDNUMSUB} and one for SSUBSCRIBE, shared by the namespaces of one
 * server; on a Redis Cluster each shard channel is subscribed and counted on the master that owns its slot. Lettuce
 * reconnects when Redis goes away (publishes fail fast and are logged meanwhile). Nothing blocks an event loop.
 *
 * <p>Use one factory per server, and close it after the server.
 */
public final class ShardedRedisAdapterFactory implements AdapterFactory, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardedRedisAdapterFactory.class);

    private final AbstractRedisClient client;
    private final boolean ownsClient;
    private final ShardedRedisAdapterOptions options;
    private final Transport transport;
    private final ConcurrentHashMap<String, ShardedRedisAdapter> byChannel = new ConcurrentHashMap<>();
    private final AtomicBoolean publishFailing = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ShardedRedisAdapterFactory(AbstractRedisClient client, boolean ownsClient,
                                       ShardedRedisAdapterOptions options) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.options = options;
        this.transport = client instanceof RedisClusterClient c ? new ClusterTransport(c) : new SingleTransport((RedisClient) client);
    }

    /** A factory on a client of its own for a single Redis at {@code redisUri}. Blocks until connected. */
    public static ShardedRedisAdapterFactory create(String redisUri, ShardedRedisAdapterOptions options) {
        RedisClient client = RedisClient.create(redisUri);
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(RedisAdapterFactory.MAX_QUEUED_COMMANDS).build());
        return owned(client, options);
    }

    /** A factory on a client of its own for the Redis Cluster reachable at {@code seedUris}. Blocks until connected. */
    public static ShardedRedisAdapterFactory createCluster(List<String> seedUris, ShardedRedisAdapterOptions options) {
        List<RedisURI> uris = new ArrayList<>();
        seedUris.forEach(u -> uris.add(RedisURI.create(u)));
        RedisClusterClient client = RedisClusterClient.create(uris);
        client.setOptions(ClusterClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(RedisAdapterFactory.MAX_QUEUED_COMMANDS).build());
        return owned(client, options);
    }

    private static ShardedRedisAdapterFactory owned(AbstractRedisClient client, ShardedRedisAdapterOptions options) {
        try {
            return new ShardedRedisAdapterFactory(client, true, Objects.requireNonNull(options, "options"));
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    /**
     * A factory on {@code client} (a {@link RedisClient} or a {@link RedisClusterClient}), which stays the caller's.
     * Blocks until connected.
     */
    public static ShardedRedisAdapterFactory create(AbstractRedisClient client, ShardedRedisAdapterOptions options) {
        return new ShardedRedisAdapterFactory(Objects.requireNonNull(client, "client"), false,
                Objects.requireNonNull(options, "options"));
    }

    @Override
    public Adapter create(AdapterHost host) {
        if (closed.get()) {
            throw new IllegalStateException("ShardedRedisAdapterFactory closed");
        }
        return new ShardedRedisAdapter(this, host);
    }

    /** The options. */
    public ShardedRedisAdapterOptions options() {
        return options;
    }

    ScheduledExecutorService scheduler() {
        return client.getResources().eventExecutorGroup();
    }

    private void onMessage(byte[] channel, byte[] message) {
        ShardedRedisAdapter adapter = byChannel.get(new String(channel, StandardCharsets.UTF_8));
        if (adapter != null) {
            adapter.onRawMessage(message);
        }
    }

    /** SSUBSCRIBEs {@code channel} for {@code adapter}; fails when another adapter of this factory holds it. */
    CompletableFuture<Void> subscribe(String channel, ShardedRedisAdapter adapter) {
        ShardedRedisAdapter existing = byChannel.putIfAbsent(channel, adapter);
        if (existing != null && existing != adapter) {
            return CompletableFuture.failedFuture(new IllegalStateException("channel " + channel
                    + " already has an adapter on this ShardedRedisAdapterFactory; use one factory per server"));
        }
        if (closed.get()) {
            return CompletableFuture.completedFuture(null);
        }
        return transport.subscribe(bytes(channel));
    }

    void unsubscribe(String channel, ShardedRedisAdapter adapter) {
        if (byChannel.remove(channel, adapter) && !closed.get()) {
            transport.unsubscribe(bytes(channel)).exceptionally(e -> {
                LOG.debug("SUNSUBSCRIBE {} failed", channel, e);
                return null;
            });
        }
    }

    void publish(String channel, byte[] payload) {
        if (closed.get()) {
            return;
        }
        CompletableFuture<Long> f;
        try {
            f = transport.publish(bytes(channel), payload);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((n, error) -> {
            if (error != null) {
                if (publishFailing.compareAndSet(false, true)) {
                    LOG.warn("SPUBLISH to Redis failed ({}); messages are dropped until Redis is back", error.toString());
                }
            } else if (publishFailing.compareAndSet(true, false)) {
                LOG.info("SPUBLISH to Redis works again");
            }
        });
    }

    /** {@code PUBSUB SHARDNUMSUB channel}. */
    CompletableFuture<Integer> shardNumSub(String channel) {
        return transport.shardNumSub(bytes(channel)).thenApply(Long::intValue);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long sum(Map<byte[], Long> map) {
        long sum = 0;
        for (Long v : map.values()) {
            sum += v == null ? 0 : v;
        }
        return sum;
    }

    /** Closes the connections (and the client when owned). Blocking; call it after closing the server. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        transport.close();
        if (ownsClient) {
            client.shutdown();
        }
    }

    /** Where SSUBSCRIBE, SPUBLISH and SHARDNUMSUB go. */
    private interface Transport {
        CompletableFuture<Void> subscribe(byte[] channel);

        CompletableFuture<Void> unsubscribe(byte[] channel);

        CompletableFuture<Long> publish(byte[] channel, byte[] payload);

        CompletableFuture<Long> shardNumSub(byte[] channel);

        void close();
    }

    /** A single Redis: every shard channel lives on it. */
    private final class SingleTransport implements Transport {
        final StatefulRedisConnection<byte[], byte[]> pub;
        final StatefulRedisPubSubConnection<byte[], byte[]> sub;

        SingleTransport(RedisClient client) {
            pub = client.connect(ByteArrayCodec.INSTANCE);
            try {
                sub = client.connectPubSub(ByteArrayCodec.INSTANCE);
            } catch (RuntimeException e) {
                pub.close();
                throw e;
            }
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void smessage(byte[] channel, byte[] message) {
                    onMessage(channel, message);
                }
            });
        }

        @Override
        public CompletableFuture<Void> subscribe(byte[] channel) {
            return sub.async().ssubscribe(channel).toCompletableFuture();
        }

        @Override
        public CompletableFuture<Void> unsubscribe(byte[] channel) {
            return sub.async().sunsubscribe(channel).toCompletableFuture();
        }

        @Override
        public CompletableFuture<Long> publish(byte[] channel, byte[] payload) {
            return pub.async().spublish(channel, payload).toCompletableFuture();
        }

        @Override
        public CompletableFuture<Long> shardNumSub(byte[] channel) {
            return pub.async().pubsubShardNumsub(channel).toCompletableFuture().thenApply(ShardedRedisAdapterFactory::sum);
        }

        @Override
        public void close() {
            sub.close();
            pub.close();
        }
    }

    /** A Redis Cluster: each shard channel is subscribed and counted on the master owning its slot. */
    private final class ClusterTransport implements Transport {
        final StatefulRedisClusterConnection<byte[], byte[]> pub;
        final StatefulRedisClusterPubSubConnection<byte[], byte[]> sub;

        ClusterTransport(RedisClusterClient client) {
            pub = client.connect(ByteArrayCodec.INSTANCE);
            try {
                sub = client.connectPubSub(ByteArrayCodec.INSTANCE);
            } catch (RuntimeException e) {
                pub.close();
                throw e;
            }
            sub.setNodeMessagePropagation(true);
            sub.addListener(new RedisClusterPubSubAdapter<>() {
                @Override
                public void smessage(RedisClusterNode node, byte[] channel, byte[] message) {
                    onMessage(channel, message);
                }
            });
        }

        private RedisClusterNode owner(byte[] channel) {
            RedisClusterNode node = pub.getPartitions().getMasterBySlot(SlotHash.getSlot(channel));
            if (node == null) {
                throw new IllegalStateException("no master serves slot " + SlotHash.getSlot(channel));
            }
            return node;
        }

        @Override
        public CompletableFuture<Void> subscribe(byte[] channel) {
            return sub.getConnectionAsync(owner(channel).getNodeId())
                    .thenCompose(c -> c.async().ssubscribe(channel).toCompletableFuture());
        }

        @Override
        public CompletableFuture<Void> unsubscribe(byte[] channel) {
            return sub.getConnectionAsync(owner(channel).getNodeId())
                    .thenCompose(c -> c.async().sunsubscribe(channel).toCompletableFuture());
        }

        @Override
        public CompletableFuture<Long> publish(byte[] channel, byte[] payload) {
            return pub.getConnectionAsync(owner(channel).getNodeId())
                    .thenCompose(c -> c.async().spublish(channel, payload).toCompletableFuture());
        }

        @Override
        public CompletableFuture<Long> shardNumSub(byte[] channel) {
            return pub.getConnectionAsync(owner(channel).getNodeId())
                    .thenCompose(c -> c.async().pubsubShardNumsub(channel).toCompletableFuture())
                    .thenApply(ShardedRedisAdapterFactory::sum);
        }

        @Override
        public void close() {
            sub.close();
            pub.close();
        }
    }
}
