package dev.duplex.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.adapter.AdapterHost;
import dev.duplex.adapter.BroadcastOptions;
import dev.duplex.adapter.ClusterAdapter;
import dev.duplex.adapter.ClusterMessage;
import dev.duplex.adapter.LocalSocket;
import dev.duplex.adapter.PreparedPacket;
import dev.duplex.adapter.RestoredSession;
import dev.duplex.adapter.Session;
import dev.duplex.protocol.socketio.SocketPacket;
import io.lettuce.core.StreamMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The adapter of one namespace in a cluster linked by Redis Streams, speaking the protocol of
 * {@code @socket.io/redis-streams-adapter} 0.3.x: Duplex and Node socket.io servers on the same Redis, stream and
 * channel prefix form one cluster, and a client cut off from one server can recover its session on another.
 *
 * <pre>{@code
 * RedisStreamsAdapterFactory redis = RedisStreamsAdapter.createAdapter("redis://127.0.0.1:6379");
 * SocketIoServer io = SocketIoServer.create(ServerOptions.builder().adapter(redis).build()).start(3000);
 * }</pre>
 *
 * <p>Broadcasts without acks, socketsJoin/Leave and disconnectSockets are appended to the stream
 * ({@code XADD MAXLEN ~}); the rest (broadcasts with acks, serverSideEmit, fetchSockets, and every response) is
 * ephemeral and goes through Pub/Sub, msgpack-encoded, on {@code <prefix>#<nsp>#} and {@code <prefix>#<nsp>#<uid>#}.
 * With connection state recovery on the server, every broadcast carries its stream entry id as offset; sessions are
 * kept in Redis ({@code <sessionKeyPrefix><pid>}, expiring after the recovery window) and the missed packets are
 * read back from the stream, so any server of the cluster can restore them.
 */
public final class RedisStreamsAdapter extends ClusterAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamsAdapter.class);
    private static final Pattern OFFSET = Pattern.compile("^[0-9]+-[0-9]+$");
    /** XRANGE pages read at most when restoring a session (as Node). */
    private static final int MAX_RANGES = 100;

    private final RedisStreamsAdapterFactory factory;
    private final RedisStreamsAdapterOptions options;
    /** The server's recovery window, or null when recovery is off. */
    private final Duration window;
    final String nsp;
    final String stream;
    final String channel;
    final String responseChannel;
    private CompletableFuture<Void> init;

    RedisStreamsAdapter(RedisStreamsAdapterFactory factory, AdapterHost host) {
        // the in-memory part must not number and keep broadcasts itself: the offsets are the stream's entry ids
        super(withoutRecovery(host), ShardedRedisAdapter.randomHex(), factory.scheduler(),
                factory.options().requestsTimeout());
        this.factory = factory;
        this.options = factory.options();
        this.window = host.maxDisconnectionDuration();
        this.nsp = host.namespace();
        this.stream = options.streamOf(nsp);
        this.channel = options.channelPrefix() + "#" + nsp + "#";
        this.responseChannel = channel + uid + "#";
    }

    /** A factory on {@code redisUri} (owned: closed with the factory), default options. */
    public static RedisStreamsAdapterFactory createAdapter(String redisUri) {
        return RedisStreamsAdapterFactory.create(redisUri, RedisStreamsAdapterOptions.defaults());
    }

    private static AdapterHost withoutRecovery(AdapterHost host) {
        return new AdapterHost() {
            @Override
            public String namespace() {
                return host.namespace();
            }

            @Override
            public LocalSocket socket(String id) {
                return host.socket(id);
            }

            @Override
            public PreparedPacket prepare(SocketPacket packet) {
                return host.prepare(packet);
            }

            @Override
            public int nextAckId() {
                return host.nextAckId();
            }

            @Override
            public void onServerSideEmit(List<JsonNode> args) {
                host.onServerSideEmit(args);
            }

            @Override
            public void onServerSideEmit(List<JsonNode> args, Consumer<JsonNode> ack) {
                host.onServerSideEmit(args, ack);
            }
        };
    }

    /** Subscribes and starts the stream's reader; completes when both are ready. Idempotent. */
    @Override
    public synchronized CompletableFuture<Void> init() {
        if (init == null) {
            init = factory.register(this);
        }
        return init;
    }

    @Override
    public CompletableFuture<Integer> serverCount() {
        return factory.numSub(channel);
    }

    /** Only the local rooms: socket.io-adapter's ClusterAdapter has no allRooms request. */
    @Override
    public CompletableFuture<Set<String>> allRooms() {
        return CompletableFuture.completedFuture(Set.copyOf(rooms().keySet()));
    }

    /** BROADCAST with acks, SERVER_SIDE_EMIT, FETCH_SOCKETS and the responses go through Pub/Sub. */
    static boolean ephemeral(ClusterMessage m) {
        return switch (m.type()) {
            case BROADCAST -> m.requestId() != null;
            case SOCKETS_JOIN, SOCKETS_LEAVE, DISCONNECT_SOCKETS -> false;
            default -> true;
        };
    }

    @Override
    protected void publish(ClusterMessage m) {
        if (ephemeral(m)) {
            factory.publish(channel, ClusterCodec.encodeMsgpack(m, nsp));
        } else {
            factory.xadd(stream, ClusterCodec.entry(m, nsp, options.onlyPlaintext()));
        }
    }

    @Override
    protected void publishResponse(String requesterUid, ClusterMessage response) {
        if (requesterUid != null) {
            factory.publish(channel + requesterUid + "#", ClusterCodec.encodeMsgpack(response, nsp));
        }
    }

    private boolean withOffset(SocketPacket packet, BroadcastOptions opts) {
        return window != null && packet.id() == null && !opts.flags().volatileFlag()
                && packet.data() instanceof List<?>;
    }

    @Override
    public void broadcast(SocketPacket packet, BroadcastOptions opts) {
        if (opts.flags().local() || !withOffset(packet, opts)) {
            super.broadcast(packet, opts);
            return;
        }
        // as Node: the entry id XADD returns is the offset of the local delivery too, so every server sends the same
        List<?> args = (List<?>) packet.data();
        factory.xadd(stream, ClusterCodec.entry(ClusterMessage.broadcast(uid, args, opts, null), nsp,
                options.onlyPlaintext())).whenComplete((id, error) -> {
                    if (error != null) {
                        LOG.debug("XADD failed; local delivery without offset", error);
                        deliver(args, opts, null);
                    } else {
                        deliver(args, opts, id);
                    }
                });
    }

    /** Writes an EVENT to the local sockets matched by {@code opts}, with {@code offset} as last argument if set. */
    private void deliver(List<?> args, BroadcastOptions opts, String offset) {
        List<Object> data = new ArrayList<>(args);
        if (offset != null) {
            data.add(offset);
        }
        PreparedPacket prepared = host.prepare(SocketPacket.event(nsp, data, null));
        apply(opts, socket -> socket.write(prepared, opts.flags()));
    }

    // ------------------------------------------------------------------ receiving

    /** An entry of the stream for this namespace. */
    void onEntry(String id, Map<String, String> fields) {
        ClusterMessage m = ClusterCodec.decodeEntry(fields);
        if (m == null) {
            return;
        }
        if (m.type() == ClusterMessage.Type.BROADCAST && m.requestId() == null && window != null
                && !m.opts().flags().volatileFlag()) {
            if (!uid.equals(m.uid())) {
                deliver(m.args(), m.opts(), id);
            }
            return;
        }
        onMessage(m);
    }

    /** A Pub/Sub message (always msgpack). */
    void onPubSubMessage(byte[] payload) {
        try {
            ClusterMessage m = ClusterCodec.decode(ClassicCodec.MSGPACK.readTree(payload), nsp);
            if (m != null) {
                onMessage(m);
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOG.debug("Ignored a malformed message on {}", channel, e);
        }
    }

    // ------------------------------------------------------------------ connection state recovery

    @Override
    public void persistSession(Session session) {
        if (window == null) {
            return;
        }
        factory.setPx(options.sessionKeyPrefix() + session.pid(), ClusterCodec.encodeSession(session),
                window.toMillis()).exceptionally(e -> {
                    LOG.warn("Could not keep the session {} in Redis: {}", session.pid(), e.toString());
                    return null;
                });
    }

    @Override
    public CompletableFuture<RestoredSession> restoreSession(String pid, String offset) {
        if (window == null || pid == null || offset == null || !OFFSET.matcher(offset).matches()) {
            return CompletableFuture.completedFuture(null);
        }
        return factory.getDel(options.sessionKeyPrefix() + pid).thenCompose(raw -> {
            Session session = raw == null ? null : ClusterCodec.decodeSession(raw);
            if (session == null || host.socket(session.sid()) != null) {
                // unknown, expired or malformed; or its socket is still connected here: not restored twice
                return CompletableFuture.<RestoredSession>completedFuture(null);
            }
            return factory.xrange(stream, offset, offset, 0).thenCompose(at -> {
                if (at == null || at.isEmpty()) {
                    return CompletableFuture.<RestoredSession>completedFuture(null); // no longer in the stream
                }
                List<PreparedPacket> missed = new ArrayList<>();
                return missed(session, offset, missed, 0)
                        .thenApply(v -> RestoredSession.of(session, missed));
            });
        }).exceptionally(e -> {
            LOG.debug("Could not restore session {}", pid, e);
            return null;
        });
    }

    /** Reads the entries after {@code after}, page by page (at most 100 pages, as Node). */
    private CompletableFuture<Void> missed(Session session, String after, List<PreparedPacket> out, int page) {
        if (page >= MAX_RANGES) {
            return CompletableFuture.completedFuture(null);
        }
        return factory.xrange(stream, next(after), "+", options.readCount()).thenCompose(entries -> {
            if (entries == null || entries.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            String last = after;
            for (StreamMessage<String, String> e : entries) {
                last = e.getId();
                if (!nsp.equals(e.getBody().get("nsp")) || !"3".equals(e.getBody().get("type"))) {
                    continue;
                }
                ClusterMessage m = ClusterCodec.decodeEntry(e.getBody());
                if (m != null && m.requestId() == null && matches(m.opts(), session.rooms())) {
                    List<Object> data = new ArrayList<>(m.args());
                    data.add(e.getId());
                    out.add(host.prepare(SocketPacket.event(nsp, data, null)));
                }
            }
            return missed(session, last, out, page + 1);
        });
    }

    /** {@code <ms>-<seq+1>}: the smallest id after {@code id}. */
    static String next(String id) {
        int dash = id.indexOf('-');
        return id.substring(0, dash) + "-" + (Long.parseLong(id.substring(dash + 1)) + 1);
    }

    /** Whether a broadcast to {@code opts} would have reached a socket in {@code rooms} (as Node's filter). */
    static boolean matches(BroadcastOptions opts, Set<String> rooms) {
        boolean included = opts.rooms().isEmpty() || opts.rooms().stream().anyMatch(rooms::contains);
        boolean excluded = opts.except().stream().anyMatch(rooms::contains);
        return included && !excluded;
    }

    @Override
    public void close() {
        factory.unregister(this);
        super.close();
    }

    @Override
    public String toString() {
        return "RedisStreamsAdapter[nsp=" + nsp + ", uid=" + uid + "]";
    }
}
