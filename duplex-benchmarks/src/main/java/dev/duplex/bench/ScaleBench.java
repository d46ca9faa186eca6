package dev.duplex.bench;

import dev.duplex.bench.load.ProcStat;
import dev.duplex.bench.load.ScaleLoad;
import dev.duplex.bench.load.Scenarios;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scale scenario of issue #19 ({@code bin/bench --scale}): per contender (Duplex, Node socket.io, netty-socketio,
 * bare Netty; {@code --only} picks), a fresh server process pinned to the server CPU like every contender, then
 * {@link ScaleLoad} from this process: up to 100,000 WebSocket connections, all in one room, held with the default
 * heartbeat and a broadcast to everyone every 10 s. Around it this class measures the server: RSS and heap after GC
 * before and after, GC pauses (JVM: {@code -Xlog:gc} to a file; Node: {@code perf_hooks} gc entries through the
 * preloaded {@code gc-observer.js}), CPU during the scenario. The connection count is capped by the file descriptors
 * both processes may open (RLIMIT_NOFILE); the cap and its cause go into the report. {@link ScaleReport} writes the
 * section of {@code docs/benchmarks.md}.
 */
final class ScaleBench {
    /** The contenders of the scenario, in the order they run. */
    static final List<String> IDS = List.of("duplex", "node", "netty-socketio", "bare");
    private static final Pattern JVM_PAUSE = Pattern.compile("Pause .*?([0-9.]+)ms\\s*$");
    private static final Pattern NODE_PAUSE = Pattern.compile("^PAUSE ([0-9.]+) (\\S+)");

    private ScaleBench() {
    }

    /** What was measured for one contender. */
    record Row(Contender contender, int fdCap, String capCause, ScaleLoad.Result load, long rss0, long rss1,
               long heap0, long heap1, List<Double> pausesMillis, double serverCpuSeconds, List<String> notes) {
    }

    static void run(BenchOptions opts, Path root, Path out, String classpath, String cpu, Instant started,
            List<String> shownArgs) throws IOException {
        Path interop = root.resolve("interop");
        Path nodeScripts = root.resolve("duplex-benchmarks/src/main/node");
        int requested = opts.scaleConnections;
        Duration hold = Duration.ofSeconds(opts.scaleHoldSeconds);
        String load0 = ClusterReport.loadAverage();
        List<Row> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (String id : IDS) {
            if (opts.only != null && !opts.only.contains(id)) {
                continue;
            }
            Contender c = Contender.all().stream().filter(k -> k.id().equals(id)).findFirst().orElseThrow();
            double elapsed = Duration.between(started, Instant.now()).toMillis() / 1000.0;
            System.out.printf("[%3.0f s] scale: %s, %,d connections requested%n", elapsed, c.name(), requested);
            try {
                Row row = one(c, requested, hold, cpu, classpath, interop, nodeScripts,
                        root.resolve("duplex-benchmarks/target/scale"));
                rows.add(row);
                ScaleLoad.Result r = row.load();
                System.out.printf(Locale.ROOT, "  %,d reached in %.1f s; RSS %.0f MB (+%.2f KB/conn); heartbeat "
                        + "misses %d; broadcasts %d (%d incomplete), reach max %.0f ms%n", r.reached(),
                        r.connectSeconds(), row.rss1() / 1048576.0,
                        (row.rss1() - row.rss0()) / 1024.0 / Math.max(1, r.reached()), r.heartbeatMisses(),
                        r.broadcasts().size(), r.incompleteBroadcasts(), r.reachMillis().length == 0 ? Double.NaN
                                : r.reachMillis()[r.reachMillis().length - 1]);
                row.notes().forEach(n -> System.out.println("    note: " + n));
            } catch (RuntimeException e) {
                failures.add(c.name() + ": " + e.getMessage());
                System.out.println("  FAILED: " + e.getMessage());
            }
        }
        String load1 = ClusterReport.loadAverage();
        Duration took = Duration.between(started, Instant.now());
        String command = "bin/bench" + (shownArgs.isEmpty() ? "" : " " + String.join(" ", shownArgs));
        String section = new ScaleReport(rows, failures, requested, hold, cpu, load0, load1, took, command)
                .section();
        Files.createDirectories(out);
        Path md = out.resolve("benchmarks.md");
        String old = Files.isRegularFile(md) ? Files.readString(md) : "";
        Files.writeString(md, ScaleReport.splice(old, section));
        System.out.println("wrote the scale section of " + md + " in " + took.toSeconds() + " s");
    }

