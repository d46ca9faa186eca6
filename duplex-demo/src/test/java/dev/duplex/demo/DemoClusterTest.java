package dev.duplex.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.client.IO;
import dev.duplex.client.IoOptions;
import dev.duplex.client.Socket;
import dev.duplex.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two demo nodes started with {@code --redis} on one real redis-server: chat, rooms and monitoring span both. */
class DemoClusterTest {
    private RedisServer redis;
    private DemoServer a;
    private DemoServer b;
    private Socket ca;
    private Socket cb;

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {() -> close(ca), () -> close(cb), a, b, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    private static void close(Socket s) {
        if (s != null) {
            s.close();
        }
    }

    private static DemoServer node(String redisUri) throws Exception {
        return DemoServer.start(DemoOptions.parse("--redis", redisUri, "--host", "127.0.0.1", "--port", "0",
                "--stats-interval", "200"));
    }

    private static Socket client(DemoServer node, List<String> seen) {
        Socket s = IO.socket("http://127.0.0.1:" + node.port(), IoOptions.builder()
                .auth(Map.of("token", DemoOptions.DEFAULT_TOKEN)).transports(IoOptions.WEBSOCKET).build());
        for (String event : List.of("user joined", "chat message", "room notice")) {
            s.on(event, args -> seen.add(event + " " + args[0]));
        }
        s.on("stats", args -> seen.add("stats " + args[0]));
        s.connect();
        return s;
    }

    @Test
    void chatRoomsAndMonitoringSpanTwoNodes() throws Exception {
        redis = RedisServer.startNew();
        a = node(redis.uri());
        b = node(redis.uri());
        List<String> seenA = new CopyOnWriteArrayList<>();
        List<String> seenB = new CopyOnWriteArrayList<>();
        ca = client(a, seenA);
        cb = client(b, seenB);
        await().atMost(Duration.ofSeconds(20)).until(() -> ca.connected() && cb.connected());

        // monitoring: each node pushes its own numbers with the cluster's total
        await("cluster totals").atMost(Duration.ofSeconds(20)).until(() -> seenB.stream()
                .anyMatch(s -> s.startsWith("stats ") && s.contains("\"clients\":2") && s.contains("\"nodes\":2")
                        && s.contains("\"nodeClients\":1")));

        ca.emitWithAck("join", Map.of("nickname", "ana")).get();
        await().atMost(Duration.ofSeconds(20)).until(() -> seenB.stream()
                .anyMatch(s -> s.startsWith("user joined") && s.contains("ana")));
        ca.emitWithAck("chat message", Map.of("text", "hello from node A")).get();
        await().atMost(Duration.ofSeconds(20)).until(() -> seenB.stream()
                .anyMatch(s -> s.startsWith("chat message") && s.contains("hello from node A")));

        JsonNode joined = cb.emitWithAck("join room", "lobby").get().get(0);
        assertThat(joined.path("ok").asBoolean()).isTrue();
        ca.emitWithAck("join room", "lobby").get();
        await().atMost(Duration.ofSeconds(20)).until(() -> seenB.stream()
                .anyMatch(s -> s.startsWith("room notice") && s.contains("joined #lobby")));
        JsonNode sent = ca.emitWithAck("chat message", Map.of("text", "in the lobby", "room", "lobby")).get().get(0);
        assertThat(sent.path("ok").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(20)).until(() -> seenB.stream()
                .anyMatch(s -> s.startsWith("chat message") && s.contains("in the lobby")));
    }

    @Test
    void redisOptionIsParsedAndChecked() throws Exception {
        assertThat(DemoOptions.parse("--redis", "redis://127.0.0.1:6379").redis()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(DemoOptions.parse().redis()).isNull();
        assertThatThrownBy(() -> DemoOptions.parse("--redis", "127.0.0.1:6379"))
                .isInstanceOf(DemoOptions.UsageException.class).hasMessageContaining("redis://");
        assertThat(DemoOptions.usage()).contains("--redis", "redis://127.0.0.1:6379");
    }
}
