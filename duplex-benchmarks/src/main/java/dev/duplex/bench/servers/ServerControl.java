package dev.duplex.bench.servers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;

/**
 * The small protocol between the harness and a JVM contender: the contender prints {@code READY <port>} once it
 * listens; on standard input {@code gc} makes it collect garbage and print {@code HEAP <bytes in use>}; end of input
 * (the harness went away) makes it stop and exit, so a contender never outlives its harness; {@code stats} prints
 * {@code STATS <text>} with whatever counters the contender keeps (for diagnosing a failed scenario).
 */
final class ServerControl {
    private ServerControl() {
    }

    /** Parses the port argument; only loopback is ever bound. */
    static int port(String[] args) {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: <port> [options]");
        }
        return Integer.parseInt(args[0]);
    }

    /**
     * The transport a JVM contender was asked to use: the system property {@code duplex.bench.transport}, else the
     * environment variable {@code DUPLEX_BENCH_TRANSPORT} (inherited from {@code bin/bench}), one of {@code auto}
     * (when neither is set: the transport Duplex takes by default), {@code io_uring}, {@code epoll}, {@code nio}.
     */
    static dev.duplex.engine.IoTransport transport() {
        String v = System.getProperty("duplex.bench.transport", System.getenv("DUPLEX_BENCH_TRANSPORT"));
        if (v == null || v.isBlank()) {
            return dev.duplex.engine.IoTransport.AUTO;
        }
        return dev.duplex.engine.IoTransport.valueOf(v.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }

    /** Prints the ready line, then serves standard input until it ends; then runs {@code stop} and exits. */
    static void readyAndServe(int port, Runnable stop) {
        readyAndServe(port, stop, () -> "");
    }

    /** Like {@link #readyAndServe(int, Runnable)}; {@code stats} on standard input prints {@code STATS <text>}. */
    static void readyAndServe(int port, Runnable stop, java.util.function.Supplier<String> stats) {
        System.out.println("READY " + port);
        System.out.flush();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.trim().equals("stats")) {
                    System.out.println("STATS " + stats.get());
                    System.out.flush();
                } else if (line.trim().equals("gc")) {
                    System.gc();
                    System.gc();
                    System.out.println("HEAP " + memory.getHeapMemoryUsage().getUsed());
                    System.out.flush();
                }
            }
        } catch (IOException e) {
            // the harness went away
        }
        try {
            stop.run();
        } finally {
            System.exit(0);
        }
    }
}