    private static Row one(Contender c, int requested, Duration hold, String cpu, String classpath, Path interop,
            Path nodeScripts, Path histograms) throws IOException {
        Path gcLog = Files.createTempFile("duplex-scale-" + c.id() + "-", ".gc.log");
        int port = Bench.freePort();
        List<String> command;
        Map<String, String> env;
        if (c.jvm()) {
            command = c.command(cpu, port, classpath, nodeScripts, List.of("-Xlog:gc:file=" + gcLog));
            env = c.env(interop);
        } else {
            command = new ArrayList<>();
            if (cpu != null) {
                command.addAll(List.of("taskset", "-c", cpu));
            }
            command.addAll(List.of("node", "--expose-gc", "--require",
                    nodeScripts.resolve("gc-observer.js").toString(),
                    nodeScripts.resolve(c.mainOrScript()).toString(), Integer.toString(port)));
            env = Map.of("NODE_PATH", interop.resolve("node_modules").toString(), "DUPLEX_GC_LOG", gcLog.toString());
        }
        ServerProcess server = ServerProcess.start(c.id(), command, interop, env, port, Duration.ofSeconds(30));
        Bench.track(server);
        List<String> notes = new ArrayList<>();
        try {
            Scenarios.prime(server, Scenarios.Settings.quick());
            long serverFds = openFileLimit(server.pid());
            long serverOpen = openFiles(server.pid());
            long selfPid = ProcessHandle.current().pid();
            long genFds = openFileLimit(selfPid);
            long genOpen = openFiles(selfPid);
            long cap = Math.min(serverFds - serverOpen - 100, genFds - genOpen - 200);
            int n = (int) Math.max(1, Math.min(requested, cap));
            String capCause = null;
            if (n < requested) {
                capCause = String.format(Locale.ROOT, "the server process may open %,d files (RLIMIT_NOFILE) and "
                        + "had %,d open; this generator may open %,d and had %,d open", serverFds, serverOpen,
                        genFds, genOpen);
                System.out.printf(Locale.ROOT, "  capped at %,d connections: %s%n", n, capCause);
            }
            long heap0 = server.heapAfterGc();
            int pauses0 = pauses(gcLog, c.jvm()).size();
            long rss0 = ProcStat.rssBytes(server.pid());
            double cpu0 = ProcStat.cpuSeconds(server.pid());
            ScaleLoad.Result r;
            long rss1 = -1;
            long heap1 = -1;
            double cpuUsed = Double.NaN;
            List<Double> pauses = List.of();
            try (ScaleLoad load = new ScaleLoad(server.address(), ScaleLoad.Settings.standard(n, hold))) {
                r = load.run(server::isAlive, line -> System.out.println("  " + line));
                if (server.isAlive()) {
                    List<Double> all = pauses(gcLog, c.jvm());
                    pauses = new ArrayList<>(all.subList(Math.min(pauses0, all.size()), all.size()));
                    String longest = longestPause(gcLog, c.jvm(), pauses0);
                    if (longest != null) {
                        notes.add("longest GC pause of the run: `" + longest + "`");
                    }
                    rss1 = ProcStat.rssBytes(server.pid());
                    cpuUsed = ProcStat.cpuSeconds(server.pid()) - cpu0;
                    try {
                        heap1 = server.heapAfterGc();
                    } catch (RuntimeException e) {
                        notes.add("no heap figure after the scenario: " + e.getMessage());
                    }
                    if (c.jvm()) {
                        histogram(server.pid(), histograms.resolve(c.id() + "-class-histogram.txt"));
                    }
                } else {
                    notes.add("the server died; last output: " + String.join(" | ", server.lastOutput()));
                }
                if (r.connectFailures() > 0 || r.stuck() > 0) {
                    String first = load.firstFailure();
                    notes.add(String.format(Locale.ROOT, "%,d connections failed, %,d never completed%s",
                            r.connectFailures(), r.stuck(), first == null ? "" : "; first failure: " + first));
                }
            }
            notes.addAll(r.notes());
            if (r.selfDeliveries() > 0) {
                notes.add("ERROR: the sender received its own broadcast " + r.selfDeliveries() + " times");
            }
            return new Row(c, n, capCause, r, rss0, rss1, heap0, heap1, pauses, cpuUsed, notes);
        } finally {
            server.close();
            Bench.untrack(server);
            Files.deleteIfExists(gcLog);
        }
    }

    /** Saves {@code jcmd <pid> GC.class_histogram} (live objects, all connections open) for the findings. */
    private static void histogram(long pid, Path file) {
        try {
            Files.createDirectories(file.getParent());
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid), "GC.class_histogram").redirectErrorStream(true)
                    .redirectOutput(file.toFile()).start();
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            } else {
                System.out.println("  class histogram with all connections open: " + file);
            }
        } catch (IOException e) {
            System.out.println("  no class histogram: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The pause times (ms) logged so far, in order. */
    static List<Double> pauses(Path log, boolean jvm) {
        List<Double> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(log);
        } catch (IOException e) {
            return out;
        }
        for (String line : lines) {
            Matcher m = (jvm ? JVM_PAUSE : NODE_PAUSE).matcher(line);
            if (m.find()) {
                out.add(Double.parseDouble(m.group(1)));
            }
        }
        return out;
    }

    /** The log line of the longest pause after the first {@code skip} pauses, trimmed, or null. */
    static String longestPause(Path log, boolean jvm, int skip) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log);
        } catch (IOException e) {
            return null;
        }
        String best = null;
        double max = -1;
        int seen = 0;
        for (String line : lines) {
            Matcher m = (jvm ? JVM_PAUSE : NODE_PAUSE).matcher(line);
            if (m.find() && seen++ >= skip && Double.parseDouble(m.group(1)) > max) {
                max = Double.parseDouble(m.group(1));
                best = line.trim();
            }
        }
        return best;
    }

    /** The soft RLIMIT_NOFILE of a process ({@code /proc/<pid>/limits}). */
    static long openFileLimit(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return f[0].equals("unlimited") ? Long.MAX_VALUE / 4 : Long.parseLong(f[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no cap known
        }
        return Long.MAX_VALUE / 4;
    }

    /** How many files a process has open ({@code /proc/<pid>/fd}). */
    static long openFiles(long pid) {
        String[] fds = new java.io.File("/proc/" + pid + "/fd").list();
        return fds == null ? 0 : fds.length;
    }

    /** Whether this process may raise its hard limits (CAP_SYS_RESOURCE, bit 24 of CapEff). */
    static boolean mayRaiseLimits() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 24)) != 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return false;
    }

    /** {@code ulimit -Hn} of this process. */
    static String hardOpenFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    return line.substring("Max open files".length()).trim().split("\\s+")[1];
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return "unknown";
    }
}
