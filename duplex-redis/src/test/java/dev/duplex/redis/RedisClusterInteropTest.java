package dev.duplex.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.redis.ClusterHarness.ClusterNode;
import dev.duplex.redis.ClusterHarness.DuplexNode;
import dev.duplex.redis.ClusterHarness.NodeNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.duplex.redis.ClusterHarness.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cross-node matrix ({@link CrossNodeMatrix}) with the classic adapter: Duplex {@link RedisAdapter}s and Node
 * socket.io 4.8.4 nodes with {@code @socket.io/redis-adapter} 8.3.0 on one redis-server (d2 and n2 publish their
 * responses on the requester's own channel, d1 and n1 on the common one), plus what only the classic protocol has:
 * {@code allRooms} across nodes, the emitters, and the captured vectors published through the server API.
 */
class RedisClusterInteropTest extends CrossNodeMatrix {
    private RedisEmitter javaEmitter;
    private JsonProcess nodeEmitter;

    @Override
    DuplexNode duplexNode(String name) {
        // d2 publishes its responses on the requester's own channel, n2 does too: both settings mix
        return new DuplexNode(name, redis.uri(), name.equals("d2")
                ? RedisAdapterOptions.builder().publishOnSpecificResponseChannel(true).build()
                : RedisAdapterOptions.builder().requestsTimeout(Duration.ofSeconds(5)).build());
    }

    @Override
    NodeNode nodeNode(String name) {
        return new NodeNode(name, redis.uri(), name.equals("n2") ? Map.of("SPECIFIC", "1") : Map.of());
    }

    @Override
    void awaitServers() {
        ClusterHarness.awaitServers(redis, 4, "/", "/chat");
    }

    @BeforeAll
    void emitters() {
        javaEmitter = RedisEmitter.create(redis.uri());
        nodeEmitter = new JsonProcess("emitter.js", Map.of("REDIS_URL", redis.uri()));
    }

    @AfterAll
    void closeEmitters() {
        for (AutoCloseable c : new AutoCloseable[] {javaEmitter, nodeEmitter}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"duplex", "node"})
    void allRoomsAcrossNodes(String kind) {
        Set<String> rooms = origin(kind).allRooms();
        assertThat(rooms).contains("r1", "r2", "r3");
        for (String c : ALL) {
            assertThat(rooms).contains(ids.get(c));
        }
    }

    // ------------------------------------------------------------------ emitters

    /** The Java {@link RedisEmitter} or Node's @socket.io/redis-emitter 5.1.0, behind one interface. */
    private interface Emitter {
        void emitTo(String nsp, List<String> rooms, List<String> except, boolean vol, String event, Object... args);

        void join(List<String> rooms, String room);

        void leave(List<String> rooms, String room);

        void disconnect(List<String> rooms, boolean close);

        void serverSideEmit(String event, Object... args);
    }

    private Emitter emitter(String kind) {
        if (kind.equals("java")) {
            return new Emitter() {
                private RedisEmitter.Operator op(String nsp, List<String> rooms, List<String> except, boolean vol) {
                    RedisEmitter.Operator op = javaEmitter.of(nsp).to(rooms).except(except);
                    return vol ? op.volatileFlag().compress(false) : op;
                }

                @Override
                public void emitTo(String nsp, List<String> rooms, List<String> except, boolean vol, String event,
                                   Object... args) {
                    op(nsp, rooms, except, vol).emit(event, args).join();
                }

                @Override
                public void join(List<String> rooms, String room) {
                    op("/", rooms, List.of(), false).socketsJoin(room).join();
                }

                @Override
                public void leave(List<String> rooms, String room) {
                    op("/", rooms, List.of(), false).socketsLeave(room).join();
                }

                @Override
                public void disconnect(List<String> rooms, boolean close) {
                    op("/", rooms, List.of(), false).disconnectSockets(close).join();
                }

                @Override
                public void serverSideEmit(String event, Object... args) {
                    javaEmitter.serverSideEmit(event, args).join();
                }
            };
        }
        return new Emitter() {
            private void ok(JsonNode r) {
                assertThat(r.has("error")).as(r.toString()).isFalse();
            }

            @Override
            public void emitTo(String nsp, List<String> rooms, List<String> except, boolean vol, String event,
                               Object... args) {
                ok(nodeEmitter.call("emit", "nsp", nsp, "rooms", rooms, "except", except, "volatile", vol,
                        "event", event, "args", ClusterHarness.toJson(args)));
            }

            @Override
            public void join(List<String> rooms, String room) {
                ok(nodeEmitter.call("join", "rooms", rooms, "target", room));
            }

            @Override
            public void leave(List<String> rooms, String room) {
                ok(nodeEmitter.call("leave", "rooms", rooms, "target", room));
            }

            @Override
            public void disconnect(List<String> rooms, boolean close) {
                ok(nodeEmitter.call("disconnect", "rooms", rooms, "close", close));
            }

            @Override
            public void serverSideEmit(String event, Object... args) {
                ok(nodeEmitter.call("sse", "event", event, "args", ClusterHarness.toJson(args)));
            }
        };
    }

    private void assertEmitterReceivers(Emitter e, String event, Set<String> expected) {
        assertReceivers(event, expected, ALL, s -> e.emitTo("/", List.of(), List.of(), false, s));
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "node"})
    void emitterReachesClientsOfDuplexAndNodeNodes(String kind) {
        Emitter e = emitter(kind);
        String all = event("em-all");
        e.emitTo("/", List.of(), List.of(), false, all, "e1", new byte[] {4, 5});
        assertEmitterReceivers(e, all, ALL);
        for (String c : ALL) {
            assertThat(clients.events(c, all).get(0).get("args").toString()).as(c)
                    .isEqualTo("[\"e1\",{\"$bin\":[4,5]}]");
        }
        String room = event("em-room");
        e.emitTo("/", List.of("r1"), List.of(), false, room, "e2");
        assertEmitterReceivers(e, room, Set.of("cd1", "cn1"));
        String multi = event("em-multi");
        e.emitTo("/", List.of("r1", "r2"), List.of("r3"), false, multi);
        assertEmitterReceivers(e, multi, Set.of("cd1", "cn2"));
        String vol = event("em-vol");
        e.emitTo("/", List.of(), List.of(), true, vol, 1);
        assertEmitterReceivers(e, vol, ALL);
        String chat = event("em-chat");
        e.emitTo("/chat", List.of(), List.of(), false, chat, "e3");
        assertReceivers(chat, Set.of("chd1", "chn2"), Set.of("chd1", "chn2"),
                s -> e.emitTo("/chat", List.of(), List.of(), false, s));
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "node"})
    void emitterJoinLeaveDisconnectAndServerSideEmit(String kind) {
        Emitter e = emitter(kind);
        String room = event("em-joined");
        e.join(List.of("r2"), room);
        String ev = event("em-in-joined");
        e.emitTo("/", List.of(room), List.of(), false, ev);
        assertEmitterReceivers(e, ev, Set.of("cd2", "cn2"));
        e.leave(List.of(room), room);
        String ev2 = event("em-in-left");
        e.emitTo("/", List.of(room), List.of(), false, ev2);
        assertEmitterReceivers(e, ev2, Set.of());

        String victims = event("em-victims");
        clients.connect(victims + "-vd", d2, "/", victims);
        clients.connect(victims + "-vn", n1, "/", victims);
        e.disconnect(List.of(victims), true);
        await().atMost(WAIT).until(() -> clients.disconnected(victims + "-vd") && clients.disconnected(victims + "-vn"));
        for (String c : ALL) {
            assertThat(clients.disconnected(c)).as(c).isFalse();
        }

        String marker = event("em-sse");
        e.serverSideEmit("sse", marker);
        for (ClusterNode node : List.of(d1, d2, n1, n2)) {
            await(node.name() + " gets " + marker).atMost(WAIT).until(() -> node.serverSideEvents().stream()
                    .anyMatch(a -> a.toString().equals("[\"" + marker + "\"]")));
        }
    }

    // ------------------------------------------------------------------ what Duplex publishes, seen on Redis

    @Test
    void duplexPublishesTheCapturedVectorsThroughTheServerApi() throws Exception {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri());
        try (io.lettuce.core.pubsub.StatefulRedisPubSubConnection<byte[], byte[]> sub =
                     client.connectPubSub(io.lettuce.core.codec.ByteArrayCodec.INSTANCE)) {
            List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            sub.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] pattern, byte[] channel, byte[] message) {
                    seen.add(new String(channel, java.nio.charset.StandardCharsets.UTF_8) + " "
                            + java.util.HexFormat.of().formatHex(message));
                }
            });
            // a pattern subscription: not counted as a server by PUBSUB NUMSUB
            sub.sync().psubscribe("socket.io#/#*".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String uid = ((RedisAdapter) d1.io.of("/").adapter()).uid();
            String uidHex = java.util.HexFormat.of().formatHex(uid.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String capturedUidHex = java.util.HexFormat.of().formatHex("6BveK-".getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            Map<String, Object> a = new java.util.LinkedHashMap<>();
            a.put("a", true);
            d1.io.emit("hello", "world", 1, 2.5, a, null);
            d1.io.to(List.of("room1", "room2")).except("room3").emit("multi", 1);
            d1.io.to("room1").emit("room-event", "x");
            d1.io.volatileFlag().compress(false).emit("vol", 1);
            d1.io.emit("bin", (Object) new byte[] {1, 2, 3});
            List<String> expected = new ArrayList<>();
            for (String step : List.of("io.emit", "io.to([room1,room2]).except(room3).emit", "io.to(room1).emit",
                    "io.volatile.compress(false).emit", "io.emit(binary)")) {
                JsonNode v = ClassicVectorsTest.vectors().stream().filter(x -> x.path("mode").asText().equals("classic")
                        && x.path("step").asText().equals(step)).findFirst().orElseThrow();
                expected.add(v.path("channel").asText() + " " + v.path("hex").asText().replace(capturedUidHex, uidHex));
            }
            await().atMost(WAIT).until(() -> seen.size() >= expected.size());
            assertThat(seen).containsExactlyElementsOf(expected);
        } finally {
            client.shutdown();
        }
    }
}
