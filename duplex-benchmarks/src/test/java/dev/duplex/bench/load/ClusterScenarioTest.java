package dev.duplex.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.bench.servers.DuplexBenchServer;
import dev.duplex.testkit.FreePort;
import dev.duplex.testkit.ManagedProcess;
import dev.duplex.testkit.Node;
import dev.duplex.testkit.RedisServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cluster scenario, tiny, against a Duplex pair (in this process) and a Node pair (the contender script), each
 * on a real redis-server: the broadcasts of senders on both nodes reach the clients of both nodes, through Redis.
 */
class ClusterScenarioTest {
    private static final ClusterScenario.Settings TINY = new ClusterScenario.Settings(60, 2, 20,
            Duration.ofMillis(400), Duration.ZERO, Duration.ofMillis(1500), 3);

    private static Scenarios.Server server(int port, long pid) {
        return new Scenarios.Server() {
            @Override
            public InetSocketAddress address() {
                return new InetSocketAddress("127.0.0.1", port);
            }

            @Override
            public long pid() {
                return pid;
            }

            @Override
            public long heapAfterGc() {
                return -1;
            }
        };
    }

    private static void assertCluster(ClusterScenario.Result r) {
        assertThat(r.notes()).noneMatch(n -> n.contains("ERROR") || n.contains("missing"));
        assertThat(r.deliveries()).isPositive();
        assertThat(r.emits()).isPositive();
        // every delivery of the window's emits arrives, once (the harness waits up to 5 s for late ones)
        assertThat(r.windowEmits()).isPositive();
        assertThat(r.windowDelivered()).isEqualTo(r.windowEmits() * 59);
        assertThat(r.receiversPerEmit()).isEqualTo(59);
        // deliveries on the sender's node and, through Redis, on the other one
        assertThat(r.crossNode()).isPositive().isLessThan(r.deliveries());
        assertThat(r.localP50()).isNotNaN().isPositive();
        assertThat(r.remoteP50()).isNotNaN().isPositive();
        assertThat(r.perCpu()).isPositive();
        assertThat(r.nodeCpu()).hasSize(2);
    }

    @Test
    @SuppressWarnings("try") // the servers run for the try block; the body needs only their ports
    void duplexPairDeliversOnBothNodes() throws Exception {
        try (RedisServer redis = RedisServer.startNew()) {
            int p1 = FreePort.find();
            int p2 = FreePort.find();
            long pid = ProcessHandle.current().pid();
            try (AutoCloseable a = DuplexBenchServer.start(p1, false, redis.uri());
                    AutoCloseable b = DuplexBenchServer.start(p2, false, redis.uri())) {
                ClusterScenario.Result r = ClusterScenario.run(List.of(server(p1, pid), server(p2, pid)), -1, TINY);
                assertCluster(r);
                assertThat(r.redisCpu()).isNaN();
            }
        }
    }

    @Test
    void nodePairDeliversOnBothNodes() {
        Node.require();
        Path script = Path.of("src/main/node/socketio-server.js");
        try (RedisServer redis = RedisServer.startNew()) {
            List<ManagedProcess> nodes = new ArrayList<>();
            try {
                List<Scenarios.Server> servers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    int port = FreePort.find();
                    ManagedProcess p = Node.start(script, Map.of(), Integer.toString(port), "--redis", redis.uri());
                    nodes.add(p);
                    p.awaitPrefix("READY ", Duration.ofSeconds(30));
                    servers.add(server(port, p.pid()));
                }
                assertCluster(ClusterScenario.run(servers, -1, TINY));
            } finally {
                nodes.forEach(ManagedProcess::close);
            }
        }
    }
}
