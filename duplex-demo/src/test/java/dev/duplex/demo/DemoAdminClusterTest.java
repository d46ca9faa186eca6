package dev.duplex.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.testkit.ManagedProcess;
import dev.duplex.testkit.Node;
import dev.duplex.testkit.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Admin UI across a cluster, as with Node: two demo nodes with {@code --redis --admin} on one real
 * redis-server, the UI (the official socket.io-client, as the UI speaks) logged in to node A, users on node B.
 * All_sockets lists B's sockets (fetchSockets through Redis, with their client id and transport), B's statistics
 * and B's socket events reach the UI on A (broadcasts to the admin namespace through Redis), and the
 * {@code _disconnect} action sent to A disconnects the socket on B (disconnectSockets through Redis).
 */
class DemoAdminClusterTest {
    private static final Path SCRIPTS = Path.of("../duplex-admin-ui/src/test/node");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private DemoServer node(String redisUri) throws Exception {
        DemoServer node = DemoServer.start(DemoOptions.parse("--redis", redisUri, "--host", "127.0.0.1", "--port",
                "0", "--admin", "--admin-password", "cluster-pw"));
        toClose.add(node);
        return node;
    }

    private ManagedProcess driver(DemoServer node) {
        ManagedProcess p = Node.start(SCRIPTS.resolve("admin-driver.js"), Map.of(), "http://127.0.0.1:" + node.port());
        toClose.add(p);
        p.awaitLine("READY"::equals, WAIT);
        return p;
    }

    @Test
    @Timeout(120)
    void theUiOnOneNodeSeesAndActsOnTheOther() throws Exception {
        RedisServer redis = RedisServer.startNew();
        toClose.add(redis);
        DemoServer a = node(redis.uri());
        DemoServer b = node(redis.uri());
        String token = "{\"token\":\"" + DemoOptions.DEFAULT_TOKEN + "\"}";

        ManagedProcess first = driver(b);
        first.send("{\"cmd\":\"user\",\"auth\":" + token + "}");
        String firstId = first.awaitPrefix("USER_CONNECT ", WAIT);
        first.awaitPrefix("USER_TRANSPORT ", WAIT);

        ManagedProcess ui = driver(a);
        Set<Integer> taken = new HashSet<>();
        ui.send("{\"cmd\":\"admin\",\"auth\":{\"username\":\"admin\",\"password\":\"cluster-pw\"}}");
        JsonNode all = event(ui, taken, "all_sockets", x -> true).get(0);
        assertThat(all).anySatisfy(s -> {
            assertThat(s.get("id").asText()).isEqualTo(firstId);
            assertThat(s.get("nsp").asText()).isEqualTo("/");
            assertThat(s.get("clientId").asText()).hasSize(12);
            assertThat(s.get("transport").asText()).isEqualTo("websocket");
            assertThat(s.get("handshake").get("address").asText()).isEqualTo("127.0.0.1");
        });
        // node B's statistics reach the UI on node A: B has the user, A has none in "/"
        event(ui, taken, "server_stats", x -> x.get(0).get("namespaces").toString()
                .contains("{\"name\":\"/\",\"socketsCount\":1}"));
        event(ui, taken, "server_stats", x -> x.get(0).get("namespaces").toString()
                .contains("{\"name\":\"/\",\"socketsCount\":0}"));

        ManagedProcess second = driver(b);
        second.send("{\"cmd\":\"user\",\"auth\":" + token + "}");
        String secondId = second.awaitPrefix("USER_CONNECT ", WAIT);
        event(ui, taken, "socket_connected", x -> x.get(0).get("id").asText().equals(secondId));
        second.send("{\"cmd\":\"user-emit\",\"event\":\"join room\",\"args\":[\"lobby\"]}");
        event(ui, taken, "room_joined", x -> x.get(1).asText().equals("lobby") && x.get(2).asText().equals(secondId));
        event(ui, taken, "event_received", x -> x.get(1).asText().equals(secondId)
                && x.get(2).get(0).asText().equals("join room"));

        ui.send("{\"cmd\":\"admin-emit\",\"event\":\"_disconnect\",\"args\":[\"/\",false,\"" + secondId + "\"]}");
        assertThat(second.awaitPrefix("USER_DISCONNECT ", WAIT)).isEqualTo("io server disconnect");
        JsonNode gone = event(ui, taken, "socket_disconnected", x -> x.get(1).asText().equals(secondId));
        assertThat(gone.get(2).asText()).isEqualTo("server namespace disconnect");
        assertThat(b.io().sockets().sockets()).containsKey(firstId).doesNotContainKey(secondId);
    }

    /** The arguments of the first admin event {@code name} not taken yet that {@code match} accepts. */
    private static JsonNode event(ManagedProcess ui, Set<Integer> taken, String name, Predicate<JsonNode> match)
            throws Exception {
        String prefix = "ADMIN " + name + " ";
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<String> lines = ui.output();
            for (int i = 0; i < lines.size(); i++) {
                if (!taken.contains(i) && lines.get(i).startsWith(prefix)) {
                    JsonNode args = JSON.readTree(lines.get(i).substring(prefix.length()));
                    if (match.test(args)) {
                        taken.add(i);
                        return args;
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + name + " within " + WAIT + "; output:\n" + String.join("\n", lines));
            }
            Thread.sleep(20);
        }
    }
}
