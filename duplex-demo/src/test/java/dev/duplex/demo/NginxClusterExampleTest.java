package dev.duplex.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.duplex.client.IO;
import dev.duplex.client.IoOptions;
import dev.duplex.client.Socket;
import dev.duplex.testkit.ExternalProgram;
import dev.duplex.testkit.FreePort;
import dev.duplex.testkit.ManagedProcess;
import dev.duplex.testkit.Node;
import dev.duplex.testkit.RedisServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's cluster example works as written: two demo nodes with {@code --redis}, and nginx with
 * {@code docs/cluster/nginx.conf} (only its ports changed to free ones) in front. Long-polling clients keep their
 * session through nginx (sticky), WebSocket upgrades pass, and chat reaches a client of the other node.
 */
class NginxClusterExampleTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stop() {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    private static Socket client(int port, String transport, List<String> seen) {
        Socket s = IO.socket("http://127.0.0.1:" + port, IoOptions.builder()
                .auth(Map.of("token", DemoOptions.DEFAULT_TOKEN)).transports(transport.split(",")).build());
        s.on("chat message", args -> seen.add(String.valueOf(args[0])));
        s.connect();
        return s;
    }

    @Test
    void twoDemoNodesBehindTheDocumentedNginxConfig(@TempDir Path dir) throws Exception {
        ExternalProgram.require("nginx", "-v", "the README's load balancer example is an nginx configuration");
        RedisServer redis = RedisServer.startNew();
        toClose.add(redis);
        List<DemoServer> nodes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            DemoServer node = DemoServer.start(DemoOptions.parse("--redis", redis.uri(), "--host", "127.0.0.1",
                    "--port", "0"));
            toClose.add(node);
            nodes.add(node);
        }
        int front = FreePort.find();
        String conf = Files.readString(Node.interopDir().getParent().resolve("docs/cluster/nginx.conf"))
                .replace("listen 8000;", "listen 127.0.0.1:" + front + ";")
                .replace("server 127.0.0.1:8080;", "server 127.0.0.1:" + nodes.get(0).port() + ";")
                .replace("server 127.0.0.1:8081;", "server 127.0.0.1:" + nodes.get(1).port() + ";")
                .replace("pid /tmp/duplex-cluster-nginx.pid;", "pid " + dir.resolve("nginx.pid") + ";");
        Files.writeString(dir.resolve("nginx.conf"), conf);
        ManagedProcess nginx = ManagedProcess.start(List.of("nginx", "-p", dir.toString(), "-c",
                dir.resolve("nginx.conf").toString(), "-g", "daemon off;"), dir, Map.of());
        toClose.add(nginx);
        await("nginx listening").atMost(Duration.ofSeconds(20)).until(() -> {
            try (java.net.Socket probe = new java.net.Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", front), 500);
                return true;
            } catch (java.io.IOException e) {
                return false;
            }
        });

        // a client of each node directly, and clients through nginx: long-polling only, and polling + upgrade
        List<String> direct0 = new CopyOnWriteArrayList<>();
        List<String> direct1 = new CopyOnWriteArrayList<>();
        List<String> viaPolling = new CopyOnWriteArrayList<>();
        List<String> viaUpgrade = new CopyOnWriteArrayList<>();
        Socket d0 = client(nodes.get(0).port(), "websocket", direct0);
        Socket d1 = client(nodes.get(1).port(), "websocket", direct1);
        Socket polling = client(front, "polling", viaPolling);
        Socket upgrade = client(front, "polling,websocket", viaUpgrade);
        for (Socket s : List.of(d0, d1, polling, upgrade)) {
            toClose.add(s::close);
        }
        await("connected").atMost(Duration.ofSeconds(20))
                .until(() -> d0.connected() && d1.connected() && polling.connected() && upgrade.connected());
        await("upgraded through nginx").atMost(Duration.ofSeconds(20))
                .until(() -> "websocket".equals(upgrade.io().transport()));

        // several round trips over long-polling: each request must reach the node holding the session
        for (int i = 0; i < 5; i++) {
            assertThat(polling.emitWithAck("chat message", Map.of("text", "poll " + i)).get().get(0)
                    .path("ok").asBoolean()).isTrue();
        }
        assertThat(upgrade.emitWithAck("chat message", Map.of("text", "over ws")).get().get(0)
                .path("ok").asBoolean()).isTrue();
        for (List<String> seen : List.of(direct0, direct1, viaPolling, viaUpgrade)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.stream().anyMatch(m -> m.contains("poll 4"))
                    && seen.stream().anyMatch(m -> m.contains("over ws")));
        }
        assertThat(polling.connected()).isTrue();
    }
}
