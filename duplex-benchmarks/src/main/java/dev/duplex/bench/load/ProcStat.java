package dev.duplex.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of a process, from {@code /proc/<pid>/stat} and {@code /proc/<pid>/status}. */
public final class ProcStat {
    /** Clock ticks per second of {@code /proc/<pid>/stat} ({@code getconf CLK_TCK}, 100 on Linux). */
    public static final double TICKS_PER_SECOND = 100.0;

    private ProcStat() {
    }

    /** utime + stime of every thread of the process, in clock ticks. */
    public static long cpuTicks(long pid) {
        String s = read(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state); utime and stime are fields 14 and 15
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** stime of every thread of the process: the time spent in the kernel on its behalf, in clock ticks. */
    public static long systemTicks(long pid) {
        String s = read(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(f[12]);
    }

    /**
     * Time on CPU of the process's JIT compiler threads, in nanoseconds, from {@code /proc/<pid>/task/<tid>/schedstat}
     * (exact, unlike the 10 ms ticks of {@code /proc/<pid>/task/<tid>/stat}, which miss the short C2 compilations that still
     * stall a one-CPU server for a few milliseconds each); the ticks, converted, where schedstat is missing.
     */
    public static long compilerNanos(long pid) {
        return Math.max(0, compilerNanosOrNone(pid));
    }

    /**
     * Like {@link #compilerNanos}, or -1 when the process has no JIT compiler thread to read (Node: V8 compiles on
     * threads that also do other work), so that a warm-up can tell "quiet" from "nothing to read".
     */
    public static long compilerNanosOrNone(long pid) {
        long sum = 0;
        boolean found = false;
        java.io.File[] tasks = new java.io.File("/proc/" + pid + "/task").listFiles();
        if (tasks == null) {
            return -1;
        }
        for (java.io.File t : tasks) {
            try {
                String comm = Files.readString(t.toPath().resolve("comm")).trim();
                if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                    found = true;
                    Path schedstat = t.toPath().resolve("schedstat");
                    if (Files.exists(schedstat)) {
                        String s = Files.readString(schedstat).trim();
                        sum += Long.parseLong(s.substring(0, s.indexOf(' ')));
                    } else {
                        String s = Files.readString(t.toPath().resolve("stat"));
                        String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
                        sum += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the thread ended meanwhile
            }
        }
        return found ? sum : -1;
    }

    /**
     * Time on CPU of every thread of the process so far, in nanoseconds, by thread id, from
     * {@code /proc/<pid>/task/<tid>/schedstat} (exact, where the 100 Hz ticks of {@code /proc/<pid>/stat} give a
     * 10 ms resolution: 1% of a 1-second window); empty when schedstat is missing (a kernel without schedstats).
     */
    public static java.util.Map<Long, Long> threadNanos(long pid) {
        java.util.Map<Long, Long> out = new java.util.HashMap<>();
        java.io.File[] tasks = new java.io.File("/proc/" + pid + "/task").listFiles();
        if (tasks == null) {
            return out;
        }
        for (java.io.File t : tasks) {
            try {
                String s = Files.readString(t.toPath().resolve("schedstat")).trim();
                out.put(Long.parseLong(t.getName()), Long.parseLong(s.substring(0, s.indexOf(' '))));
            } catch (IOException | RuntimeException e) {
                // the thread ended meanwhile, or no schedstat
            }
        }
        return out;
    }

    /**
     * The CPU time the process used between two {@link #threadNanos} readings, in seconds: per thread, end minus
     * start (a thread started meanwhile counts from 0; one that ended meanwhile is lost, so short-lived threads
     * are undercounted). NaN when either reading is empty.
     */
    public static double cpuSecondsBetween(java.util.Map<Long, Long> start, java.util.Map<Long, Long> end) {
        if (start.isEmpty() || end.isEmpty()) {
            return Double.NaN;
        }
        long sum = 0;
        for (java.util.Map.Entry<Long, Long> e : end.entrySet()) {
            sum += Math.max(0, e.getValue() - start.getOrDefault(e.getKey(), 0L));
        }
        return sum / 1e9;
    }

    /** CPU seconds used so far. */
    public static double cpuSeconds(long pid) {
        return cpuTicks(pid) / TICKS_PER_SECOND;
    }

    /** Resident set size in bytes (VmRSS). */
    public static long rssBytes(long pid) {
        for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).replace("kB", "").trim()) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for pid " + pid);
    }

    /** The CPUs the process may run on ({@code Cpus_allowed_list}), e.g. {@code "1"} when pinned to CPU 1. */
    public static String cpusAllowed(long pid) {
        for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
            if (line.startsWith("Cpus_allowed_list:")) {
                return line.substring(18).trim();
            }
        }
        return "unknown";
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + p + " (process gone?)", e);
        }
    }
}
