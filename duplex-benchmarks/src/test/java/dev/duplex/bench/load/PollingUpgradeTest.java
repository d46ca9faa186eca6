package dev.duplex.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.bench.servers.DuplexBenchServer;
import dev.duplex.testkit.FreePort;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The raw generator connects the way the official client does by default (polling handshake, {@code 40} over
 * polling, a pending poll, then the WebSocket upgrade with {@code 2probe}/{@code 3probe}/{@code 5}) against the
 * in-process Duplex contender, then echoes over WebSocket.
 */
class PollingUpgradeTest {
    private static AutoCloseable server;
    private static Scenarios.Server target;
    private static final Scenarios.Settings TINY = new Scenarios.Settings(Duration.ofMillis(200),
            Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofMillis(500), 10, 200,
            10, 20, 100, 5, 3, 500, 10, 50, 100, 2, 200, Duration.ofMillis(300));

    @BeforeAll
    static void start() {
        int port = FreePort.find();
        server = DuplexBenchServer.start(port, false, null);
        target = new Scenarios.Server() {
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

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void echoAfterThePollingHandshakeAndTheUpgrade() {
        Scenarios.Result r = Scenarios.pollingEcho(target, TINY);
        assertThat(r.notes()).noneMatch(n -> n.contains("ERROR"));
        assertThat(r.values().get(Metric.POLL_ECHO_RATE)).isBetween(100.0, 1500.0);
        assertThat(r.values().get(Metric.POLL_ECHO_US)).isPositive();
        assertThat(r.values().get(Metric.POLL_ECHO_WARMUP)).isGreaterThanOrEqualTo(0.2);
        // the direct set of the same process, and the paired ratio of the alternating windows
        assertThat(r.values().get(Metric.POLL_ECHO_DIRECT_US)).isPositive();
        assertThat(r.values().get(Metric.POLL_ECHO_PAIRED)).isPositive();
        assertThat(r.values()).containsKeys(Metric.POLL_ECHO_JIT_SHARE, Metric.POLL_ECHO_DIRECT_JIT_SHARE);
        // the upgrade's leftovers were gone before the windows: every pending poll ended, and the handshakes' HTTP
        // connections closed, so that the server held only the two sets' WebSockets
        assertThat(r.notes()).noneMatch(n -> n.contains("pending polls had ended"));
        assertThat(r.values().get(Metric.POLL_ECHO_LEFTOVERS)).isLessThan(15.0);
        // only one set sent in each window: no ack of the other set arrived in it
        assertThat(r.notes()).noneMatch(n -> n.contains("acks of the set not sending"));
    }

    @Test
    void theUpgradeEndsThePendingPolls() {
        PollingHandshake h = new PollingHandshake(target.address());
        try (LoadGenerator gen = new LoadGenerator(target.address(), 2)) {
            EchoLoad load = new EchoLoad(gen, true, 0);
            load.upgradeSids = new java.util.ArrayDeque<>(h.open(5, 5, 20));
            try {
                load.connectAll(5, 5, 20);
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (h.pendingPollsEnded() < 5 && System.nanoTime() < deadline) {
                    Scenarios.sleep(Duration.ofMillis(20));
                }
                assertThat(h.pendingPollsEnded()).isEqualTo(5);
            } finally {
                load.closeAll();
                h.close();
            }
        }
    }
}
