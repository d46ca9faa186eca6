package dev.duplex.bench;

import dev.duplex.bench.load.ClusterScenario;
import dev.duplex.bench.load.Scenarios;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster scenario of issue #12 ({@code bin/bench --cluster}): per run, a Node socket.io pair
 * ({@code @socket.io/redis-adapter} 8.3) and a Duplex pair ({@code RedisAdapterFactory}), each on a fresh
 * {@code redis-server}, in turn (the order alternates run by run); both nodes of a pair pinned to the server CPU like
 * every contender, Redis on the generator's CPU (it inherits the harness's affinity). {@link ClusterScenario}
 * measures; {@link ClusterReport} writes the section of {@code docs/benchmarks.md}, leaving the rest of the report
 * as it is.
 */
final class ClusterBench {
    /** The two kinds of pair. */
    static final List<String> KINDS = List.of(Contender.REFERENCE, "duplex");

    private ClusterBench() {
    }

    static void run(BenchOptions opts, Path root, Path out, String classpath, String cpu, Instant started,
            List<String> shownArgs) throws IOException {
        Path interop = root.resolve("interop");
        Path nodeScripts = root.resolve("duplex-benchmarks/src/main/node");
        int runs = opts.runs != null ? opts.runs : opts.quick ? 1 : 2;
        ClusterScenario.Settings settings = opts.quick ? ClusterScenario.Settings.quick(opts.clusterRate)
                : ClusterScenario.Settings.standard(opts.clusterRate);
        if (!Bench.onPath("redis-server")) {
            throw new IllegalStateException("the cluster scenario needs redis-server (Debian package redis-server)");
        }
        Map<String, Contender> contenders = new LinkedHashMap<>();
        for (Contender c : Contender.all()) {
            if (KINDS.contains(c.id())) {
                contenders.put(c.id(), c);
            }
        }
        String load0 = ClusterReport.loadAverage();
        Map<String, List<ClusterScenario.Result>> results = new LinkedHashMap<>();
        KINDS.forEach(k -> results.put(k, new ArrayList<>()));
        List<String> failures = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            for (int k = 0; k < KINDS.size(); k++) {
                Contender c = contenders.get(KINDS.get((k + run) % KINDS.size()));
                double elapsed = Duration.between(started, Instant.now()).toMillis() / 1000.0;
                System.out.printf("[%3.0f s] [run %d] cluster of two %s nodes%n", elapsed, run + 1, c.name());
                try {
                    ClusterScenario.Result r = pair(c, cpu, classpath, interop, nodeScripts, settings);
                    results.get(c.id()).add(r);
                    System.out.printf("  %,.0f deliveries/s, %,.0f deliveries per server CPU-second (nodes %.2f + "
                            + "%.2f CPU-s, Redis %.2f), p50 %.2f ms, p99 %.2f ms%n", r.deliveries() / r.seconds(),
                            r.perCpu(), r.nodeCpu()[0], r.nodeCpu()[1], r.redisCpu(), r.p50(), r.p99());
                    r.notes().forEach(n -> System.out.println("    note: " + n));
                } catch (RuntimeException e) {
                    failures.add("run " + (run + 1) + ", " + c.name() + ": " + e.getMessage());
                    System.out.println("  FAILED: " + e.getMessage());
                }
            }
        }
        String load1 = ClusterReport.loadAverage();
        Duration took = Duration.between(started, Instant.now());
        String command = "bin/bench" + (shownArgs.isEmpty() ? "" : " " + String.join(" ", shownArgs));
        String section = new ClusterReport(contenders, results, failures, settings, runs, cpu, load0, load1, took,
                command).section();
        Files.createDirectories(out);
        Path md = out.resolve("benchmarks.md");
        String old = Files.isRegularFile(md) ? Files.readString(md) : "";
        Files.writeString(md, ClusterReport.splice(old, section));
        System.out.println("wrote the cluster section of " + md + " in " + took.toSeconds() + " s");
    }

    /** One pair on a fresh Redis: starts Redis and both nodes, runs the scenario, stops them all. */
    private static ClusterScenario.Result pair(Contender kind, String cpu, String classpath, Path interop,
            Path nodeScripts, ClusterScenario.Settings settings) {
        List<ServerProcess> started = new ArrayList<>();
        try {
            int redisPort = Bench.freePort();
            ServerProcess redis = ServerProcess.start("redis-server", List.of("redis-server", "--port",
                    Integer.toString(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                    "--protected-mode", "no"), null, Map.of(), redisPort, Duration.ofSeconds(20),
                    "Ready to accept connections");
            Bench.track(redis);
            started.add(redis);
            Contender member = new Contender(kind.id(), kind.name(), kind.jvm(), kind.mainOrScript(),
                    List.of("--redis", "redis://127.0.0.1:" + redisPort));
            List<Scenarios.Server> nodes = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                int port = Bench.freePort();
                ServerProcess node = ServerProcess.start(kind.id() + "-node" + (i + 1),
                        member.command(cpu, port, classpath, nodeScripts, List.of()), interop, member.env(interop),
                        port, Duration.ofSeconds(30));
                Bench.track(node);
                started.add(node);
                nodes.add(node);
            }
            for (Scenarios.Server node : nodes) {
                Scenarios.prime(node, Scenarios.Settings.quick());
            }
            ClusterScenario.Result r = ClusterScenario.run(nodes, redis.pid(), settings);
            for (ServerProcess p : started) {
                if (!p.isAlive()) {
                    r.notes().add("a process died during the run; last output: "
                            + String.join(" | ", p.lastOutput()));
                }
            }
            return r;
        } finally {
            for (ServerProcess p : started) {
                p.close();
                Bench.untrack(p);
            }
        }
    }
}
