package dev.duplex.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.adapter.ClusterTimeoutException;
import dev.duplex.redis.ClusterHarness.Clients;
import dev.duplex.redis.ClusterHarness.DuplexNode;
import dev.duplex.redis.ClusterHarness.NodeNode;
import dev.duplex.testkit.Node;
import dev.duplex.testkit.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.duplex.redis.ClusterHarness.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

/**
 * Faults of a mixed cluster (a Duplex node, Node nodes, a real redis-server): Redis stopped and restarted while the
 * nodes run, and a node killed during a fetchSockets. The module's leak detector (paranoid) fails the test on a
 * leaked ByteBuf; the test itself checks that no Lettuce or Duplex thread is left once everything is closed.
 */
class RedisFaultsTest {
    private static final Duration REQUESTS_TIMEOUT = Duration.ofSeconds(2);
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private RedisServer redis;
    private java.util.Set<Thread> threadsBefore;

    private static java.util.Set<Thread> ourThreads() {
        java.util.Set<Thread> set = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && (t.getName().startsWith("lettuce") || t.getName().startsWith("duplex-"))) {
                set.add(t);
            }
        }
        return set;
    }

    @BeforeEach
    void redis() {
        threadsBefore = ourThreads();
        Node.require();
        redis = RedisServer.startNew();
    }

    @AfterEach
    void closeAll() {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        redis.close();
        await("no Lettuce or Duplex thread left").atMost(WAIT).untilAsserted(() ->
                assertThat(ourThreads().stream().filter(t -> !threadsBefore.contains(t)).map(Thread::getName))
                        .as("threads left").isEmpty());
    }

    private <T extends AutoCloseable> T closing(T c) {
        toClose.add(c);
        return c;
    }

    private DuplexNode duplex(String name) {
        return closing(new DuplexNode(name, redis.uri(),
                RedisAdapterOptions.builder().requestsTimeout(REQUESTS_TIMEOUT).build()));
    }

    private NodeNode node(String name) {
        return closing(new NodeNode(name, redis.uri(), Map.of("REQUESTS_TIMEOUT", "2000")));
    }

    private static Throwable failure(CompletableFuture<?> f) {
        try {
            f.get(REQUESTS_TIMEOUT.multipliedBy(5).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("the request did not complete: " + e, e);
        }
        throw new AssertionError("the request succeeded");
    }

    @Test
    void redisRestartDuplexReconnectsResubscribesAndRequestsFailWithTimeoutMeanwhile() {
        DuplexNode d1 = duplex("d1");
        NodeNode n1 = node("n1");
        ClusterHarness.awaitServers(redis, 2, "/", "/chat");
        Clients clients = closing(new Clients());
        clients.connect("cd1", d1, "/");
        clients.connect("cn1", n1, "/");
        d1.emit("before", 1);
        clients.awaitEvent("cn1", "before");

        redis.stop();
        // requests made during the outage fail with a timeout error instead of hanging
        Throwable fetch = failure(d1.io.fetchSockets());
        assertThat(fetch).isInstanceOf(ClusterTimeoutException.class).hasMessageContaining("fetchSockets");
        Throwable sse = failure(d1.io.serverSideEmitWithAck("sse-ack", "during-outage"));
        assertThat(sse).isInstanceOf(ClusterTimeoutException.class);
        Throwable rooms = failure(d1.io.of("/").adapter().allRooms());
        assertThat(rooms).isInstanceOf(ClusterTimeoutException.class);
        // broadcasts neither throw nor block; the local part is still delivered
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> d1.emit("during", 2));
        clients.awaitEvent("cd1", "during");
        assertThat(((RedisAdapter) d1.io.of("/").adapter()).pendingRequests()).isZero();

        redis.start();
        // Duplex reconnects and subscribes again (it counts in NUMSUB again), Node too
        ClusterHarness.awaitServers(redis, 2, "/", "/chat");
        await("broadcasts flow again both ways").atMost(WAIT).untilAsserted(() -> {
            d1.emit("after-d", 3);
            n1.emit("after-n", 4);
            assertThat(clients.events("cn1", "after-d")).isNotEmpty();
            assertThat(clients.events("cd1", "after-n")).isNotEmpty();
        });
        List<JsonNode> sockets = d1.fetchSockets(List.of());
        assertThat(sockets).extracting(s -> s.path("data").path("name").asText())
                .containsExactlyInAnyOrder("cd1", "cn1");
        JsonNode replies = d1.serverSideEmitWithAck("sse-ack", "after");
        assertThat(replies.toString()).isEqualTo("[\"pong-from-n1\"]");
    }

    @Test
    void nodeKilledDuringFetchSocketsRequesterTimesOutAsNodeDoes() throws Exception {
        DuplexNode d1 = duplex("d1");
        NodeNode n1 = node("n1");
        NodeNode victim = node("victim");
        ClusterHarness.awaitServers(redis, 3, "/");
        Clients clients = closing(new Clients());
        clients.connect("cd1", d1, "/");
        clients.connect("cn1", n1, "/");
        clients.connect("cv", victim, "/");
        assertThat(d1.fetchSockets(List.of())).hasSize(3);

        // freeze the victim: still subscribed (counted by NUMSUB) but silent; then kill it while the requests wait
        signal("STOP", victim.process.pid());
        CompletableFuture<?> fromDuplex = d1.io.fetchSockets();
        JsonProcess.Pending fromNode = n1.process.callAsync("fetch", "rooms", List.of());
        await().pollDelay(Duration.ofMillis(300)).atMost(WAIT).until(() -> true);
        signal("KILL", victim.process.pid());

        Throwable error = failure(fromDuplex);
        assertThat(error).isInstanceOf(ClusterTimeoutException.class)
                .hasMessageContaining("timeout reached while waiting for fetchSockets response");
        assertThat(((ClusterTimeoutException) error).partial()).hasSize(1); // n1 answered
        JsonNode nodeResult = fromNode.await();
        assertThat(nodeResult.path("error").asText()).contains("timeout reached while waiting for fetchSockets response");
        assertThat(((RedisAdapter) d1.io.of("/").adapter()).pendingRequests()).isZero();

        // once Redis has dropped the dead node's subscriptions, requests complete again
        ClusterHarness.awaitServers(redis, 2, "/");
        assertThat(d1.fetchSockets(List.of())).extracting(s -> s.path("data").path("name").asText())
                .containsExactlyInAnyOrder("cd1", "cn1");
        assertThat(n1.fetchSockets(List.of())).extracting(s -> s.path("data").path("name").asText())
                .containsExactlyInAnyOrder("cd1", "cn1");
    }

    private static void signal(String signal, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    /** Duplex nodes only: in a mixed cluster, a Node node (redis-adapter 8.3.0) stopped delivering after this garbage. */
    @Test
    void badMessagesOnTheChannelsAreIgnored() {
        DuplexNode d1 = duplex("d1");
        DuplexNode d2 = duplex("d2");
        ClusterHarness.awaitServers(redis, 2, "/");
        Clients clients = closing(new Clients());
        clients.connect("cd1", d1, "/", "r1");
        clients.connect("cd2", d2, "/", "r1");
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri());
        try (io.lettuce.core.api.StatefulRedisConnection<byte[], byte[]> pub =
                     client.connect(io.lettuce.core.codec.ByteArrayCodec.INSTANCE)) {
            List<byte[]> garbage = List.of(new byte[0], new byte[] {(byte) 0xc1}, new byte[] {(byte) 0x93, 1},
                    "{not json".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "{\"type\":5}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "{\"type\":7,\"requestId\":\"x\",\"packet\":3}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "{\"type\":2,\"opts\":7,\"rooms\":\"r\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "{\"requestId\":\"x\",\"sockets\":[1,{}]}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    ClassicCodec.msgpack(List.of("u", Map.of("type", 2, "data", List.of()), Map.of())),
                    ClassicCodec.msgpack(List.of("u", Map.of("type", 2, "data", "x", "nsp", "/"), 5)));
            for (String channel : List.of("socket.io#/#", "socket.io#/#r1#", "socket.io-request#/#",
                    "socket.io-response#/#")) {
                for (byte[] g : garbage) {
                    pub.sync().publish(channel.getBytes(java.nio.charset.StandardCharsets.UTF_8), g);
                }
            }
        } finally {
            client.shutdown();
        }
        d2.emit("after-garbage", 1);
        clients.awaitEvent("cd1", "after-garbage");
        clients.awaitEvent("cd2", "after-garbage");
        assertThat(d1.fetchSockets(List.of())).hasSize(2);
    }
}
