package dev.duplex.redis;

import dev.duplex.adapter.Adapter;
import dev.duplex.adapter.AdapterFactory;
import dev.duplex.adapter.AdapterHost;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Creates a {@link RedisAdapter} per namespace. It holds one publishing connection and one subscriber connection to
 * Redis, shared by the namespaces of one server; Lettuce reconnects both when Redis goes away, and the subscriber
 * connection subscribes again to every channel and pattern. Meanwhile publishes fail fast (they are dropped and
 * logged) when the factory owns the client, and requests to the other servers fail with a
 * {@link dev.duplex.adapter.ClusterTimeoutException} after {@link RedisAdapterOptions#requestsTimeout()}. Nothing
 * blocks an event loop.
 *
 * <p>Use one factory per server, and close it after the server ({@code io.close(); factory.close();}).
 */
public final class RedisAdapterFactory implements AdapterFactory, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisAdapterFactory.class);
    /** Commands waiting for Redis on one connection, at most; past that publishes fail (and are logged). */
    static final int MAX_QUEUED_COMMANDS = 65_536;

    private final RedisClient client;
    private final boolean ownsClient;
    private final RedisAdapterOptions options;
    private final StatefulRedisConnection<byte[], byte[]> pub;
    private final StatefulRedisPubSubConnection<byte[], byte[]> sub;
    private final ConcurrentHashMap<String, RedisAdapter> byChannel = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, RedisAdapter> byPattern = new ConcurrentHashMap<>();
    private final AtomicBoolean publishFailing = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private RedisAdapterFactory(RedisClient client, boolean ownsClient, RedisAdapterOptions options) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.options = options;
        this.pub = client.connect(ByteArrayCodec.INSTANCE);
        try {
            this.sub = client.connectPubSub(ByteArrayCodec.INSTANCE);
        } catch (RuntimeException e) {
            pub.close();
            throw e;
        }
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                String ch = new String(channel, StandardCharsets.UTF_8);
                RedisAdapter adapter = byChannel.get(ch);
                if (adapter != null) {
                    adapter.onChannelMessage(ch, message);
                }
            }

            @Override
            public void message(byte[] pattern, byte[] channel, byte[] message) {
                RedisAdapter adapter = byPattern.get(new String(pattern, StandardCharsets.UTF_8));
                if (adapter != null) {
                    adapter.onBroadcastMessage(new String(channel, StandardCharsets.UTF_8), message);
                }
            }
        });
    }

    /**
     * A factory on a client of its own for {@code redisUri} (e.g. {@code redis://127.0.0.1:6379}); the client
     * reconnects automatically, rejects commands while disconnected, and queues at most 65,536 commands per
     * connection. Blocks until connected.
     */
    public static RedisAdapterFactory create(String redisUri, RedisAdapterOptions options) {
        RedisClient client = RedisClient.create(redisUri);
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(MAX_QUEUED_COMMANDS).build());
        try {
            return new RedisAdapterFactory(client, true, Objects.requireNonNull(options, "options"));
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    /** A factory on {@code client}, which stays the caller's (not shut down by {@link #close()}). Blocks until connected. */
    public static RedisAdapterFactory create(RedisClient client, RedisAdapterOptions options) {
        return new RedisAdapterFactory(Objects.requireNonNull(client, "client"), false,
                Objects.requireNonNull(options, "options"));
    }

    @Override
    public Adapter create(AdapterHost host) {
        if (closed.get()) {
            throw new IllegalStateException("RedisAdapterFactory closed");
        }
        return new RedisAdapter(this, host);
    }

    /** The options. */
    public RedisAdapterOptions options() {
        return options;
    }

    ScheduledExecutorService scheduler() {
        return client.getResources().eventExecutorGroup();
    }

    CompletableFuture<Void> register(RedisAdapter adapter) {
        RedisAdapter existing = byPattern.putIfAbsent(adapter.pattern, adapter);
        if (existing != null && existing != adapter) {
            // one subscription per node and namespace is what counts the servers: one factory per server
            return CompletableFuture.failedFuture(new IllegalStateException("namespace " + adapter.pattern
                    + " already has an adapter on this RedisAdapterFactory; use one factory per server"));
        }
        byChannel.put(adapter.requestChannel, adapter);
        byChannel.put(adapter.responseChannel, adapter);
        byChannel.put(adapter.specificResponseChannel, adapter);
        CompletableFuture<Void> p = sub.async().psubscribe(bytes(adapter.pattern)).toCompletableFuture();
        CompletableFuture<Void> s = sub.async().subscribe(bytes(adapter.requestChannel),
                bytes(adapter.responseChannel), bytes(adapter.specificResponseChannel)).toCompletableFuture();
        return CompletableFuture.allOf(p, s);
    }

    void unregister(RedisAdapter adapter) {
        byPattern.remove(adapter.pattern, adapter);
        byChannel.remove(adapter.requestChannel, adapter);
        byChannel.remove(adapter.responseChannel, adapter);
        byChannel.remove(adapter.specificResponseChannel, adapter);
        if (closed.get() || !sub.isOpen()) {
            return;
        }
        sub.async().punsubscribe(bytes(adapter.pattern));
        sub.async().unsubscribe(bytes(adapter.requestChannel), bytes(adapter.responseChannel),
                bytes(adapter.specificResponseChannel));
    }

    void publish(String channel, byte[] payload) {
        if (closed.get()) {
            return;
        }
        pub.async().publish(bytes(channel), payload).whenComplete((n, error) -> {
            if (error != null) {
                if (publishFailing.compareAndSet(false, true)) {
                    LOG.warn("Publishing to Redis failed ({}); messages are dropped until Redis is back", error.toString());
                }
            } else if (publishFailing.compareAndSet(true, false)) {
                LOG.info("Publishing to Redis works again");
            }
        });
    }

    /** {@code PUBSUB NUMSUB channel}: the number of servers subscribed to it. */
    CompletableFuture<Integer> numSub(String channel) {
        return pub.async().pubsubNumsub(bytes(channel)).toCompletableFuture().thenApply(map -> {
            long sum = 0;
            for (Map.Entry<byte[], Long> e : map.entrySet()) {
                sum += e.getValue() == null ? 0 : e.getValue();
            }
            return (int) sum;
        });
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Closes the connections (and the client when owned). Blocking; call it after closing the server. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        sub.close();
        pub.close();
        if (ownsClient) {
            client.shutdown();
        }
    }
}
