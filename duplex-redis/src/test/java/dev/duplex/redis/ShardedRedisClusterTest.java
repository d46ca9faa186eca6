package dev.duplex.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.redis.ClusterHarness.Clients;
import dev.duplex.redis.ClusterHarness.ClusterNode;
import dev.duplex.redis.ClusterHarness.DuplexNode;
import dev.duplex.redis.ClusterHarness.NodeNode;
import dev.duplex.testkit.ExternalProgram;
import dev.duplex.testkit.FreePort;
import dev.duplex.testkit.ManagedProcess;
import dev.duplex.testkit.Node;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.Partitions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.duplex.redis.ClusterHarness.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sharded adapter on a 3-master Redis Cluster started by the test (redis-server in cluster mode on free ports,
 * {@code redis-cli --cluster create}): two Duplex nodes and a Node node with {@code createShardedAdapter} on a
 * node-redis cluster client. The channels used live on different masters.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardedRedisClusterTest {
    private final List<ManagedProcess> masters = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private Path dir;
    private DuplexNode d1;
    private DuplexNode d2;
    private NodeNode n1;
    private Clients clients;

    @BeforeAll
    void cluster() throws Exception {
        Node.require();
        ExternalProgram.require("redis-server", "--version", "the Redis Cluster test needs redis-server");
        ExternalProgram.require("redis-cli", "--version", "the Redis Cluster test needs redis-cli");
        dir = Files.createTempDirectory("duplex-redis-cluster");
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        for (int i = 0; i < 3; i++) {
            int port = FreePort.find();
            int bus = FreePort.find();
            ports.add(port);
            ManagedProcess p = ManagedProcess.start(List.of("redis-server", "--port", Integer.toString(port),
                    "--cluster-port", Integer.toString(bus), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                    "--cluster-config-file", "nodes-" + port + ".conf", "--save", "", "--appendonly", "no",
                    "--protected-mode", "no"), dir, Map.of());
            masters.add(p);
            p.awaitLine(l -> l.contains("Ready to accept connections"), Duration.ofSeconds(20));
            create.add("127.0.0.1:" + port);
        }
        create.add("--cluster-yes");
        ManagedProcess cli = ManagedProcess.start(create, dir, Map.of());
        assertThat(cli.waitFor(Duration.ofSeconds(60))).as(String.join("\n", cli.output())).isZero();
        for (int port : ports) {
            await("cluster state of " + port).atMost(Duration.ofSeconds(30)).until(() -> clusterOk(port));
        }
        List<String> seeds = ports.stream().map(p -> "redis://127.0.0.1:" + p).toList();
        d1 = new DuplexNode("d1", ShardedRedisAdapterFactory.createCluster(seeds,
                ShardedRedisAdapterOptions.defaults()), null);
        d2 = new DuplexNode("d2", ShardedRedisAdapterFactory.createCluster(seeds,
                ShardedRedisAdapterOptions.defaults()), null);
        n1 = new NodeNode("n1", "", Map.of("ADAPTER", "sharded", "REDIS_CLUSTER", String.join(",", seeds)));
        await("3 servers").atMost(WAIT).until(() -> d1.io.of("/").adapter().serverCount().join() == 3
                && d1.io.of("/chat").adapter().serverCount().join() == 3);
        clients = new Clients();
        clients.connect("cd1", d1, "/", "ra");
        clients.connect("cd2", d2, "/", "rb");
        clients.connect("cn1", n1, "/", "ra", "rb");
        clients.connect("chd2", d2, "/chat");
        clients.connect("chn1", n1, "/chat");
    }

    private boolean clusterOk(int port) {
        ManagedProcess p = ManagedProcess.start(List.of("redis-cli", "-p", Integer.toString(port), "cluster", "info"),
                null, Map.of());
        p.waitFor(Duration.ofSeconds(10));
        return p.output().stream().anyMatch(l -> l.startsWith("cluster_state:ok"));
    }

    @AfterAll
    void stop() throws IOException {
        for (AutoCloseable c : new AutoCloseable[] {clients, d1, d2, n1}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
        masters.forEach(ManagedProcess::close);
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void theChannelsLiveOnDifferentMasters() {
        RedisClusterClient client = RedisClusterClient.create(RedisURI.create("redis://127.0.0.1:" + ports.get(0)));
        try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
            Partitions partitions = c.getPartitions();
            assertThat(partitions.stream().filter(n -> n.is(io.lettuce.core.cluster.models.partitions
                    .RedisClusterNode.NodeFlag.UPSTREAM)).count()).isEqualTo(3);
            Set<String> owners = new HashSet<>();
            for (String ch : List.of("socket.io#/#", "socket.io#/chat#", "socket.io#/#ra#", "socket.io#/#rb#")) {
                owners.add(partitions.getMasterBySlot(SlotHash.getSlot(ch)).getNodeId());
            }
            assertThat(owners).as("masters owning the channels").hasSizeGreaterThan(1);
        } finally {
            client.shutdown();
        }
    }

    private void assertReceivers(String event, Set<String> expected, ClusterNode from) {
        for (String c : expected) {
            clients.awaitEvent(c, event);
        }
        String s = event + "-sentinel";
        from.emit(s);
        for (String c : List.of("cd1", "cd2", "cn1")) {
            clients.awaitEvent(c, s);
        }
        // (on a cluster, the event and the sentinel may travel through different shards: a best-effort check)
        assertThat(clients.receivers(event)).isEqualTo(new TreeSet<>(expected));
    }

    @Test
    void broadcastsRoomsAndNamespacesAcrossTheCluster() {
        for (ClusterNode from : List.of(d1, n1)) {
            String all = "all-" + from.name();
            from.emit(all, new byte[] {7}, "x");
            assertReceivers(all, Set.of("cd1", "cd2", "cn1"), from);
            assertThat(clients.events("cd2", all).get(0).get("args").toString()).isEqualTo("[{\"$bin\":[7]},\"x\"]");
            String ra = "ra-" + from.name();
            await().atMost(WAIT).untilAsserted(() -> {
                from.emitTo("/", List.of("ra"), List.of(), false, false, ra);
                assertThat(clients.receivers(ra)).containsExactlyInAnyOrder("cd1", "cn1");
            });
            String rb = "rb-" + from.name();
            await().atMost(WAIT).untilAsserted(() -> {
                from.emitTo("/", List.of("rb"), List.of(), false, false, rb);
                assertThat(clients.receivers(rb)).containsExactlyInAnyOrder("cd2", "cn1");
            });
            String chat = "chat-" + from.name();
            from.emitTo("/chat", List.of(), List.of(), false, false, chat);
            clients.awaitEvent("chd2", chat);
            clients.awaitEvent("chn1", chat);
        }
    }

    @Test
    void requestsAndAcksAcrossTheCluster() throws Exception {
        List<JsonNode> sockets = d1.fetchSockets(List.of());
        assertThat(sockets).hasSize(3);
        assertThat(n1.fetchSockets(List.of("rb"))).hasSize(2);
        List<JsonNode> replies = d1.io.serverSideEmitWithAck("sse-ack", "ping").get(20, TimeUnit.SECONDS);
        assertThat(replies.stream().map(JsonNode::asText)).containsExactlyInAnyOrder("pong-from-d2", "pong-from-n1");
        JsonNode acks = n1.emitWithAck(Duration.ofSeconds(10), "ack-event", "q");
        List<String> texts = new ArrayList<>();
        acks.forEach(a -> texts.add(a.asText()));
        assertThat(texts).as(acks.toString()).containsExactlyInAnyOrder("ack-from-cd1", "ack-from-cd2", "ack-from-cn1");
        String room = "joined-cluster";
        d2.socketsJoin(List.of("ra"), room);
        await().atMost(WAIT).untilAsserted(() -> {
            n1.emitTo("/", List.of(room), List.of(), false, false, room);
            assertThat(clients.receivers(room)).containsExactlyInAnyOrder("cd1", "cn1");
        });
    }
}
