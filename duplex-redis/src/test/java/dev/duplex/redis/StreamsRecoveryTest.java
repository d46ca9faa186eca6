package dev.duplex.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.redis.ClusterHarness.Clients;
import dev.duplex.redis.ClusterHarness.ClusterNode;
import dev.duplex.redis.ClusterHarness.DuplexNode;
import dev.duplex.redis.ClusterHarness.NodeNode;
import dev.duplex.server.ConnectionStateRecovery;
import dev.duplex.server.ServerOptions;
import dev.duplex.testkit.Node;
import dev.duplex.testkit.RedisServer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static dev.duplex.redis.ClusterHarness.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connection state recovery through the stream, across a Duplex node and a Node node with
 * {@code @socket.io/redis-streams-adapter} 0.3.1 (both with connectionStateRecovery): a client cut off from one
 * server recovers its session (same id, rooms) on the other with the events it missed, each carrying its stream
 * entry id as offset; and a Redis restart during traffic loses no broadcast that was written to the stream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamsRecoveryTest {
    private static final Pattern ENTRY_ID = Pattern.compile("^[0-9]+-[0-9]+$");

    private RedisServer redis;
    private DuplexNode d1;
    private NodeNode n1;
    private Clients clients;
    private final AtomicInteger seq = new AtomicInteger();

    @BeforeAll
    void cluster() {
        Node.require();
        redis = RedisServer.startNew();
        d1 = new DuplexNode("d1", RedisStreamsAdapterFactory.create(redis.uri(), RedisStreamsAdapterOptions.builder()
                .blockTime(Duration.ofSeconds(1)).build()), ServerOptions.builder().connectionStateRecovery(
                ConnectionStateRecovery.builder().maxDisconnectionDuration(Duration.ofSeconds(60))
                        .skipMiddlewares(true).build()));
        n1 = new NodeNode("n1", redis.uri(), Map.of("ADAPTER", "streams", "CSR", "1"));
        ClusterHarness.awaitServers(redis, 2, false, "socket.io#", "/", "/chat");
        clients = new Clients();
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {clients, d1, n1, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    private String name(String what) {
        return what + "-" + seq.incrementAndGet();
    }

    private boolean sessionKept(String pid) {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().exists("sio:session:" + pid) == 1;
        } finally {
            client.shutdown();
        }
    }

    private void recoversAcross(ClusterNode first, ClusterNode second) {
        String a = name("a");
        String id = clients.connect(a, first, "/", "ra");
        // a broadcast carrying an offset, so that the client has one to present
        String warm = name("warm");
        first.emit(warm, 0);
        clients.awaitEvent(a, warm);
        String offset0 = clients.events(a, warm).get(0).get("args").get(1).asText();
        assertThat(offset0).matches(ENTRY_ID);

        JsonNode dropped = clients.drop(a);
        String pid = dropped.path("pid").asText();
        String offset = dropped.path("offset").asText();
        assertThat(offset).isEqualTo(offset0);
        await("session of " + a + " kept in Redis").atMost(WAIT).until(() -> sessionKept(pid));

        String missedAll = name("missed-all");
        String missedRoom = name("missed-room");
        String notMine = name("not-mine");
        second.emit(missedAll, "x", 1);
        first.emitTo("/", List.of("ra"), List.of(), false, false, missedRoom, new byte[] {9});
        second.emitTo("/", List.of("rb"), List.of(), false, false, notMine);

        // a sentinel client on the recovering server has seen the three, so they are in the stream
        String watcher = name("w");
        clients.connect(watcher, second, "/", "ra", "rb");
        String after = name("after");
        second.emit(after);
        clients.awaitEvent(watcher, after);

        String b = name("b");
        JsonNode connected = clients.connectRecovering(b, second, pid, offset);
        assertThat(connected.path("recovered").asBoolean()).as(connected.toString()).isTrue();
        assertThat(connected.path("id").asText()).isEqualTo(id);
        clients.awaitEvent(b, missedAll);
        clients.awaitEvent(b, missedRoom);
        JsonNode all = clients.events(b, missedAll).get(0).get("args");
        assertThat(all.size()).isEqualTo(3);
        assertThat(all.get(0).asText() + all.get(1).asInt()).isEqualTo("x1");
        assertThat(all.get(2).asText()).matches(ENTRY_ID).isGreaterThan(offset);
        JsonNode room = clients.events(b, missedRoom).get(0).get("args");
        assertThat(room.get(0).toString()).isEqualTo("{\"$bin\":[9]}");
        assertThat(room.get(1).asText()).matches(ENTRY_ID);
        assertThat(clients.events(b, notMine)).isEmpty();
        clients.awaitEvent(b, after); // missed too: a broadcast to all
        // the restored socket is in its rooms again, on the other server
        String live = name("live");
        first.emitTo("/", List.of("ra"), List.of(), false, false, live);
        clients.awaitEvent(b, live);
        assertThat(sessionKept(pid)).isFalse();
    }

    @Test
    void clientCutOffFromDuplexRecoversOnNode() {
        recoversAcross(d1, n1);
    }

    @Test
    void clientCutOffFromNodeRecoversOnDuplex() {
        recoversAcross(n1, d1);
    }

    @Test
    void aRedisRestartDuringTrafficLosesNoBroadcastWrittenToTheStream() throws Exception {
        String cd = name("cd");
        String cn = name("cn");
        clients.connect(cd, d1, "/");
        clients.connect(cn, n1, "/");
        List<String> sent = new ArrayList<>();
        String prefix = name("t") + "-";
        for (int i = 0; i < 10; i++) {
            String ev = prefix + i;
            (i % 2 == 0 ? (ClusterNode) d1 : n1).emit(ev, i);
            sent.add(ev);
        }
        redis.stop();
        redis.start();
        // traffic right after the restart, while the readers may still be reconnecting
        for (int i = 10; i < 40; i++) {
            String ev = prefix + i;
            (i % 2 == 0 ? (ClusterNode) d1 : n1).emit(ev, i);
            sent.add(ev);
        }
        // what reached the stream after the restart (no persistence: it holds only those)
        Set<String> written = new TreeSet<>();
        await("traffic written again").atMost(WAIT).untilAsserted(() -> {
            String ev = prefix + "probe-" + seq.incrementAndGet();
            d1.emit(ev);
            n1.emit(ev + "n");
            assertThat(clients.events(cn, ev)).isNotEmpty();
            assertThat(clients.events(cd, ev + "n")).isNotEmpty();
        });
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            for (StreamMessage<String, String> e : c.sync().xrange("socket.io", Range.create("-", "+"))) {
                String data = e.getBody().getOrDefault("data", "");
                for (String ev : sent) {
                    if (data.contains("\"" + ev + "\"")) {
                        written.add(ev);
                    }
                }
            }
        } finally {
            client.shutdown();
        }
        assertThat(written).as("broadcasts written to the stream after the restart").isNotEmpty();
        for (String ev : sent.subList(0, 10)) {
            clients.awaitEvent(cd, ev);
            clients.awaitEvent(cn, ev);
        }
        for (String ev : written) {
            clients.awaitEvent(cd, ev);
            clients.awaitEvent(cn, ev);
        }
    }
}
