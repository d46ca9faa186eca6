package dev.duplex.redis;

import dev.duplex.adapter.Adapter;
import dev.duplex.adapter.AdapterFactory;
import dev.duplex.adapter.AdapterHost;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Creates a {@link RedisStreamsAdapter} per namespace. It holds a connection for the stream and session commands
 * (XADD, XRANGE, SET, GETDEL), one for PUBLISH and NUMSUB, one subscriber connection, and one dedicated reader
 * connection per stream that loops on {@code XREAD BLOCK} (asynchronously: no thread is ever blocked). When Redis
 * goes away the readers retry, and resume after the last entry they read, so no entry written to the stream is
 * missed; publishes fail fast meanwhile (and are logged).
 *
 * <p>Use one factory per server, and close it after the server.
 */
public final class RedisStreamsAdapterFactory implements AdapterFactory, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamsAdapterFactory.class);
    private static final long RETRY_MS = 250;

    private final RedisClient client;
    private final boolean ownsClient;
    private final RedisStreamsAdapterOptions options;
    private final StatefulRedisConnection<String, String> str;
    private final StatefulRedisConnection<byte[], byte[]> bin;
    private final StatefulRedisPubSubConnection<byte[], byte[]> sub;
    private final Map<String, Reader> readers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, RedisStreamsAdapter> byNamespace = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, RedisStreamsAdapter> byChannel = new ConcurrentHashMap<>();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private RedisStreamsAdapterFactory(RedisClient client, boolean ownsClient, RedisStreamsAdapterOptions options) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.options = options;
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            str = client.connect(StringCodec.UTF8);
            opened.add(str);
            bin = client.connect(ByteArrayCodec.INSTANCE);
            opened.add(bin);
            sub = client.connectPubSub(ByteArrayCodec.INSTANCE);
            opened.add(sub);
        } catch (RuntimeException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
            throw e;
        }
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                onPubSub(channel, message);
            }

            @Override
            public void smessage(byte[] channel, byte[] message) {
                onPubSub(channel, message);
            }
        });
    }

    /** A factory on a client of its own for {@code redisUri}. Blocks until connected. */
    public static RedisStreamsAdapterFactory create(String redisUri, RedisStreamsAdapterOptions options) {
        RedisClient client = RedisClient.create(redisUri);
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(RedisAdapterFactory.MAX_QUEUED_COMMANDS).build());
        try {
            return new RedisStreamsAdapterFactory(client, true, Objects.requireNonNull(options, "options"));
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    /** A factory on {@code client}, which stays the caller's. Blocks until connected. */
    public static RedisStreamsAdapterFactory create(RedisClient client, RedisStreamsAdapterOptions options) {
        return new RedisStreamsAdapterFactory(Objects.requireNonNull(client, "client"), false,
                Objects.requireNonNull(options, "options"));
    }

    @Override
    public Adapter create(AdapterHost host) {
        if (closed.get()) {
            throw new IllegalStateException("RedisStreamsAdapterFactory closed");
        }
        return new RedisStreamsAdapter(this, host);
    }

    /** The options. */
    public RedisStreamsAdapterOptions options() {
        return options;
    }

    ScheduledExecutorService scheduler() {
        return client.getResources().eventExecutorGroup();
    }

    // ------------------------------------------------------------------ registration

    CompletableFuture<Void> register(RedisStreamsAdapter adapter) {
        RedisStreamsAdapter existing = byNamespace.putIfAbsent(adapter.nsp, adapter);
        if (existing != null && existing != adapter) {
            return CompletableFuture.failedFuture(new IllegalStateException("namespace " + adapter.nsp
                    + " already has an adapter on this RedisStreamsAdapterFactory; use one factory per server"));
        }
        byChannel.put(adapter.channel, adapter);
        byChannel.put(adapter.responseChannel, adapter);
        byte[][] channels = {bytes(adapter.channel), bytes(adapter.responseChannel)};
        CompletableFuture<Void> subscribed = (options.useShardedPubSub() ? sub.async().ssubscribe(channels)
                : sub.async().subscribe(channels)).toCompletableFuture();
        Reader reader = readers.computeIfAbsent(adapter.stream, Reader::new);
        return CompletableFuture.allOf(subscribed, reader.started);
    }

    void unregister(RedisStreamsAdapter adapter) {
        byNamespace.remove(adapter.nsp, adapter);
        byChannel.remove(adapter.channel, adapter);
        byChannel.remove(adapter.responseChannel, adapter);
        if (!closed.get() && sub.isOpen()) {
            byte[][] channels = {bytes(adapter.channel), bytes(adapter.responseChannel)};
            if (options.useShardedPubSub()) {
                sub.async().sunsubscribe(channels);
            } else {
                sub.async().unsubscribe(channels);
            }
        }
    }

    private void onPubSub(byte[] channel, byte[] message) {
        RedisStreamsAdapter adapter = byChannel.get(new String(channel, StandardCharsets.UTF_8));
        if (adapter != null) {
            adapter.onPubSubMessage(message);
        }
    }

    // ------------------------------------------------------------------ commands

    /** XADD with {@code MAXLEN ~ maxLen}; completes with the entry id. */
    CompletableFuture<String> xadd(String stream, Map<String, String> fields) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("closed"));
        }
        return watch(str.async().xadd(stream, XAddArgs.Builder.maxlen(options.maxLen()).approximateTrimming(), fields)
                .toCompletableFuture());
    }

    void publish(String channel, byte[] payload) {
        if (closed.get()) {
            return;
        }
        watch((options.useShardedPubSub() ? bin.async().spublish(bytes(channel), payload)
                : bin.async().publish(bytes(channel), payload)).toCompletableFuture());
    }

    private <T> CompletableFuture<T> watch(CompletableFuture<T> f) {
        f.whenComplete((n, error) -> {
            if (error != null) {
                if (failing.compareAndSet(false, true)) {
                    LOG.warn("Writing to Redis failed ({}); messages are dropped until Redis is back", error.toString());
                }
            } else if (failing.compareAndSet(true, false)) {
                LOG.info("Writing to Redis works again");
            }
        });
        return f;
    }

    /** {@code PUBSUB NUMSUB} (or SHARDNUMSUB) of {@code channel}. */
    CompletableFuture<Integer> numSub(String channel) {
        return (options.useShardedPubSub() ? bin.async().pubsubShardNumsub(bytes(channel))
                : bin.async().pubsubNumsub(bytes(channel))).toCompletableFuture().thenApply(map -> {
                    long sum = 0;
                    for (Long v : map.values()) {
                        sum += v == null ? 0 : v;
                    }
                    return (int) sum;
                });
    }

    /** {@code SET key value PX ms}. */
    CompletableFuture<String> setPx(String key, String value, long ms) {
        return str.async().set(key, value, SetArgs.Builder.px(Math.max(1, ms))).toCompletableFuture();
    }

    /** Reads and deletes {@code key} atomically (GETDEL, as Node's MULTI GET DEL EXEC). */
    CompletableFuture<String> getDel(String key) {
        return str.async().getdel(key).toCompletableFuture();
    }

    /** {@code XRANGE stream from to} (inclusive ids), at most {@code count} entries when count > 0. */
    CompletableFuture<List<StreamMessage<String, String>>> xrange(String stream, String from, String to, int count) {
        Range<String> range = Range.create(from, to);
        return (count > 0 ? str.async().xrange(stream, range, Limit.from(count)) : str.async().xrange(stream, range))
                .toCompletableFuture();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ readers

    /** The reader of one stream: a dedicated connection looping on XREAD BLOCK, resuming after the last entry. */
    private final class Reader {
        final String stream;
        final CompletableFuture<Void> started = new CompletableFuture<>();
        private StatefulRedisConnection<String, String> conn;
        private volatile String lastId;

        Reader(String stream) {
            this.stream = stream;
            try {
                conn = client.connect(StringCodec.UTF8);
            } catch (RuntimeException e) {
                started.completeExceptionally(e);
                return;
            }
            start();
        }

        /** Starts after the stream's current last entry (none: from the start), so nothing added later is missed. */
        private void start() {
            if (closed.get()) {
                return;
            }
            conn.async().xrevrange(stream, Range.create("-", "+"), Limit.from(1)).whenComplete((last, error) -> {
                if (error != null) {
                    retry(this::start, error);
                    return;
                }
                lastId = last == null || last.isEmpty() ? "0-0" : last.get(0).getId();
                started.complete(null);
                read();
            });
        }

        @SuppressWarnings({"unchecked", "rawtypes"}) // one stream offset, passed as Lettuce's generic varargs
        private void read() {
            if (closed.get()) {
                return;
            }
            XReadArgs.StreamOffset<String>[] from = new XReadArgs.StreamOffset[] {
                XReadArgs.StreamOffset.from(stream, lastId)};
            conn.async().xread(XReadArgs.Builder.count(options.readCount()).block(options.blockTime()), from)
                    .whenComplete((entries, error) -> {
                        if (error != null) {
                            retry(this::read, error);
                            return;
                        }
                        if (entries != null) {
                            for (StreamMessage<String, String> e : entries) {
                                lastId = e.getId();
                                dispatch(e);
                            }
                        }
                        read();
                    });
        }

        private void retry(Runnable what, Throwable error) {
            if (closed.get()) {
                return;
            }
            LOG.debug("Reading stream {} failed ({}); retrying", stream, error.toString());
            scheduler().schedule(what, RETRY_MS, TimeUnit.MILLISECONDS);
        }

        private void dispatch(StreamMessage<String, String> e) {
            Map<String, String> body = e.getBody();
            String nsp = body == null ? null : body.get("nsp");
            if (nsp == null) {
                return;
            }
            RedisStreamsAdapter adapter = byNamespace.get(nsp);
            if (adapter != null) {
                try {
                    adapter.onEntry(e.getId(), body);
                } catch (RuntimeException ex) {
                    LOG.debug("Ignored a malformed entry {} of {}", e.getId(), stream, ex);
                }
            }
        }

        void close() {
            if (conn != null) {
                conn.close();
            }
        }
    }

    /** Closes the connections (and the client when owned). Blocking; call it after closing the server. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        readers.values().forEach(Reader::close);
        sub.close();
        bin.close();
        str.close();
        if (ownsClient) {
            client.shutdown();
        }
    }
}
