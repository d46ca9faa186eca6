package dev.duplex.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Emits into a Socket.IO cluster linked by Redis from any JVM process, without a Socket.IO server: the Java
 * counterpart of {@code @socket.io/redis-emitter} 5.x, byte-compatible with it (classic protocol). Thread-safe;
 * every operator is immutable.
 *
 * <pre>{@code
 * try (RedisEmitter emitter = RedisEmitter.create("redis://127.0.0.1:6379")) {
 *     emitter.to("room1").emit("news", Map.of("headline", "..."));
 *     emitter.of("/admin").in("ops").socketsJoin("alerts");
 * }
 * }</pre>
 */
public final class RedisEmitter implements AutoCloseable {
    private static final Set<String> RESERVED = Set.of("connect", "connect_error", "disconnect", "disconnecting",
            "newListener", "removeListener");

    private final RedisClient client;
    private final boolean ownsClient;
    private final boolean ownsConnection;
    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final String key;
    private final String nsp;

    private RedisEmitter(RedisClient client, boolean ownsClient, boolean ownsConnection,
                         StatefulRedisConnection<byte[], byte[]> connection, String key, String nsp) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.ownsConnection = ownsConnection;
        this.connection = connection;
        this.key = key;
        this.nsp = nsp;
    }

    /** An emitter on a client of its own for {@code redisUri}, key {@code "socket.io"}. Blocks until connected. */
    public static RedisEmitter create(String redisUri) {
        return create(redisUri, "socket.io");
    }

    /** An emitter on a client of its own for {@code redisUri}, with the channel prefix {@code key}. */
    public static RedisEmitter create(String redisUri, String key) {
        RedisClient client = RedisClient.create(redisUri);
        client.setOptions(io.lettuce.core.ClientOptions.builder()
                .requestQueueSize(RedisAdapterFactory.MAX_QUEUED_COMMANDS).build());
        try {
            return new RedisEmitter(client, true, true, client.connect(ByteArrayCodec.INSTANCE),
                    Objects.requireNonNull(key, "key"), "/");
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    /** An emitter on {@code client} (which stays the caller's), with the channel prefix {@code key}. */
    public static RedisEmitter create(RedisClient client, String key) {
        return new RedisEmitter(client, false, true, client.connect(ByteArrayCodec.INSTANCE),
                Objects.requireNonNull(key, "key"), "/");
    }

    /** The emitter of another namespace ({@code "chat"} means {@code "/chat"}); shares the connection. */
    public RedisEmitter of(String namespace) {
        String n = namespace.startsWith("/") ? namespace : "/" + namespace;
        return new RedisEmitter(client, false, false, connection, key, n);
    }

    /** The namespace. */
    public String namespace() {
        return nsp;
    }

    private Operator operator() {
        return new Operator(Set.of(), Set.of(), Map.of());
    }

    /** Targets a room. */
    public Operator to(String room) {
        return operator().to(room);
    }

    /** Targets rooms. */
    public Operator to(Collection<String> rooms) {
        return operator().to(rooms);
    }

    /** Same as {@link #to(String)}. */
    public Operator in(String room) {
        return operator().to(room);
    }

    /** Excludes the sockets of a room. */
    public Operator except(String room) {
        return operator().except(room);
    }

    /** The volatile flag. */
    public Operator volatileFlag() {
        return operator().volatileFlag();
    }

    /** The compress flag. */
    public Operator compress(boolean compress) {
        return operator().compress(compress);
    }

    /** Emits to every socket of the namespace. Completes once published. */
    public CompletableFuture<Void> emit(String event, Object... args) {
        return operator().emit(event, args);
    }

    /** Every socket of the namespace joins the rooms. */
    public CompletableFuture<Void> socketsJoin(String... rooms) {
        return operator().socketsJoin(rooms);
    }

    /** Every socket of the namespace leaves the rooms. */
    public CompletableFuture<Void> socketsLeave(String... rooms) {
        return operator().socketsLeave(rooms);
    }

    /** Disconnects every socket of the namespace. */
    public CompletableFuture<Void> disconnectSockets(boolean close) {
        return operator().disconnectSockets(close);
    }

    /** Sends a server-side event to every server of the namespace (acks are not supported, as in Node). */
    public CompletableFuture<Void> serverSideEmit(String event, Object... args) {
        checkEvent(event);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("uid", "emitter");
        r.put("type", ClassicCodec.SERVER_SIDE_EMIT);
        r.put("data", eventList(event, args));
        return publish(ClassicCodec.requestChannel(key, nsp), ClassicCodec.json(r));
    }

    private CompletableFuture<Void> publish(String channel, byte[] payload) {
        return connection.async().publish(channel.getBytes(StandardCharsets.UTF_8), payload).toCompletableFuture()
                .thenApply(n -> null);
    }

    private static void checkEvent(String event) {
        Objects.requireNonNull(event, "event");
        if (RESERVED.contains(event)) {
            throw new IllegalArgumentException("\"" + event + "\" is a reserved event name");
        }
    }

    private static List<Object> eventList(String event, Object[] args) {
        List<Object> list = new ArrayList<>();
        list.add(event);
        if (args == null) {
            list.add(null);
        } else {
            list.addAll(Arrays.asList(args));
        }
        return list;
    }

    /** Closes the connection (and the client when owned); the emitters made by {@link #of} share it and close nothing. */
    @Override
    public void close() {
        if (ownsConnection) {
            connection.close();
        }
        if (ownsClient) {
            client.shutdown();
        }
    }

    /** An immutable broadcast target of the emitter. */
    public final class Operator {
        private final Set<String> rooms;
        private final Set<String> except;
        private final Map<String, Object> flags;

        private Operator(Set<String> rooms, Set<String> except, Map<String, Object> flags) {
            this.rooms = Collections.unmodifiableSet(new LinkedHashSet<>(rooms));
            this.except = Collections.unmodifiableSet(new LinkedHashSet<>(except));
            this.flags = Collections.unmodifiableMap(new LinkedHashMap<>(flags));
        }

        /** Adds a target room. */
        public Operator to(String room) {
            return to(List.of(room));
        }

        /** Adds target rooms. */
        public Operator to(Collection<String> more) {
            Set<String> s = new LinkedHashSet<>(rooms);
            s.addAll(more);
            return new Operator(s, except, flags);
        }

        /** Same as {@link #to(String)}. */
        public Operator in(String room) {
            return to(room);
        }

        /** Excludes the sockets of a room. */
        public Operator except(String room) {
            return except(List.of(room));
        }

        /** Excludes the sockets of rooms. */
        public Operator except(Collection<String> more) {
            Set<String> s = new LinkedHashSet<>(except);
            s.addAll(more);
            return new Operator(rooms, s, flags);
        }

        /** The volatile flag: the event may be dropped for sockets that cannot take it now. */
        public Operator volatileFlag() {
            return flag("volatile", true);
        }

        /** The compress flag. */
        public Operator compress(boolean compress) {
            return flag("compress", compress);
        }

        private Operator flag(String name, Object value) {
            Map<String, Object> f = new LinkedHashMap<>(flags);
            f.put(name, value);
            return new Operator(rooms, except, f);
        }

        /** The channel the next broadcast goes to. */
        String channel() {
            return ClassicCodec.broadcastChannel(key, nsp, rooms);
        }

        /** The bytes of a broadcast of this event. */
        byte[] payload(String event, Object... args) {
            return ClassicCodec.encodeEmitterBroadcast(nsp, eventList(event, args), rooms, except, flags);
        }

        /**
         * Emits the event to the targeted sockets on every server; {@code byte[]} arguments are sent as binary.
         * Completes once published. Reserved names throw {@link IllegalArgumentException}.
         */
        public CompletableFuture<Void> emit(String event, Object... args) {
            checkEvent(event);
            return publish(channel(), payload(event, args));
        }

        private Map<String, Object> opts() {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("rooms", rooms);
            o.put("except", except);
            return o;
        }

        /** The targeted sockets join the rooms. */
        public CompletableFuture<Void> socketsJoin(String... roomsToJoin) {
            return joinLeave(ClassicCodec.REMOTE_JOIN, roomsToJoin);
        }

        /** The targeted sockets leave the rooms. */
        public CompletableFuture<Void> socketsLeave(String... roomsToLeave) {
            return joinLeave(ClassicCodec.REMOTE_LEAVE, roomsToLeave);
        }

        private CompletableFuture<Void> joinLeave(int type, String... which) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("type", type);
            r.put("opts", opts());
            r.put("rooms", Arrays.asList(which));
            return publish(ClassicCodec.requestChannel(key, nsp), ClassicCodec.json(r));
        }

        /** Disconnects the targeted sockets ({@code close}: their whole connection). */
        public CompletableFuture<Void> disconnectSockets(boolean close) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("type", ClassicCodec.REMOTE_DISCONNECT);
            r.put("opts", opts());
            r.put("close", close);
            return publish(ClassicCodec.requestChannel(key, nsp), ClassicCodec.json(r));
        }
    }
}
