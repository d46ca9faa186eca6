package dev.duplex.bench;

import dev.duplex.bench.load.Scenarios;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One contender server process: started with its command line, ready once it prints {@code READY <port>}, asked to
 * collect garbage through its standard input, and killed with all its descendants on {@link #close()}.
 */
final class ServerProcess implements Scenarios.Server, AutoCloseable {
    private final Process process;
    private final InetSocketAddress address;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Deque<String> tail = new ArrayDeque<>();
    private final String name;

    private ServerProcess(String name, Process process, int port) {
        this.name = name;
        this.process = process;
        this.address = new InetSocketAddress("127.0.0.1", port);
        Thread t = new Thread(this::pump, "output-of-" + name);
        t.setDaemon(true);
        t.start();
    }

    static ServerProcess start(String name, List<String> command, Path dir, Map<String, String> env, int port,
            Duration readyTimeout) {
        return start(name, command, dir, env, port, readyTimeout, "READY ");
    }

    /** Like {@link #start(String, List, Path, Map, int, Duration)}, ready once a line contains {@code marker}. */
    static ServerProcess start(String name, List<String> command, Path dir, Map<String, String> env, int port,
            Duration readyTimeout, String marker) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + name + ": " + command, e);
        }
        ServerProcess s = new ServerProcess(name, p, port);
        try {
            if (marker.equals("READY ")) {
                s.await(marker, readyTimeout);
            } else {
                s.awaitContaining(marker, readyTimeout);
            }
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > 100) {
                        tail.removeFirst();
                    }
                }
                lines.add(line);
            }
        } catch (IOException ignored) {
            // the process went away
        }
    }

    private String await(String prefix, Duration timeout) {
        return await(prefix, false, timeout);
    }

    private String awaitContaining(String marker, Duration timeout) {
        return await(marker, true, timeout);
    }

    private String await(String prefix, boolean anywhere, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left > 0 ? lines.poll(Math.min(left, 200_000_000L), TimeUnit.NANOSECONDS) : null;
                if (line != null && anywhere && line.contains(prefix)) {
                    return line;
                }
                if (line != null && !anywhere && line.startsWith(prefix)) {
                    return line.substring(prefix.length()).trim();
                }
                if (line == null && (left <= 0 || !process.isAlive())) {
                    throw new IllegalStateException(name + ": no '" + prefix.trim() + "' line within " + timeout
                            + (process.isAlive() ? "" : " (exited with " + process.exitValue() + ")")
                            + "; last output:\n  " + String.join("\n  ", lastOutput()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    List<String> lastOutput() {
        synchronized (tail) {
            return new ArrayList<>(tail);
        }
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public long heapAfterGc() {
        lines.clear();
        try {
            OutputStream out = process.getOutputStream();
            out.write("gc\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException(name + " does not take commands", e);
        }
        return Long.parseLong(await("HEAP ", Duration.ofSeconds(20)));
    }

    /** The contender's diagnostic counters ({@code stats} command), or a reason why there are none. */
    String stats() {
        lines.clear();
        try {
            OutputStream out = process.getOutputStream();
            out.write("stats\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return await("STATS ", Duration.ofSeconds(10));
        } catch (IOException | RuntimeException e) {
            return "no stats: " + e.getMessage();
        }
    }

    @Override
    public void close() {
        List<ProcessHandle> tree = new ArrayList<>();
        process.descendants().forEach(tree::add);
        tree.add(process.toHandle());
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already gone
        }
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }
}
