package dev.duplex.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.redis.ClusterHarness.Clients;
import dev.duplex.redis.ClusterHarness.ClusterNode;
import dev.duplex.redis.ClusterHarness.DuplexNode;
import dev.duplex.redis.ClusterHarness.NodeNode;
import dev.duplex.server.RemoteSocket;
import dev.duplex.testkit.Node;
import dev.duplex.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static dev.duplex.redis.ClusterHarness.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One cluster on a real redis-server: two Duplex nodes (d1, d2) and two Node socket.io 4.8.4 nodes with
 * {@code @socket.io/redis-adapter} 8.3.0 (n1, n2), official socket.io-client clients on each. Every operation is
 * done once from a Duplex node and once from a Node node, and what each client received is checked: the expected
 * clients get the event, and (after a sentinel broadcast from the same node has reached everyone) no other does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisClusterInteropTest {
    private static final Set<String> ALL = Set.of("cd1", "cd2", "cn1", "cn2");

    private RedisServer redis;
    private DuplexNode d1;
    private DuplexNode d2;
    private NodeNode n1;
    private NodeNode n2;
    private Clients clients;
    private RedisEmitter javaEmitter;
    private JsonProcess nodeEmitter;
    private final Map<String, String> ids = new HashMap<>();
    private final AtomicInteger seq = new AtomicInteger();

    @BeforeAll
    void cluster() {
        Node.require();
        redis = RedisServer.startNew();
        RedisAdapterOptions options = RedisAdapterOptions.builder().requestsTimeout(Duration.ofSeconds(5)).build();
        d1 = new DuplexNode("d1", redis.uri(), options);
        // d2 publishes its responses on the requester's own channel, n2 does too: both settings mix
        d2 = new DuplexNode("d2", redis.uri(), RedisAdapterOptions.builder()
                .publishOnSpecificResponseChannel(true).build());
        n1 = new NodeNode("n1", redis.uri(), Map.of());
        n2 = new NodeNode("n2", redis.uri(), Map.of("SPECIFIC", "1"));
        ClusterHarness.awaitServers(redis, 4, "/", "/chat");
        clients = new Clients();
        ids.put("cd1", clients.connect("cd1", d1, "/", "r1"));
        ids.put("cd2", clients.connect("cd2", d2, "/", "r2", "r3"));
        ids.put("cn1", clients.connect("cn1", n1, "/", "r1", "r3"));
        ids.put("cn2", clients.connect("cn2", n2, "/", "r2"));
        clients.connect("chd1", d1, "/chat");
        clients.connect("chn2", n2, "/chat");
        javaEmitter = RedisEmitter.create(redis.uri());
        nodeEmitter = new JsonProcess("emitter.js", Map.of("REDIS_URL", redis.uri()));
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {clients, javaEmitter, nodeEmitter, d1, d2, n1, n2, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    private ClusterNode origin(String kind) {
        return kind.equals("duplex") ? d1 : n1;
    }

    private String event(String what) {
        return what + "-" + seq.incrementAndGet();
    }

    /**
     * Waits until exactly {@code expected} received {@code event}: each expected client got it, then a sentinel
     * sent by {@code sentinel} (from the same node, so ordered after it) reached {@code everyone}, and no other
     * client got it.
     */
    private void assertReceivers(String event, Set<String> expected, Set<String> everyone,
                                 Consumer<String> sentinel) {
        for (String c : expected) {
            clients.awaitEvent(c, event);
        }
        String s = event("sentinel");
        sentinel.accept(s);
        for (String c : everyone) {
            clients.awaitEvent(c, s);
        }
        assertThat(clients.receivers(event)).as("receivers of " + event).isEqualTo(new TreeSet<>(expected));
        for (String c : expected) {
            assertThat(clients.events(c, event)).as(c + " got " + event + " once").hasSize(1);
        }
    }

    private void assertReceivers(ClusterNode from, String event, Set<String> expected) {
        assertReceivers(event, expected, ALL, s -> from.emit(s));
    }

    @ParameterizedTest
    @ValueSource(strings = {"duplex", "node"})
    void emitToAllRoomsAndExcept(String kind) {
        ClusterNode from = origin(kind);
        String all = event("all");
        from.emit(all, "x", 1, Map.of("a", true));
        assertReceivers(from, all, ALL);
        assertThat(clients.events("cn2", all).get(0).get("args").toString()).isEqualTo("[\"x\",1,{\"a\":true}]");
        assertThat(clients.events("cd2", all).get(0).get("args").toString()).isEqualTo("[\"x\",1,{\"a\":true}]");

        String room = event("room");
        from.emitTo("/", List.of("r1"), List.of(), false, false, room, "y");
        assertReceivers(from, room, Set.of("cd1", "cn1"));

        String multi = event("multi");
        from.emitTo("/", List.of("r1", "r2"), List.of("r3"), false, false, multi, 2);
        assertReceivers(from, multi, Set.of("cd1", "cn2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"duplex", "node"})
    void socketBroadcastEmit(String kind) {
        String sender = kind.equals("duplex") ? "cd1" : "cn1";
        ClusterNode from = origin(kind);
        int before = clients.events("cd2", "bcast").size();
        clients.emit(sender, "bcast", "from-" + sender);
        Set<String> expected = new TreeSet<>(ALL);
        expected.remove(sender);
        for (String c : expected) {
            await().atMost(WAIT).until(() -> clients.events(c, "bcast").stream()
                    .anyMatch(e -> e.get("args").get(0).asText().equals("from-" + sender)));
        }
        String s = event("sentinel");
        from.emit(s);
        for (String c : ALL) {
            clients.awaitEvent(c, s);
        }
        assertThat(clients.events(sender, "bcast").stream()
                .filter(e -> e.get("args").get(0).asText().equals("from-" + sender))).isEmpty();
        assertThat(clients.events("cd2", "bcast")).hasSize(before + 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"duplex", "node"})
    void binaryArguments(String kind) {
        ClusterNode from = origin(kind);
        String bin = event("bin");
        from.emit(bin, new byte[] {1, 2, 3}, "after");
        assertReceivers(from, bin, ALL);
        for (String c : ALL) {
            assertThat(clients.events(c, bin).get(0).get("args").toString()).as(c)
                    .isEqualTo("[{\"$bin\":[1,2,3]},\"after\"]");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"duplex", "node"})
    void secondNamespace(String kind) {
        ClusterNode from = origin(kind);
        String chat = event("chat");
        from.emitTo("/chat", List.of(), List.of(), false, false, chat, "hi");
        assertReceivers(chat, Set.of("chd1", "chn2"), Set.of("chd1", "chn2"),
                s -> from.emitTo("/chat", List.of(), List.of(), false, false, s));
        // and nothing on "/"
        String s = event("sentinel");
        from.emit(s);
        for (String c : ALL) {
            clients.awaitEvent(c, s);
        }
        assertThat(clients.receivers(chat)).containsExactlyInAnyOrder("chd1", "chn2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"duplex", "node"})
    void volatileAndLocal(String kind) {
        ClusterNode from = origin(kind);
        String vol = event("vol");
        from.emitTo("/", List.of(), List.of(), true, false, vol, 1);
        assertReceivers(from, vol, ALL);

        String local = event("local");
        from.emitTo("/", List.of(), List.of(), false, true, local, 1);
        assertReceivers(from, local, Set.of(kind.equals("duplex") ? "cd1" : "cn1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"duplex", "node"})
    void fetchSocketsSeesEveryNodeWithHandshakeAndData(String kind) {
        ClusterNode from = origin(kind);
        List<JsonNode> all = from.fetchSockets(List.of());
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode s : all) {
            byName.put(s.path("data").path("name").asText(), s);
        }
        assertThat(byName.keySet()).containsExactlyInAnyOrderElementsOf(ALL);
        for (String c : ALL) {
            JsonNode s = byName.get(c);
            assertThat(s.path("id").asText()).isEqualTo(ids.get(c));
            assertThat(s.path("data").path("node").asText()).isEqualTo("" + c.charAt(1) + c.charAt(2));
            assertThat(s.path("handshake").path("auth").path("name").asText()).as(c).isEqualTo(c);
            assertThat(s.path("handshake").path("address").asText()).as(c).contains("127.0.0.1");
            assertThat(s.path("handshake").path("issued").isNumber()).as(c).isTrue();
            assertThat(s.path("handshake").path("query").path("EIO").asText()).as(c).isEqualTo("4");
            assertThat(s.path("handshake").path("headers").isObject()).as(c).isTrue();
            assertThat(s.path("rooms").toString()).as(c).contains(ids.get(c));
        }
        assertThat(byName.get("cn1").path("rooms").toString()).contains("r1", "r3");
        assertThat(byName.get("cd2").path("rooms").toString()).contains("r2", "r3");

        List<String> inR1 = new ArrayList<>();
        from.fetchSockets(List.of("r1")).forEach(s -> inR1.add(s.path("data").path("name").asText()));
        assertThat(inR1).containsExactlyInAnyOrder("cd1", "cn1");
    }

    @Test
    void remoteSocketsFromDuplexReachNodeSockets() {
        List<RemoteSocket> inR2 = d1.remoteSockets(List.of("r2"));
        RemoteSocket cn2 = inR2.stream().filter(s -> s.id().equals(ids.get("cn2"))).findFirst().orElseThrow();
        assertThat(cn2.local()).isFalse();
        assertThat(cn2.handshakeJson().path("auth").path("name").asText()).isEqualTo("cn2");
        assertThat(cn2.data()).containsEntry("name", "cn2");
        String ev = event("remote");
        cn2.emit(ev, "to-you");
        assertReceivers(d1, ev, Set.of("cn2"));
        String room = event("rjoin");
        cn2.join(room);
        String ev2 = event("in-rjoin");
        await().atMost(WAIT).untilAsserted(() -> {
            d1.emitTo("/", List.of(room), List.of(), false, false, ev2);
            assertThat(clients.events("cn2", ev2)).isNotEmpty();
        });
        cn2.leave(room);
        String ev3 = event("after-leave");
        d1.emitTo("/", List.of(room), List.of(), false, false, ev3);
        assertReceivers(d1, ev3, Set.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"duplex", "node"})
    void socketsJoinAndLeave(String kind) {
        ClusterNode from = origin(kind);
        String room = event("joined");
        from.socketsJoin(List.of("r2"), room);
        String ev = event("in-joined");
        from.emitTo("/", List.of(room), List.of(), false, false, ev);
        assertReceivers(from, ev, Set.of("cd2", "cn2"));
        from.socketsLeave(List.of(room), room);
        String ev2 = event("in-left");
        from.emitTo("/", List.of(room), List.of(), false, false, ev2);
        assertReceivers(from, ev2, Set.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"duplex", "node"})
    void disconnectSocketsClose(String kind) {
        ClusterNode from = origin(kind);
        String room = event("victims");
        String vd = room + "-vd";
        String vn = room + "-vn";
        clients.connect(vd, d2, "/", room);
        clients.connect(vn, n2, "/", room);
        from.disconnectSockets(List.of(room), true);
        await().atMost(WAIT).until(() -> clients.disconnected(vd) && clients.disconnected(vn));
        String s = event("still-here");
        from.emit(s);
        assertReceivers(from, s, ALL);
        for (String c : ALL) {
            assertThat(clients.disconnected(c)).as(c).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"duplex", "node"})
    void serverSideEmitAndWithAck(String kind) {
        ClusterNode from = origin(kind);
        String marker = event("sse");
        from.serverSideEmit("sse", marker, 42);
        for (ClusterNode other : List.of(d1, d2, n1, n2)) {
            if (other == from) {
                continue;
            }
            await(other.name() + " gets " + marker).atMost(WAIT).until(() -> other.serverSideEvents().stream()
                    .anyMatch(a -> a.toString().equals("[\"" + marker + "\",42]")));
        }
        JsonNode replies = from.serverSideEmitWithAck("sse-ack", "ping");
        List<String> texts = new ArrayList<>();
        replies.forEach(r -> texts.add(r.asText()));
        List<String> expected = new ArrayList<>();
        for (ClusterNode other : List.of(d1, d2, n1, n2)) {
            if (other != from) {
                expected.add("pong-from-" + other.name());
            }
        }
        assertThat(texts).as(replies.toString()).containsExactlyInAnyOrderElementsOf(expected);
        // the sender never gets its own server-side event
        assertThat(from.serverSideEvents().stream().filter(a -> a.toString().contains(marker))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"duplex", "node"})
    void broadcastWithAcksCountsClientsOfEveryNode(String kind) {
        ClusterNode from = origin(kind);
        JsonNode acks = from.emitWithAck(Duration.ofSeconds(10), "ack-event", "q");
        List<String> texts = new ArrayList<>();
        acks.forEach(a -> texts.add(a.asText()));
        assertThat(texts).as(acks.toString())
                .containsExactlyInAnyOrder("ack-from-cd1", "ack-from-cd2", "ack-from-cn1", "ack-from-cn2");
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
