package dev.duplex.redis;

import dev.duplex.adapter.AdapterHost;
import dev.duplex.adapter.ClusterAdapter;
import dev.duplex.adapter.ClusterMessage;
import dev.duplex.redis.ShardedRedisAdapterOptions.SubscriptionMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The adapter of one namespace in a cluster linked by Redis sharded Pub/Sub (Redis ≥ 7.0, single or Redis Cluster),
 * speaking the protocol of {@code @socket.io/redis-adapter} 8.3's {@code createShardedAdapter}: Duplex and Node
 * socket.io servers on the same Redis and {@link ShardedRedisAdapterOptions#channelPrefix() channelPrefix} form one
 * cluster.
 *
 * <pre>{@code
 * ShardedRedisAdapterFactory redis = ShardedRedisAdapter.createShardedAdapter("redis://127.0.0.1:6379");
 * SocketIoServer io = SocketIoServer.create(ServerOptions.builder().adapter(redis).build()).start(3000);
 * }</pre>
 *
 * <p>Channels: {@code <prefix>#<nsp>#} (every server; requests and broadcasts), {@code <prefix>#<nsp>#<uid>#} (the
 * responses to this server) and, in the dynamic modes, {@code <prefix>#<nsp>#<room>#} per local room (public rooms
 * only in {@link SubscriptionMode#DYNAMIC dynamic}). Messages are socket.io-adapter {@code ClusterMessage}s, JSON or
 * msgpack when they carry binary. Servers are counted with {@code PUBSUB SHARDNUMSUB <prefix>#<nsp>#}.
 */
public final class ShardedRedisAdapter extends ClusterAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ShardedRedisAdapter.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ShardedRedisAdapterFactory factory;
    private final SubscriptionMode mode;
    private final String nsp;
    final String channel;
    final String responseChannel;
    /** Rooms whose channel this adapter subscribed (guarded by itself). */
    private final Set<String> roomChannels = new HashSet<>();
    private CompletableFuture<Void> init;
    private volatile boolean closed;

    ShardedRedisAdapter(ShardedRedisAdapterFactory factory, AdapterHost host) {
        super(host, randomHex(), factory.scheduler(), factory.options().requestsTimeout());
        this.factory = factory;
        this.mode = factory.options().subscriptionMode();
        this.nsp = host.namespace();
        this.channel = factory.options().channelPrefix() + "#" + nsp + "#";
        this.responseChannel = channel + uid + "#";
    }

    /** A factory on a single Redis at {@code redisUri} (owned: closed with the factory), default options. */
    public static ShardedRedisAdapterFactory createShardedAdapter(String redisUri) {
        return ShardedRedisAdapterFactory.create(redisUri, ShardedRedisAdapterOptions.defaults());
    }

    /** 16 hex characters ({@code randomBytes(8).toString("hex")}). */
    static String randomHex() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    /** Subscribes to the main and the response channel; completes when Redis confirmed. Idempotent. */
    @Override
    public synchronized CompletableFuture<Void> init() {
        if (init == null) {
            init = CompletableFuture.allOf(factory.subscribe(channel, this), factory.subscribe(responseChannel, this));
        }
        return init;
    }

    @Override
    public CompletableFuture<Integer> serverCount() {
        return factory.shardNumSub(channel);
    }

    /** Only the local rooms: socket.io-adapter's ClusterAdapter has no allRooms request. */
    @Override
    public CompletableFuture<Set<String>> allRooms() {
        return CompletableFuture.completedFuture(Set.copyOf(rooms().keySet()));
    }

    @Override
    protected void publish(ClusterMessage m) {
        factory.publish(channelOf(m), ClusterCodec.encodeSharded(m, nsp));
    }

    /** The main channel, or a room's for a broadcast without acks to exactly one room (as Node chooses). */
    String channelOf(ClusterMessage m) {
        return channelOf(channel, mode, m);
    }

    static String channelOf(String channel, SubscriptionMode mode, ClusterMessage m) {
        if (mode != SubscriptionMode.STATIC && m.type() == ClusterMessage.Type.BROADCAST && m.requestId() == null
                && m.opts().rooms().size() == 1) {
            String room = m.opts().rooms().iterator().next();
            if (mode == SubscriptionMode.DYNAMIC_PRIVATE || room.length() != 20) {
                return channel + room + "#";
            }
        }
        return channel;
    }

    private String roomChannel(String room) {
        return channel + room + "#";
    }

    @Override
    protected void publishResponse(String requesterUid, ClusterMessage response) {
        if (requesterUid != null) {
            factory.publish(channel + requesterUid + "#", ClusterCodec.encodeSharded(response, nsp));
        }
    }

    /** A message of one of this adapter's channels. */
    void onRawMessage(byte[] payload) {
        try {
            ClusterMessage m = ClusterCodec.decode(ClusterCodec.parse(payload), nsp);
            if (m != null) {
                onMessage(m);
            }
        } catch (RuntimeException e) {
            LOG.debug("Ignored a malformed message on {}", channel, e);
        }
    }

    // ------------------------------------------------------------------ dynamic room channels

    @Override
    public void addAll(String id, Set<String> rooms) {
        super.addAll(id, rooms);
        if (mode != SubscriptionMode.STATIC) {
            for (String room : rooms) {
                syncRoom(room, id);
            }
        }
    }

    @Override
    public void del(String id, String room) {
        super.del(id, room);
        if (mode != SubscriptionMode.STATIC) {
            syncRoom(room, id);
        }
    }

    @Override
    public void delAll(String id) {
        List<String> rooms = mode == SubscriptionMode.STATIC ? List.of() : new ArrayList<>(socketRooms(id));
        super.delAll(id);
        for (String room : rooms) {
            syncRoom(room, id);
        }
    }

    /** Subscribes to the room's channel when the room exists here (and is public in dynamic mode), else leaves it. */
    private void syncRoom(String room, String id) {
        boolean isPrivate = room.equals(id) || host.socket(room) != null;
        synchronized (roomChannels) {
            boolean wanted = !closed && hasRoom(room) && (mode == SubscriptionMode.DYNAMIC_PRIVATE || !isPrivate);
            if (wanted && roomChannels.add(room)) {
                factory.subscribe(roomChannel(room), this).exceptionally(e -> {
                    LOG.warn("SSUBSCRIBE {} failed: {}", roomChannel(room), e.toString());
                    return null;
                });
            } else if (!wanted && roomChannels.remove(room)) {
                factory.unsubscribe(roomChannel(room), this);
            }
        }
    }

    /** The rooms whose channel is subscribed (for tests). */
    Set<String> roomChannels() {
        synchronized (roomChannels) {
            return Set.copyOf(roomChannels);
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (roomChannels) {
            roomChannels.forEach(room -> factory.unsubscribe(roomChannel(room), this));
            roomChannels.clear();
        }
        factory.unsubscribe(channel, this);
        factory.unsubscribe(responseChannel, this);
        super.close();
    }

    @Override
    public String toString() {
        return "ShardedRedisAdapter[nsp=" + nsp + ", uid=" + uid + "]";
    }
}
