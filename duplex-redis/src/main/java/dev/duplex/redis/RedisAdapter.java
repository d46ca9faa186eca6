package dev.duplex.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.adapter.AdapterHost;
import dev.duplex.adapter.ClusterAdapter;
import dev.duplex.adapter.ClusterMessage;
import dev.duplex.adapter.LocalSocket;
import io.lettuce.core.RedisClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The adapter of one namespace in a cluster linked by Redis, speaking the <em>classic</em> protocol of
 * {@code @socket.io/redis-adapter} 8.x: Duplex and Node socket.io servers (and {@code @socket.io/redis-emitter}s)
 * on the same Redis and {@link RedisAdapterOptions#key() key} form one cluster.
 *
 * <pre>{@code
 * RedisAdapterFactory redis = RedisAdapter.createAdapter("redis://127.0.0.1:6379");
 * SocketIoServer io = SocketIoServer.create(ServerOptions.builder().adapter(redis).build()).start(3000);
 * ...
 * io.close();
 * redis.close();
 * }</pre>
 *
 * <p>Per namespace it subscribes (on the factory's one subscriber connection) to the pattern {@code <key>#<nsp>#*}
 * and to the channels {@code <key>-request#<nsp>#}, {@code <key>-response#<nsp>#} and
 * {@code <key>-response#<nsp>#<uid>#}; the number of servers is {@code PUBSUB NUMSUB <key>-request#<nsp>#}.
 */
public final class RedisAdapter extends ClusterAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RedisAdapter.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String UID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

    private final RedisAdapterFactory factory;
    private final RedisAdapterOptions options;
    private final String nsp;
    final String broadcastPrefix;
    final String pattern;
    final String requestChannel;
    final String responseChannel;
    final String specificResponseChannel;
    private CompletableFuture<Void> init;

    RedisAdapter(RedisAdapterFactory factory, AdapterHost host) {
        super(host, uid2(6), factory.scheduler(), factory.options().requestsTimeout());
        this.factory = factory;
        this.options = factory.options();
        this.nsp = host.namespace();
        String key = options.key();
        this.broadcastPrefix = ClassicCodec.broadcastChannelPrefix(key, nsp);
        this.pattern = broadcastPrefix + "*";
        this.requestChannel = ClassicCodec.requestChannel(key, nsp);
        this.responseChannel = ClassicCodec.responseChannel(key, nsp);
        this.specificResponseChannel = ClassicCodec.specificResponseChannel(key, nsp, uid);
    }

    /** A factory on a client made from {@code redisUri} (owned: closed with the factory), default options. */
    public static RedisAdapterFactory createAdapter(String redisUri) {
        return RedisAdapterFactory.create(redisUri, RedisAdapterOptions.defaults());
    }

    /** A factory on {@code client} (not owned), as {@code createAdapter(pubClient, subClient, opts)}. */
    public static RedisAdapterFactory createAdapter(RedisClient client, RedisAdapterOptions options) {
        return RedisAdapterFactory.create(client, options);
    }

    /** {@code uid2(n)}: random characters of {@code [A-Za-z0-9_-]}. */
    static String uid2(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(UID_CHARS.charAt(RANDOM.nextInt(UID_CHARS.length())));
        }
        return sb.toString();
    }

    /** Subscribes to the namespace's channels; completes when Redis confirmed. Idempotent. */
    @Override
    public synchronized CompletableFuture<Void> init() {
        if (init == null) {
            init = factory.register(this);
        }
        return init;
    }

    @Override
    protected String newRequestId() {
        return uid2(6);
    }

    @Override
    public CompletableFuture<Integer> serverCount() {
        return factory.numSub(requestChannel);
    }

    @Override
    protected void publish(ClusterMessage m) {
        if (m.type() == ClusterMessage.Type.BROADCAST && m.requestId() == null) {
            factory.publish(ClassicCodec.broadcastChannel(options.key(), nsp, m.opts().rooms()),
                    ClassicCodec.encodeBroadcast(uid, nsp, m.args(), m.opts()));
        } else {
            factory.publish(requestChannel, ClassicCodec.encodeRequest(m, nsp));
        }
    }

    @Override
    protected void publishResponse(String requesterUid, ClusterMessage response) {
        factory.publish(responseChannelFor(requesterUid, response.type() == ClusterMessage.Type.SERVER_SIDE_EMIT_RESPONSE),
                ClassicCodec.encodeResponse(response));
    }

    private String responseChannelFor(String requesterUid, boolean alwaysCommon) {
        // as in the Node adapter, the serverSideEmit acknowledgements always go to the common channel
        return options.publishOnSpecificResponseChannel() && requesterUid != null && !alwaysCommon
                ? ClassicCodec.specificResponseChannel(options.key(), nsp, requesterUid) : responseChannel;
    }

    // ------------------------------------------------------------------ receiving (on the Redis I/O thread)

    /** A message of the pattern {@code <key>#<nsp>#*}. */
    void onBroadcastMessage(String channel, byte[] payload) {
        try {
            if (channel.length() > broadcastPrefix.length()) {
                String room = channel.substring(broadcastPrefix.length(), channel.length() - 1);
                if (!room.isEmpty() && !hasRoom(room)) {
                    return; // no local socket in that room: not worth decoding
                }
            }
            ClusterMessage m = ClassicCodec.decodeBroadcast(payload, nsp);
            if (m != null) {
                onMessage(m);
            }
        } catch (RuntimeException e) {
            LOG.debug("Ignored a malformed broadcast on {}", channel, e);
        }
    }

    /** A message of the request or a response channel. */
    void onChannelMessage(String channel, byte[] payload) {
        try {
            JsonNode decoded = ClassicCodec.decode(payload);
            if (!decoded.isObject()) {
                return;
            }
            if (channel.equals(requestChannel)) {
                if (!onLegacyRequest(decoded)) {
                    ClusterMessage m = ClassicCodec.decodeRequest(decoded);
                    if (m != null) {
                        onMessage(m);
                    }
                }
            } else {
                ClusterMessage m = ClassicCodec.decodeResponse(decoded);
                if (m != null) {
                    onMessage(m);
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("Ignored a malformed message on {}", channel, e);
        }
    }

    /** The request forms that 8.x still answers but never sends: SOCKETS, and join/leave/disconnect by socket id. */
    private boolean onLegacyRequest(JsonNode r) {
        int type = r.path("type").asInt(-1);
        String requestId = r.path("requestId").asText(null);
        String requester = r.path("uid").asText(null);
        if (type == ClassicCodec.SOCKETS) {
            if (requestId != null) {
                sockets(ClassicCodec.strings(r.get("rooms"))).thenAccept(ids -> {
                    Map<String, Object> response = new LinkedHashMap<>();
                    response.put("requestId", requestId);
                    response.put("sockets", List.copyOf(ids));
                    factory.publish(responseChannelFor(requester, false), ClassicCodec.json(response));
                });
            }
            return true;
        }
        boolean legacy = (type == ClassicCodec.REMOTE_JOIN || type == ClassicCodec.REMOTE_LEAVE
                || type == ClassicCodec.REMOTE_DISCONNECT) && !r.has("opts");
        if (!legacy) {
            return false;
        }
        LocalSocket socket = host.socket(r.path("sid").asText(""));
        if (socket == null) {
            return true;
        }
        String room = r.path("room").asText("");
        switch (type) {
            case ClassicCodec.REMOTE_JOIN -> socket.join(Set.of(room));
            case ClassicCodec.REMOTE_LEAVE -> socket.leave(room);
            default -> socket.disconnect(r.path("close").asBoolean());
        }
        if (requestId != null) {
            factory.publish(responseChannelFor(requester, false),
                    ClassicCodec.json(Map.of("requestId", requestId)));
        }
        return true;
    }

    @Override
    public void close() {
        factory.unregister(this);
        super.close();
    }

    @Override
    public String toString() {
        return "RedisAdapter[nsp=" + nsp + ", uid=" + uid + "]";
    }
}
