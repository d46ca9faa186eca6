package dev.duplex.bench;

import dev.duplex.bench.load.Metric;
import dev.duplex.bench.load.Scenarios;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * The side-by-side comparison (run it with {@code bin/bench}): for every run, every contender in turn (the order
 * rotates run by run) is started as a fresh process pinned to one CPU, put through the scenarios by the
 * raw-frame generator running in this process (pinned to the other CPU by {@code bin/bench}), and killed. The
 * medians, min-max and same-run ratios against Node socket.io go to {@code docs/benchmarks.md} with a chart.
 *
 * <p>Options ({@link BenchOptions}, {@code bin/bench --help}): {@code --quick} (1 run, short windows, 2,000 idle connections), {@code --runs N},
 * {@code --only id,id}, {@code --out DIR}, {@code --server-cpu N} ({@code none} to not pin),
 * {@code --budget-minutes B} (no new server process is started when it would end past B minutes after
 * {@code bin/bench} started, its build included; default 42, 6 with --quick), {@code --max-minutes M} (hard stop),
 * {@code --scenarios handshakes-early,echo,...} (a subset, e.g. for profiling; see {@link BenchOptions}),
 * {@code --profile DIR} (JVM contenders record JFR files there; the figures of such a run are not comparable),
 * {@code --started-at MILLIS} (set by bin/bench), {@code --cluster} (only the cluster scenario of issue #12,
 * {@link ClusterBench}; it rewrites only its own section of the report, which a full run keeps),
 * {@code --cluster-rate N}, {@code --scale} (only the scale scenario of issue #19, {@link ScaleBench}; its own
 * section too), {@code --scale-connections N}, {@code --scale-hold S}.
 */
public final class Bench {
    private static final List<ServerProcess> RUNNING = new ArrayList<>();
    private static Path profileDir;
    private static List<String> extraJvmFlags = List.of();

    private Bench() {
    }

    /** One scenario: its name, how to run it, and the contenders it does not apply to. */
    private record Step(String name, BiFunction<Scenarios.Server, Scenarios.Settings, Scenarios.Result> run,
                        List<String> notFor) {
        Step(String name, BiFunction<Scenarios.Server, Scenarios.Settings, Scenarios.Result> run) {
            this(name, run, List.of());
        }
    }

    /**
     * In this order in every server process: set-up cost first, while the process is fresh (after 1,000 warm-up
     * connections), the long warm-up's handshakes last (after the idle scenario's connections); the bare-Netty
     * ceiling has no polling.
     */
    private static final List<Step> STEPS = List.of(
            new Step("handshakes-early", Scenarios::handshakesEarly),
            new Step("echo", Scenarios::echo),
            new Step("fixed-rate", Scenarios::fixedRate),
            new Step("cost-echo", Scenarios::costEcho),
            new Step("polling-echo", Scenarios::pollingEcho, List.of("bare")),
            new Step("broadcast", Scenarios::broadcast),
            new Step("idle", Scenarios::idle),
            new Step("handshakes", Scenarios::handshakes),
            new Step("client-ws", Scenarios::officialClientWebSocket),
            new Step("client-default", Scenarios::officialClientDefault, List.of("bare")));

    private static List<Step> steps = STEPS;
    /** Whether {@code --scenarios} named a subset (then every contender runs it). */
    private static boolean subset;

