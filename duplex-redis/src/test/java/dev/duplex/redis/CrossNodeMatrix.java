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
 * The cross-node matrix of a ClusterAdapter-based adapter, on one cluster on a real redis-server: two Duplex nodes
 * (d1, d2) and two Node socket.io 4.8.4 nodes (n1, n2) with the same adapter, official socket.io-client clients on
 * each. Every operation is done once from a Duplex node and once from a Node node, and what each client received is
 * checked: the expected clients get the event, and (after a sentinel broadcast from the same node has reached
 * everyone) no other does. Subclasses start the nodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CrossNodeMatrix {
    static final Set<String> ALL = Set.of("cd1", "cd2", "cn1", "cn2");

    RedisServer redis;
    DuplexNode d1;
    DuplexNode d2;
    NodeNode n1;
    NodeNode n2;
    Clients clients;
    final Map<String, String> ids = new HashMap<>();
    private final AtomicInteger seq = new AtomicInteger();

    /** A Duplex node on the adapter under test. */
    abstract DuplexNode duplexNode(String name);

    /** A Node node on the adapter under test. */
    abstract NodeNode nodeNode(String name);

    /** Waits until the 4 servers are counted on {@code /} and {@code /chat}. */
    abstract void awaitServers();

    /** Waits until a broadcast to {@code room} reaches the {@code servers} servers having members in it. */
    void awaitRoom(String room, int servers) {
    }

    @BeforeAll
    void cluster() {
        Node.require();
        redis = RedisServer.startNew();
        d1 = duplexNode("d1");
        d2 = duplexNode("d2");
        n1 = nodeNode("n1");
        n2 = nodeNode("n2");
        awaitServers();
        clients = new Clients();
        ids.put("cd1", clients.connect("cd1", d1, "/", "r1"));
        ids.put("cd2", clients.connect("cd2", d2, "/", "r2", "r3"));
        ids.put("cn1", clients.connect("cn1", n1, "/", "r1", "r3"));
        ids.put("cn2", clients.connect("cn2", n2, "/", "r2"));
        clients.connect("chd1", d1, "/chat");
        clients.connect("chn2", n2, "/chat");
        awaitRoom("r1", 2);
        awaitRoom("r2", 2);
        awaitRoom("r3", 2);
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {clients, d1, d2, n1, n2, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    ClusterNode origin(String kind) {
        return kind.equals("duplex") ? d1 : n1;
    }

    String event(String what) {
        return what + "-" + seq.incrementAndGet();
    }

    /**
     * Waits until exactly {@code expected} received {@code event}: each expected client got it, then a sentinel
     * sent by {@code sentinel} (from the same node) reached {@code everyone}, and no other client got it.
     */
    void assertReceivers(String event, Set<String> expected, Set<String> everyone, Consumer<String> sentinel) {
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

    void assertReceivers(ClusterNode from, String event, Set<String> expected) {
        assertReceivers(event, expected, ALL, s -> from.emit(s));
    }

    @ParameterizedTest
    @ValueSource(strings = {"duplex", "node"})
    void emitToAllRoomsAndExcept(String kind) {
        ClusterNode from = origin(kind);
        String all = event("all");
        from.emit(all, "x", 1, Map.of("a", true));
        assertReceivers(from, all, ALL);
        for (String c : ALL) {
            assertThat(clients.events(c, all).get(0).get("args").toString()).as(c).isEqualTo("[\"x\",1,{\"a\":true}]");
        }
        String room = event("room");
        from.emitTo("/", List.of("r1"), List.of(), false, false, room, "y");
        assertReceivers(from, room, Set.of("cd1", "cn1"));

        String multi = event("multi");
        from.emitTo("/", List.of("r1", "r2"), List.of("r3"), false, false, multi, 2);
        assertReceivers(from, multi, Set.of("cd1", "cn2"));

        String except = event("except");
        from.emitTo("/", List.of(), List.of("r1"), false, false, except);
        assertReceivers(from, except, Set.of("cd2", "cn2"));
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
        String roomBin = event("room-bin");
        from.emitTo("/", List.of("r2"), List.of(), false, false, roomBin, new byte[] {4});
        assertReceivers(from, roomBin, Set.of("cd2", "cn2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"duplex", "node"})
    void secondNamespace(String kind) {
        ClusterNode from = origin(kind);
        String chat = event("chat");
        from.emitTo("/chat", List.of(), List.of(), false, false, chat, "hi");
        assertReceivers(chat, Set.of("chd1", "chn2"), Set.of("chd1", "chn2"),
                s -> from.emitTo("/chat", List.of(), List.of(), false, false, s));
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
        await().atMost(WAIT).until(() -> from.fetchSockets(List.of(room)).size() == 2);
        awaitRoom(room, 2);
        String ev = event("in-joined");
        from.emitTo("/", List.of(room), List.of(), false, false, ev);
        assertReceivers(from, ev, Set.of("cd2", "cn2"));
        from.socketsLeave(List.of(room), room);
        await().atMost(WAIT).until(() -> from.fetchSockets(List.of(room)).isEmpty());
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
}
