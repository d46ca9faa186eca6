package dev.duplex.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One server under comparison and how to start it. JVM contenders share one command line (same flags, same
 * classpath) and differ only in their main class and options.
 */
record Contender(String id, String name, boolean jvm, String mainOrScript, List<String> options) {
    /**
     * The scenarios a contender is limited to, by id (the others run them all): Duplex with its handlers on the
     * pool runs only those that show the hand-off to the pool (the tail at a fixed rate, the cost per message below
     * saturation, the official client's closed loop), to keep the full run bounded; with {@code --scenarios} it
     * runs those named.
     */
    static final Map<String, List<String>> LIMITED = Map.of("duplex-pool", List.of("fixed-rate", "cost-echo",
            "client-ws"));

    /** The reference every ratio is computed against. */
    static final String REFERENCE = "node";

    /** The JVM flags every JVM contender gets (see /work/shared/notes/benchmarks.md). */
    static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-Xms256m", "-Xmx1g",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dio.netty.eventLoopThreads=1");

    static List<Contender> all() {
        return List.of(
                new Contender("node", "Node socket.io 4.8", false, "socketio-server.js", List.of()),
                new Contender("netty-socketio", "netty-socketio 2.0.14", true,
                        "dev.duplex.bench.servers.NettySocketIoServer", List.of()),
                new Contender("bare", "bare Netty (ceiling)", true, "dev.duplex.bench.servers.BareNettyServer",
                        List.of()),
                new Contender("duplex", "Duplex", true, "dev.duplex.bench.servers.DuplexBenchServer", List.of()),
                // the default, HandlerMode.AUTO, runs the handlers on the event loop on the one CPU it is pinned to;
                // this one keeps them on the pool (the default before, and on servers with several CPUs)
                new Contender("duplex-pool", "Duplex (handlers on the pool)", true,
                        "dev.duplex.bench.servers.DuplexBenchServer", List.of("--handlers-on-pool")));
    }

    /** Whether this contender runs {@code scenario} when no {@code --scenarios} subset was asked for. */
    boolean runsByDefault(String scenario) {
        List<String> limited = LIMITED.get(id);
        return limited == null || limited.contains(scenario);
    }

    /** The command line, pinned with {@code taskset} to {@code cpu} when it is not null. */
    List<String> command(String cpu, int port, String classpath, Path nodeScripts, List<String> extraJvmFlags) {
        List<String> cmd = new ArrayList<>();
        if (cpu != null) {
            cmd.addAll(List.of("taskset", "-c", cpu));
        }
        if (jvm) {
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(JVM_FLAGS);
            cmd.addAll(extraJvmFlags);
            cmd.addAll(List.of("-cp", classpath, mainOrScript));
        } else {
            cmd.addAll(List.of("node", "--expose-gc", nodeScripts.resolve(mainOrScript).toString()));
        }
        cmd.add(Integer.toString(port));
        cmd.addAll(options);
        return cmd;
    }

    /** Environment additions: Node resolves socket.io from interop/node_modules. */
    Map<String, String> env(Path interop) {
        return jvm ? Map.of() : Map.of("NODE_PATH", interop.resolve("node_modules").toString());
    }
}
