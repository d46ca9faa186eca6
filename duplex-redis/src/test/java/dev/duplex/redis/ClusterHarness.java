package dev.duplex.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.duplex.server.BroadcastOperator;
import dev.duplex.server.RemoteSocket;
import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;
import dev.duplex.testkit.FreePort;
import dev.duplex.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** Redis, Node and Duplex servers of one cluster, and official socket.io-client clients, for the cluster tests. */
final class ClusterHarness {
    static final Duration WAIT = JsonProcess.WAIT;

    private ClusterHarness() {
    }

    /** What a test does on a server of the cluster, whatever its kind. */
    interface ClusterNode extends AutoCloseable {
        String name();

        String url();

        void emitTo(String nsp, Collection<String> rooms, Collection<String> except, boolean vol, boolean local,
                  String event, Object... args);

        default void emit(String event, Object... args) {
            emitTo("/", List.of(), List.of(), false, false, event, args);
        }

        /** {id, handshake, rooms, data} of each socket. */
        List<JsonNode> fetchSockets(Collection<String> rooms);

        void socketsJoin(Collection<String> rooms, String room);

        void socketsLeave(Collection<String> rooms, String room);

        void disconnectSockets(Collection<String> rooms, boolean close);

        void serverSideEmit(String event, Object... args);

        /** The replies, or {"error": ...}. */
        JsonNode serverSideEmitWithAck(String event, Object... args);

        /** The acks, or {"error": ...}. */
        JsonNode emitWithAck(Duration timeout, String event, Object... args);

        Set<String> allRooms();

        /** The server-side events "sse" received so far (their arguments). */
        List<JsonNode> serverSideEvents();

        @Override
        void close();
    }

    static JsonNode toJson(Object... args) {
        ArrayNode a = JsonProcess.JSON.createArrayNode();
        for (Object o : args) {
            if (o instanceof byte[] b) {
                ArrayNode bin = a.addObject().putArray("$bin");
                for (byte x : b) {
                    bin.add(x & 0xff);
                }
            } else {
                a.add(JsonProcess.JSON.valueToTree(o));
            }
        }
        return a;
    }

    /** A Duplex server on the Redis adapter, set up as cluster-node.js sets up its Node server. */
    static final class DuplexNode implements ClusterNode {
        final String name;
        final AutoCloseable redis;
        final SocketIoServer io;
        final List<JsonNode> sse = new CopyOnWriteArrayList<>();

        DuplexNode(String name, String redisUri, RedisAdapterOptions options) {
            this(name, RedisAdapterFactory.create(redisUri, options), null);
        }

