package dev.duplex.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An outside process started by a test: its stdout and stderr lines are collected for {@link #awaitLine}, and
 * {@link #close()} kills it and all its descendants. Use it in try-with-resources or an {@code @AfterEach}.
 */
public final class ManagedProcess implements AutoCloseable {
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());
    private final String name;

    private ManagedProcess(Process process, String name) {
        this.process = process;
        this.name = name;
        Thread t = new Thread(this::pump, "output-of-" + name);
        t.setDaemon(true);
        t.start();
    }

    public static ManagedProcess start(List<String> command, Path workDir, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        pb.environment().putAll(env);
        try {
            return new ManagedProcess(pb.start(), Path.of(command.get(0)).getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (Boolean.getBoolean("duplex.test.echoProcessOutput")) {
                    System.out.println("[" + name + "] " + line);
                }
                all.add(line);
                lines.add(line);
            }
        } catch (IOException ignored) {
            // the process went away
        }
    }

    /** Waits for the next output line that matches, skipping the others; fails after the timeout. */
    public String awaitLine(Predicate<String> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
                if (line == null) {
                    throw new AssertionError("no matching line from " + name + " within " + timeout
                            + (process.isAlive() ? "" : " (exited with " + process.exitValue() + ")")
                            + "; output so far:\n" + String.join("\n", output()));
                }
                if (match.test(line)) {
                    return line;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Waits for a line starting with the prefix, and returns the rest of it. */
    public String awaitPrefix(String prefix, Duration timeout) {
        return awaitLine(l -> l.startsWith(prefix), timeout).substring(prefix.length());
    }

    /** Every line printed so far. */
    public List<String> output() {
        synchronized (all) {
            return new ArrayList<>(all);
        }
    }

    /** Writes a line to the process's standard input. */
    public void send(String line) {
        try {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the process to exit by itself; returns its exit code. */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not exit within " + timeout + "; output:\n"
                        + String.join("\n", output()));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Kills the process and every descendant, and waits for them to be gone. */
    @Override
    public void close() {
        List<ProcessHandle> tree = new ArrayList<>();
        process.descendants().forEach(tree::add);
        tree.add(process.toHandle());
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
