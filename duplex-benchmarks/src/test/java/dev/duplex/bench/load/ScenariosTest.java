package dev.duplex.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.bench.servers.BareNettyServer;
import dev.duplex.testkit.FreePort;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every scenario against the in-process bare-Netty contender, tiny: checks the figures are there and sane. */
class ScenariosTest {
    private static AutoCloseable server;
    private static Scenarios.Server target;
    private static final Scenarios.Settings TINY = new Scenarios.Settings(Duration.ofMillis(200),
            Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofMillis(500), 10, 200, 10, 20, 100, 5, 3,
            500, 10, 50, 100, 2, 200, Duration.ofMillis(300));

    @BeforeAll
    static void start() {
        int port = FreePort.find();
        server = BareNettyServer.start(port);
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
    void echo() {
        Scenarios.Result r = Scenarios.echo(target, TINY);
        assertThat(r.notes()).noneMatch(n -> n.contains("ERROR"));
        assertThat(r.values().get(Metric.ECHO_RATE)).isPositive();
        // measured (in a cold test JVM it is mostly the interpreter's garbage: no bound here)
        assertThat(r.values().get(Metric.ECHO_GEN_ALLOC)).isPositive();
        assertThat(r.values().get(Metric.ECHO_P50)).isPositive()
                .isLessThanOrEqualTo(r.values().get(Metric.ECHO_P99));
    }

    @Test
    void fixedRate() {
        Scenarios.Result r = Scenarios.fixedRate(target, TINY);
        assertThat(r.notes()).noneMatch(n -> n.contains("ERROR"));
        assertThat(r.values().get(Metric.FIXED_RATE)).isPositive();
        assertThat(r.values().get(Metric.FIXED_WARMUP)).isGreaterThanOrEqualTo(0.2);
    }

    @Test
    void broadcastReachesEveryoneButTheSender() {
        Scenarios.Result r = Scenarios.broadcast(target, TINY);
        assertThat(r.notes()).noneMatch(n -> n.contains("ERROR"));
        assertThat(r.values().get(Metric.BCAST_RATE)).isPositive();
    }

    @Test
    void idleConnectionsStayConnected() {
        Scenarios.Result r = Scenarios.idle(target, TINY);
        assertThat(r.notes()).noneMatch(n -> n.contains("ERROR"));
        assertThat(r.values()).containsKey(Metric.IDLE_RSS_PER_CONN).doesNotContainKey(Metric.IDLE_HEAP_PER_CONN);
    }

    @Test
    void broadcastAtAFixedRateCostsCpuPerDelivery() {
        Scenarios.Result r = Scenarios.broadcast(target, TINY);
        // 10 broadcasts/s to a room of 20: about 200 deliveries/s (loosely: a stall and its catch-up can fall in
        // the short window), each with a CPU cost
        assertThat(r.values().get(Metric.COST_BCAST_RATE)).isBetween(40.0, 600.0);
        assertThat(r.values().get(Metric.COST_BCAST_US)).isPositive();
        // both windows warmed up for at least their minimum, with the JIT share of each window beside
        assertThat(r.values().get(Metric.BCAST_WARMUP)).isGreaterThanOrEqualTo(0.1);
        assertThat(r.values().get(Metric.COST_BCAST_WARMUP)).isGreaterThanOrEqualTo(0.1);
        assertThat(r.values()).containsKeys(Metric.BCAST_JIT_SHARE, Metric.COST_BCAST_JIT_SHARE);
    }

    @Test
    void echoAtAFixedRateCostsCpuPerMessage() {
        Scenarios.Result r = Scenarios.costEcho(target, TINY);
        assertThat(r.notes()).noneMatch(n -> n.contains("ERROR"));
        assertThat(r.values().get(Metric.COST_ECHO_RATE)).isBetween(100.0, 1500.0);
        assertThat(r.values().get(Metric.COST_ECHO_US)).isPositive();
        assertThat(r.values().get(Metric.COST_ECHO_P99)).isPositive();
        assertThat(r.values().get(Metric.COST_ECHO_WARMUP)).isGreaterThanOrEqualTo(0.2);
        assertThat(r.values()).containsKey(Metric.COST_ECHO_JIT_SHARE);
        assertThat(r.values().get(Metric.COST_ECHO_SYS_US)).isNotNegative();
    }

    @Test
    void theKernelsTimeIsPartOfTheProcesssTime() throws Exception {
        long pid = ProcessHandle.current().pid();
        long sys0 = ProcStat.systemTicks(pid);
        // system calls until the kernel's clock has charged this process at least two ticks of stime
        java.nio.file.Path f = java.nio.file.Files.createTempFile("stime", ".txt");
        try {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (ProcStat.systemTicks(pid) < sys0 + 2 && System.nanoTime() < deadline) {
                for (int i = 0; i < 200; i++) {
                    java.nio.file.Files.writeString(f, "x");
                }
            }
        } finally {
            java.nio.file.Files.delete(f);
        }
        long sys = ProcStat.systemTicks(pid);
        assertThat(sys).isGreaterThanOrEqualTo(sys0 + 2).isLessThanOrEqualTo(ProcStat.cpuTicks(pid));
    }

    @Test
    void handshakesEarlyAfterTheirWarmUp() {
        Scenarios.Result r = Scenarios.handshakesEarly(target, TINY);
        assertThat(r.notes()).noneMatch(n -> n.contains("ERROR"));
        assertThat(r.values().get(Metric.HS1K_RATE)).isPositive();
        assertThat(r.values().get(Metric.HS1K_PER_CPU)).isPositive();
        // early on purpose: no wait for the JIT, no warm-up figures
        assertThat(r.values()).doesNotContainKeys(Metric.HS_WARMUP_CONNS, Metric.HS_WARMUP);
    }

    @Test
    void onlyAProcessWithCompilerThreadsHasACompilerToWaitFor() throws Exception {
        assertThat(ProcStat.compilerNanosOrNone(ProcessHandle.current().pid())).isNotNegative();
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            // like Node: no C1/C2 compiler threads, so the warm-up stops at its minimum
            assertThat(ProcStat.compilerNanosOrNone(sleeper.pid())).isEqualTo(-1);
            assertThat(ProcStat.compilerNanos(sleeper.pid())).isZero();
        } finally {
            sleeper.destroy();
            sleeper.waitFor();
        }
    }

    @Test
    void theBareCeilingHasNoPolling() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Scenarios.pollingEcho(target, TINY))
                .hasMessageContaining("polling");
    }

    @Test
    void handshakes() {
        Scenarios.prime(target, TINY);
        Scenarios.Result r = Scenarios.handshakes(target, TINY);
        assertThat(r.notes()).noneMatch(n -> n.contains("ERROR"));
        assertThat(r.values().get(Metric.HS_RATE)).isPositive();
        // at least the long warm-up's minimum of connections (100 here) before the window
        assertThat(r.values().get(Metric.HS_WARMUP_CONNS)).isGreaterThanOrEqualTo(100.0);
        assertThat(r.values().get(Metric.HS_WARMUP)).isPositive();
    }
}
