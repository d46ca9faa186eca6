package dev.duplex.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.bench.servers.BareNettyServer;
import dev.duplex.bench.servers.DuplexBenchServer;
import dev.duplex.testkit.FreePort;
import dev.duplex.testkit.Node;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official socket.io-client (client-load.js in Node, the real npm package) as the load: over WebSocket only
 * against the bare-Netty ceiling (its minimal open packet, {@code 40} answer and acks are enough for the client),
 * and with the client's default transports (polling, then the upgrade) against Duplex.
 */
class OfficialClientLoadTest {
    private static final Scenarios.Settings TINY = new Scenarios.Settings(Duration.ofMillis(200),
            Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofMillis(500), 10, 200,
            10, 20, 100, 5, 3, 500, 10, 50, 100, 2, 200, Duration.ofMillis(300));

    @BeforeAll
    static void node() {
        Path interop = Node.require();
        Scenarios.nodePaths(interop.getParent().resolve("duplex-benchmarks/src/main/node"), interop);
    }

    private static Scenarios.Server at(int port) {
        return new Scenarios.Server() {
            @Override
            public InetSocketAddress address() {
                return new InetSocketAddress("127.0.0.1", port);
            }

            @Override
            public long pid() {
                return ProcessHandle.current().pid();
            }

            @Override
            public long heapAfterGc() {
                return -1;
            }
        };
    }

    @Test
    @SuppressWarnings("try") // the servers run for the try block; the body needs only their ports
    void webSocketOnlyAgainstTheBareCeiling() throws Exception {
        int port = FreePort.find();
        try (AutoCloseable server = BareNettyServer.start(port)) {
            Scenarios.Result r = Scenarios.officialClientWebSocket(at(port), TINY);
            assertThat(r.notes()).noneMatch(n -> n.contains("ERROR") || n.contains("only"));
            assertThat(r.values().get(Metric.SIO_WS_RATE)).isPositive();
            assertThat(r.values().get(Metric.SIO_WS_PER_CPU)).isPositive();
            // warmed up for at least the minimum (the test JVM is the server: it has compiler threads to read)
            assertThat(r.values().get(Metric.SIO_WS_WARMUP)).isGreaterThanOrEqualTo(0.2);
            assertThat(r.values()).containsKey(Metric.SIO_WS_JIT_SHARE);
        }
    }

    @Test
    @SuppressWarnings("try") // the servers run for the try block; the body needs only their ports
    void defaultTransportsUpgradeThenEchoAgainstDuplex() throws Exception {
        int port = FreePort.find();
        try (AutoCloseable server = DuplexBenchServer.start(port, false, null)) {
            Scenarios.Result r = Scenarios.officialClientDefault(at(port), TINY);
            assertThat(r.notes()).noneMatch(n -> n.contains("ERROR") || n.contains("only"));
            assertThat(r.values().get(Metric.SIO_POLL_RATE)).isPositive();
            assertThat(r.values().get(Metric.SIO_POLL_WARMUP)).isGreaterThanOrEqualTo(0.2);
            assertThat(r.values()).containsKey(Metric.SIO_POLL_JIT_SHARE);
        }
    }
}