        /**
         * A server on {@code factory} (an AutoCloseable, closed with the node); {@code options} may set more (e.g.
         * recovery).
         */
        DuplexNode(String name, dev.duplex.adapter.AdapterFactory factory, ServerOptions.Builder options) {
            this.name = name;
            this.redis = (AutoCloseable) factory;
            this.io = SocketIoServer.create((options == null ? ServerOptions.builder() : options).adapter(factory)
                    .build());
            for (String nsp : List.of("/", "/chat")) {
                io.of(nsp).onConnection(socket -> {
                    JsonNode auth = socket.handshake().auth();
                    socket.data().put("name", auth.path("name").asText());
                    socket.data().put("node", name);
                    List<String> rooms = new ArrayList<>();
                    auth.path("rooms").forEach(r -> rooms.add(r.asText()));
                    socket.join(rooms);
                    socket.on("bcast", (args, ack) -> socket.broadcast().emit("bcast", args.toArray()));
                });
            }
            io.onServerSideEmit("sse", (args, ack) -> sse.add(JsonProcess.JSON.valueToTree(args)));
            io.onServerSideEmit("sse-ack", (args, ack) -> ack.send("pong-from-" + name));
            io.start(FreePort.find());
            try {
                io.of("/").adapter().init().get(20, TimeUnit.SECONDS);
                io.of("/chat").adapter().init().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String url() {
            return "http://127.0.0.1:" + io.port();
        }

        BroadcastOperator op(String nsp, Collection<String> rooms, Collection<String> except, boolean vol,
                             boolean local) {
            BroadcastOperator op = io.of(nsp).except(except).to(rooms);
            if (vol) {
                op = op.volatileFlag();
            }
            if (local) {
                op = op.local();
            }
            return op;
        }

        @Override
        public void emitTo(String nsp, Collection<String> rooms, Collection<String> except, boolean vol, boolean local,
                         String event, Object... args) {
            op(nsp, rooms, except, vol, local).emit(event, args);
        }

        List<RemoteSocket> remoteSockets(Collection<String> rooms) {
            try {
                return op("/", rooms, List.of(), false, false).fetchSockets().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public List<JsonNode> fetchSockets(Collection<String> rooms) {
            List<JsonNode> list = new ArrayList<>();
            for (RemoteSocket s : remoteSockets(rooms)) {
                ObjectNode o = JsonProcess.JSON.createObjectNode();
                o.put("id", s.id());
                o.set("handshake", s.handshakeJson());
                o.set("rooms", JsonProcess.JSON.valueToTree(s.rooms()));
                o.set("data", JsonProcess.JSON.valueToTree(s.data()));
                o.put("local", s.local());
                list.add(o);
            }
            return list;
        }

        @Override
        public void socketsJoin(Collection<String> rooms, String room) {
            op("/", rooms, List.of(), false, false).socketsJoin(room);
        }

        @Override
        public void socketsLeave(Collection<String> rooms, String room) {
            op("/", rooms, List.of(), false, false).socketsLeave(room);
        }

        @Override
        public void disconnectSockets(Collection<String> rooms, boolean close) {
            op("/", rooms, List.of(), false, false).disconnectSockets(close);
        }

        @Override
        public void serverSideEmit(String event, Object... args) {
            io.serverSideEmit(event, args);
        }

        @Override
        public JsonNode serverSideEmitWithAck(String event, Object... args) {
            try {
                return JsonProcess.JSON.valueToTree(io.serverSideEmitWithAck(event, args).get(30, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException e) {
                return JsonProcess.JSON.createObjectNode().put("error", String.valueOf(e.getCause()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public JsonNode emitWithAck(Duration timeout, String event, Object... args) {
            try {
                return JsonProcess.JSON.valueToTree(io.timeout(timeout).emitWithAck(event, args)
                        .get(30, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException e) {
                return JsonProcess.JSON.createObjectNode().put("error", String.valueOf(e.getCause()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public Set<String> allRooms() {
            try {
                return io.of("/").adapter().allRooms().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public List<JsonNode> serverSideEvents() {
            return sse;
        }

        @Override
        public void close() {
            io.close();
            try {
                redis.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A Node socket.io server with @socket.io/redis-adapter (src/test/node/cluster-node.js). */
    static final class NodeNode implements ClusterNode {
        final String name;
        final int port;
        final JsonProcess process;

        NodeNode(String name, String redisUri, Map<String, String> env) {
            this.name = name;
            this.port = FreePort.find();
            Map<String, String> e = new java.util.HashMap<>(env);
            e.put("PORT", Integer.toString(port));
            e.put("REDIS_URL", redisUri);
            e.put("NAME", name);
            this.process = new JsonProcess("cluster-node.js", e);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String url() {
            return "http://127.0.0.1:" + port;
        }

        @Override
        public void emitTo(String nsp, Collection<String> rooms, Collection<String> except, boolean vol, boolean local,
                         String event, Object... args) {
            process.call("emit", "nsp", nsp, "rooms", rooms, "except", except, "volatile", vol, "local", local,
                    "event", event, "args", toJson(args));
        }

        private JsonNode result(JsonNode r) {
            if (r.has("error")) {
                throw new AssertionError(name + ": " + r.get("error").asText());
            }
            return r.get("result");
        }

        @Override
        public List<JsonNode> fetchSockets(Collection<String> rooms) {
            List<JsonNode> list = new ArrayList<>();
            result(process.call("fetch", "rooms", rooms)).forEach(list::add);
            return list;
        }

        void remoteEmit(Collection<String> rooms, String event, Object... args) {
            result(process.call("remoteEmit", "rooms", rooms, "event", event, "args", toJson(args)));
        }

        @Override
        public void socketsJoin(Collection<String> rooms, String room) {
            result(process.call("join", "rooms", rooms, "target", room));
        }

        @Override
        public void socketsLeave(Collection<String> rooms, String room) {
            result(process.call("leave", "rooms", rooms, "target", room));
        }

        @Override
        public void disconnectSockets(Collection<String> rooms, boolean close) {
            result(process.call("disconnect", "rooms", rooms, "close", close));
        }

        @Override
        public void serverSideEmit(String event, Object... args) {
            result(process.call("sse", "event", event, "args", toJson(args)));
        }

        @Override
        public JsonNode serverSideEmitWithAck(String event, Object... args) {
            JsonNode r = process.call("sseAck", "event", event, "args", toJson(args));
            return r.has("error") ? r : r.get("result");
        }

        @Override
        public JsonNode emitWithAck(Duration timeout, String event, Object... args) {
            JsonNode r = process.call("emitWithAck", "timeout", timeout.toMillis(), "event", event,
                    "args", toJson(args));
            return r.has("error") ? r : r.get("result");
        }

        @Override
        public Set<String> allRooms() {
            Set<String> s = new LinkedHashSet<>();
            result(process.call("allRooms")).forEach(n -> s.add(n.asText()));
            return s;
        }

        @Override
        public List<JsonNode> serverSideEvents() {
            List<JsonNode> list = new ArrayList<>();
            process.find(n -> n.path("type").asText().equals("sse")).forEach(n -> list.add(n.get("args")));
            return list;
        }

        @Override
        public void close() {
            process.close();
        }
    }

    /** Official socket.io-client sockets (src/test/node/clients.js). */
    static final class Clients implements AutoCloseable {
        final JsonProcess process = new JsonProcess("clients.js", Map.of());

        /** Connects a client and returns its socket id. */
        String connect(String name, ClusterNode node, String nsp, String... rooms) {
            process.send("connect", "name", name, "url", node.url(), "nsp", nsp, "rooms", List.of(rooms));
            return process.awaitOne(name + " connected", n -> n.path("type").asText().equals("connected")
                    && n.path("name").asText().equals(name)).path("id").asText();
        }

        /** Connects a client presenting the session {@code pid} and last {@code offset} (recovery). */
        JsonNode connectRecovering(String name, ClusterNode node, String pid, String offset) {
            process.send("connect", "name", name, "url", node.url(), "nsp", "/", "rooms", List.of(), "pid", pid,
                    "offset", offset);
            return process.awaitOne(name + " connected", n -> n.path("type").asText().equals("connected")
                    && n.path("name").asText().equals(name));
        }

        /** Cuts the client's transport; returns {pid, offset} it had. */
        JsonNode drop(String name) {
            process.send("drop", "name", name);
            return process.awaitOne(name + " dropped", n -> n.path("type").asText().equals("dropped")
                    && n.path("name").asText().equals(name));
        }

        void emit(String name, String event, Object... args) {
            process.send("emit", "name", name, "event", event, "args", List.of(args));
        }

        List<JsonNode> events(String name, String event) {
            return process.find(n -> n.path("type").asText().equals("event") && n.path("name").asText().equals(name)
                    && n.path("event").asText().equals(event));
        }

        /** The names of the clients that received {@code event}. */
        Set<String> receivers(String event) {
            Set<String> s = new java.util.TreeSet<>();
            process.find(n -> n.path("type").asText().equals("event") && n.path("event").asText().equals(event))
                    .forEach(n -> s.add(n.path("name").asText()));
            return s;
        }

        boolean disconnected(String name) {
            return !process.find(n -> n.path("type").asText().equals("disconnect")
                    && n.path("name").asText().equals(name)).isEmpty();
        }

        void awaitEvent(String name, String event) {
            await(name + " gets " + event).atMost(WAIT).until(() -> !events(name, event).isEmpty());
        }

        @Override
        public void close() {
            process.close();
        }
    }

    /** Waits until {@code n} servers are subscribed to the request channel of each namespace. */
    static void awaitServers(RedisServer redis, int n, String... namespaces) {
        awaitServers(redis, n, false, "socket.io-request#", namespaces);
    }

    /** Waits until {@code n} servers are subscribed (sharded: SSUBSCRIBEd) to {@code <prefix><nsp>#}. */
    static void awaitServers(RedisServer redis, int n, boolean sharded, String prefix, String... namespaces) {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            for (String nsp : namespaces) {
                String channel = prefix + nsp + "#";
                await("servers of " + nsp).atMost(WAIT).until(() ->
                        (sharded ? c.sync().pubsubShardNumsub(channel) : c.sync().pubsubNumsub(channel)).values()
                                .stream().mapToLong(Long::longValue).sum() == n);
            }
        } finally {
            client.shutdown();
        }
    }
}
