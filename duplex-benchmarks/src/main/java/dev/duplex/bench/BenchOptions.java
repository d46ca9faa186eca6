package dev.duplex.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of {@link Bench} ({@code bin/bench}), parsed by picocli. */
@Command(name = "bin/bench", mixinStandardHelpOptions = true, sortOptions = false, version = "Duplex benchmarks",
        description = "Duplex, Node socket.io, netty-socketio and a bare-Netty ceiling side by side; writes "
                + "docs/benchmarks.md and its chart.")
final class BenchOptions {
    @Option(names = "--quick", description = "1 run, short windows, 2,000 idle connections")
    boolean quick;

    @Option(names = "--runs", paramLabel = "N", description = "runs per contender (default 3, 1 with --quick)")
    Integer runs;

    @Option(names = "--only", split = ",", paramLabel = "ID", description = "only these contenders (and Node): netty-socketio, bare, duplex, duplex-pool (handlers on the "
            + "pool; only fixed-rate, cost-echo and client-ws unless --scenarios names others)")
    List<String> only;

    @Option(names = "--out", paramLabel = "DIR", description = "where the report goes (default docs/)")
    Path out;

    @Option(names = "--server-cpu", paramLabel = "N", defaultValue = "1",
            description = "the CPU the servers are pinned to, or none (default ${DEFAULT-VALUE})")
    String serverCpu;

    @Option(names = "--budget-minutes", paramLabel = "B", description = "no new server process past B minutes "
            + "after bin/bench started (default 42, 6 with --quick)")
    Double budgetMinutes;

    @Option(names = "--max-minutes", paramLabel = "M", description = "hard stop (default 50, 8 with --quick)")
    Integer maxMinutes;

    @Option(names = "--scenarios", split = ",", paramLabel = "NAME",
            description = "a subset of handshakes-early,echo,fixed-rate,cost-echo,polling-echo,broadcast,idle,"
                    + "handshakes,client-ws,client-default")
    List<String> scenarios;

    @Option(names = "--cluster", description = "only the cluster scenario (issue #12): a Duplex pair and a Node pair "
            + "on one Redis each, 1,000 clients in one room; writes its section of docs/benchmarks.md (~1.5 min)")
    boolean cluster;

    @Option(names = "--cluster-rate", paramLabel = "N", defaultValue = "50",
            description = "broadcasts per second of the cluster scenario, from all senders (default ${DEFAULT-VALUE})")
    double clusterRate;

    @Option(names = "--scale", description = "only the scale scenario (issue #19): 100,000 concurrent WebSocket "
            + "connections per contender, default heartbeat, a broadcast to all every 10 s; writes its section of "
            + "docs/benchmarks.md (~6 min)")
    boolean scale;

    @Option(names = "--scale-connections", paramLabel = "N", defaultValue = "100000",
            description = "connections of the scale scenario (default ${DEFAULT-VALUE}; capped by RLIMIT_NOFILE)")
    int scaleConnections;

    @Option(names = "--scale-hold", paramLabel = "S", defaultValue = "60",
            description = "seconds the scale scenario holds the connections (default ${DEFAULT-VALUE})")
    int scaleHoldSeconds;

    @Option(names = "--profile", paramLabel = "DIR", description = "JVM contenders record JFR files here")
    Path profile;

    @Option(names = "--jvm-flag", paramLabel = "FLAG", description = "one more flag for the JVM contenders "
            + "(repeatable), e.g. -XX:+PreserveFramePointer for perf; the figures of such a run are not comparable")
    List<String> jvmFlags = new ArrayList<>();

    @Option(names = "--root", paramLabel = "DIR", defaultValue = ".", description = "the repository (set by bin/bench)")
    Path root;

    @Option(names = "--classpath", paramLabel = "CP", description = "the class path (set by bin/bench)")
    String classpath;

    @Option(names = "--started-at", paramLabel = "MILLIS", description = "when bin/bench started (set by bin/bench)")
    Long startedAt;

    int runs() {
        return runs != null ? runs : quick ? 1 : 3;
    }

    int maxMinutes() {
        return maxMinutes != null ? maxMinutes : quick ? 8 : 50;
    }

    double budgetMinutes() {
        return budgetMinutes != null ? budgetMinutes : quick ? 6 : 42;
    }
}