    public static void main(String[] args) throws Exception {
        BenchOptions opts = new BenchOptions();
        picocli.CommandLine cli = new picocli.CommandLine(opts);
        try {
            cli.parseArgs(args);
        } catch (picocli.CommandLine.ParameterException e) {
            System.err.println("bench: " + e.getMessage());
            cli.usage(System.err);
            System.exit(2);
        }
        if (cli.isUsageHelpRequested()) {
            cli.usage(System.out);
            return;
        }
        boolean quick = opts.quick;
        int runs = opts.runs();
        Path root = opts.root.toAbsolutePath().normalize();
        Path out = opts.out != null ? opts.out : root.resolve("docs");
        String classpath = opts.classpath != null ? opts.classpath : System.getProperty("java.class.path");
        Path interop = root.resolve("interop");
        Path nodeScripts = root.resolve("duplex-benchmarks/src/main/node");
        Scenarios.nodePaths(nodeScripts, interop);
        int maxMinutes = opts.maxMinutes();
        Scenarios.Settings settings = quick ? Scenarios.Settings.quick() : Scenarios.Settings.full();
        if (opts.scenarios != null) {
            List<String> names = opts.scenarios;
            steps = STEPS.stream().filter(st -> names.contains(st.name())).toList();
            subset = true;
            if (steps.isEmpty()) {
                throw new IllegalArgumentException("no such scenario in " + names + "; known: "
                        + STEPS.stream().map(Step::name).toList());
            }
        }
        extraJvmFlags = List.copyOf(opts.jvmFlags);
        if (opts.profile != null) {
            profileDir = opts.profile.toAbsolutePath();
            Files.createDirectories(profileDir);
        }

        String cpu = opts.serverCpu;
        if (cpu.equals("none") || Machine.cpus() < 2
                || !new java.io.File("/usr/bin/taskset").canExecute() && !onPath("taskset")) {
            System.out.println("note: the servers are not pinned (no taskset or --server-cpu none)");
            cpu = null;
        }

        if (opts.cluster) {
            startWatchdog(maxMinutes);
            Runtime.getRuntime().addShutdownHook(new Thread(Bench::killAll));
            Instant started = opts.startedAt != null ? Instant.ofEpochMilli(opts.startedAt) : Instant.now();
            ClusterBench.run(opts, root, out, classpath, cpu, started, shownArgs(args));
            System.exit(0);
        }

        if (opts.scale) {
            startWatchdog(maxMinutes);
            Runtime.getRuntime().addShutdownHook(new Thread(Bench::killAll));
            Instant started = opts.startedAt != null ? Instant.ofEpochMilli(opts.startedAt) : Instant.now();
            ScaleBench.run(opts, root, out, classpath, cpu, started, shownArgs(args));
            System.exit(0);
        }

        List<Contender> contenders = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> only = opts.only;
        if (only != null) {
            List<String> known = Contender.all().stream().map(Contender::id).toList();
            for (String id : only) {
                if (!known.contains(id)) {
                    throw new IllegalArgumentException("unknown contender '" + id + "'; known: " + known);
                }
            }
        }
        for (Contender c : Contender.all()) {
            if (only != null && !only.contains(c.id()) && !c.id().equals(Contender.REFERENCE)) {
                continue;
            }
            String missing = missing(c, interop, nodeScripts);
            if (missing != null) {
                skipped.add(c.name() + ": " + missing);
                System.out.println("skipping " + c.name() + ": " + missing);
            } else {
                contenders.add(c);
            }
        }
        if (contenders.isEmpty()) {
            throw new IllegalStateException("no contender can run");
        }

        startWatchdog(maxMinutes);
        Runtime.getRuntime().addShutdownHook(new Thread(Bench::killAll));

        // bin/bench passes the time it started, so that the budget covers its build too
        Instant started = opts.startedAt != null ? Instant.ofEpochMilli(opts.startedAt) : Instant.now();
        double budgetSeconds = 60 * opts.budgetMinutes();
        Results results = new Results(contenders, runs);
        results.extraJvmFlags(extraJvmFlags);
        int processes = 0;
        outer:
        for (int run = 0; run < runs; run++) {
            for (int k = 0; k < contenders.size(); k++) {
                double elapsed = Duration.between(started, Instant.now()).toMillis() / 1000.0;
                double perProcess = processes == 0 ? 0 : elapsed / processes;
                if (elapsed + perProcess > budgetSeconds) {
                    String why = String.format(java.util.Locale.ROOT, "time budget of %.1f min reached after %d "
                            + "server processes: run %d and later are incomplete", budgetSeconds / 60, processes,
                            run + 1);
                    System.out.println("bench: " + why);
                    skipped.add(why);
                    break outer;
                }
                Contender c = contenders.get((k + run) % contenders.size());
                System.out.printf("[%3.0f s] ", elapsed);
                runOne(c, run, cpu, classpath, interop, nodeScripts, settings, results);
                processes++;
            }
        }
        Duration took = Duration.between(started, Instant.now());
        Files.createDirectories(out);
        Report report = new Report(results, settings, quick, took, root, skipped, cpu);
        List<String> shown = shownArgs(args);
        Path md = out.resolve("benchmarks.md");
        // the cluster scenario's section (bin/bench --cluster) is kept as it is
        String kept = Files.isRegularFile(md) ? ClusterReport.extract(Files.readString(md)) : null;
        String keptScale = Files.isRegularFile(md) ? ScaleReport.extract(Files.readString(md)) : null;
        String markdown = report.markdown(shown.toArray(new String[0]));
        markdown = kept == null ? markdown : ClusterReport.splice(markdown, kept);
        Files.writeString(md, keptScale == null ? markdown : ScaleReport.splice(markdown, keptScale));
        Chart.write(results, out.resolve("benchmarks.png"));
        System.out.println("wrote " + out.resolve("benchmarks.md") + " and " + out.resolve("benchmarks.png")
                + " in " + took.toSeconds() + " s");
        System.exit(0);
    }

