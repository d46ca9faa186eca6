package dev.duplex.bench.load;

/**
 * Wall time and CPU time of the server and of this (generator) process over one measurement window: from
 * {@code /proc/<pid>/task/<tid>/schedstat} (nanoseconds), or the 100 Hz ticks of {@code /proc/<pid>/stat}
 * where schedstat is missing or lost a thread (the larger of the two is kept, so a thread that ended in the
 * window is not lost).
 */
final class Window {
    private static final long GENERATOR_PID = ProcessHandle.current().pid();

    private final long pid;
    private final long t0;
    private final long server0;
    private final long gen0;
    private final long jit0;
    private final long sys0;
    private final java.util.Map<Long, Long> serverNs0;
    private final java.util.Map<Long, Long> genNs0;
    double seconds;
    double jitCpu;
    double serverCpu;
    double generatorCpu;
    /** The server's time in the kernel (stime, 10 ms ticks) in the window, in seconds. */
    double serverSys;

    private Window(long pid) {
        this.pid = pid;
        this.server0 = ProcStat.cpuTicks(pid);
        this.sys0 = ProcStat.systemTicks(pid);
        this.gen0 = ProcStat.cpuTicks(GENERATOR_PID);
        this.serverNs0 = ProcStat.threadNanos(pid);
        this.genNs0 = ProcStat.threadNanos(GENERATOR_PID);
        this.jit0 = ProcStat.compilerNanos(pid);
        this.t0 = System.nanoTime();
    }

    static Window open(long pid) {
        return new Window(pid);
    }

    void close() {
        seconds = (System.nanoTime() - t0) / 1e9;
        serverCpu = cpu(server0, ProcStat.cpuTicks(pid), serverNs0, ProcStat.threadNanos(pid));
        generatorCpu = cpu(gen0, ProcStat.cpuTicks(GENERATOR_PID), genNs0,
                ProcStat.threadNanos(GENERATOR_PID));
        jitCpu = (ProcStat.compilerNanos(pid) - jit0) / 1e9;
        serverSys = (ProcStat.systemTicks(pid) - sys0) / ProcStat.TICKS_PER_SECOND;
    }

    /** The JIT compiler threads' share of the server's CPU in the window, in %. */
    double jitPercent() {
        return 100 * jitCpu / serverCpu;
    }

    /** Schedstat nanoseconds unless the ticks say at least 3 ticks more (a thread ended in the window). */
    private static double cpu(long ticks0, long ticks1, java.util.Map<Long, Long> ns0,
            java.util.Map<Long, Long> ns1) {
        double ticks = (ticks1 - ticks0) / ProcStat.TICKS_PER_SECOND;
        double ns = ProcStat.cpuSecondsBetween(ns0, ns1);
        double v = Double.isNaN(ns) || ticks > ns + 0.03 ? ticks : ns;
        return Math.max(v, 1e-3);
    }
}