    /** The command line as shown in the report: without the options bin/bench sets. */
    private static List<String> shownArgs(String[] args) {
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--root") || args[i].equals("--classpath") || args[i].equals("--started-at")) {
                i++;
            } else {
                shown.add(args[i]);
            }
        }
        return shown;
    }

    private static void runOne(Contender c, int run, String cpu, String classpath, Path interop, Path nodeScripts,
            Scenarios.Settings settings, Results results) {
        System.out.printf("[run %d] %s%n", run + 1, c.name());
        int port = freePort();
        ServerProcess server;
        try {
            List<String> extra = new ArrayList<>(extraJvmFlags);
            if (profileDir != null) {
                extra.add("-XX:StartFlightRecording=settings=profile,filename="
                        + profileDir.resolve(c.id() + "-run" + (run + 1) + ".jfr"));
            }
            server = ServerProcess.start(c.id(), c.command(cpu, port, classpath, nodeScripts, extra), interop,
                    c.env(interop), port, Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            results.note(c, run, "could not start: " + e.getMessage());
            System.out.println("  could not start: " + e.getMessage());
            return;
        }
        synchronized (RUNNING) {
            RUNNING.add(server);
        }
        results.affinity(c, dev.duplex.bench.load.ProcStat.cpusAllowed(server.pid()));
        try {
            try {
                Scenarios.prime(server, settings);
            } catch (RuntimeException e) {
                results.note(c, run, "first connection failed: " + e.getMessage());
                System.out.println("  first connection failed: " + e.getMessage());
                return;
            }
            for (Step step : steps) {
                if (step.notFor().contains(c.id()) || !subset && !c.runsByDefault(step.name())) {
                    continue;
                }
                long t0 = System.nanoTime();
                try {
                    Scenarios.Result r = step.run().apply(server, settings);
                    results.add(c, run, r.values());
                    r.notes().forEach(n -> results.note(c, run, n));
                    System.out.printf("  %-10s %5.1f s  %s%n", step.name(), (System.nanoTime() - t0) / 1e9,
                            summary(r.values()));
                    r.notes().forEach(n -> System.out.println("    note: " + n));
                } catch (RuntimeException e) {
                    String dump = c.jvm() && server.isAlive() ? threadDump(server, c, run, step.name()) : null;
                    String stats = c.jvm() && server.isAlive() ? server.stats() : "";
                    results.note(c, run, step.name() + " FAILED: " + e.getMessage()
                            + (stats.isEmpty() ? "" : " (server: " + stats + ")")
                            + (dump == null ? "" : " (server thread dump: " + dump + ")"));
                    System.out.printf("  %-10s FAILED: %s%s%n", step.name(), e.getMessage(),
                            stats.isEmpty() ? "" : " (server: " + stats + ")");
                }
                if (!server.isAlive()) {
                    results.note(c, run, "the server died during " + step.name() + "; last output: "
                            + String.join(" | ", server.lastOutput()));
                    System.out.println("  the server died: " + String.join("\n    ", server.lastOutput()));
                    break;
                }
                Scenarios.pause(Duration.ofMillis(100));
            }
        } finally {
            server.close();
            synchronized (RUNNING) {
                RUNNING.remove(server);
            }
        }
    }

    /** Saves {@code jcmd <pid> Thread.print} of a JVM contender whose scenario failed; returns the file or null. */
    private static String threadDump(ServerProcess server, Contender c, int run, String step) {
        try {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "duplex-bench-failures");
            Files.createDirectories(dir);
            Path file = dir.resolve(c.id() + "-run" + (run + 1) + "-" + step + "-" + System.currentTimeMillis()
                    + ".txt");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(server.pid()), "Thread.print").redirectErrorStream(true)
                    .redirectOutput(file.toFile()).start();
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return file.toString();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String summary(Map<Metric, Double> values) {
        StringBuilder sb = new StringBuilder();
        values.forEach((m, v) -> {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(m.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(m.format(v));
        });
        return sb.toString();
    }

    /** Why a contender cannot run here, or null. */
    private static String missing(Contender c, Path interop, Path nodeScripts) {
        if (c.jvm()) {
            try {
                Class.forName(c.mainOrScript(), false, Bench.class.getClassLoader());
                return null;
            } catch (ClassNotFoundException e) {
                return "main class " + c.mainOrScript() + " is not built";
            }
        }
        if (!onPath("node")) {
            return "node is not installed";
        }
        if (!Files.isDirectory(interop.resolve("node_modules/socket.io"))) {
            return "interop/node_modules/socket.io is missing (run npm ci in interop/)";
        }
        return Files.isRegularFile(nodeScripts.resolve(c.mainOrScript())) ? null
                : "script " + nodeScripts.resolve(c.mainOrScript()) + " is missing";
    }

    static boolean onPath(String program) {
        try {
            Process p = new ProcessBuilder(program, "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void startWatchdog(int maxMinutes) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.MINUTES.toMillis(maxMinutes));
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("bench: hard time limit of " + maxMinutes + " minutes reached, stopping");
            killAll();
            Runtime.getRuntime().halt(3);
        }, "bench-watchdog");
        t.setDaemon(true);
        t.start();
    }

    /** A process the watchdog and the shutdown hook must stop. */
    static void track(ServerProcess p) {
        synchronized (RUNNING) {
            RUNNING.add(p);
        }
    }

    static void untrack(ServerProcess p) {
        synchronized (RUNNING) {
            RUNNING.remove(p);
        }
    }

    private static void killAll() {
        synchronized (RUNNING) {
            RUNNING.forEach(ServerProcess::close);
            RUNNING.clear();
        }
    }
}
