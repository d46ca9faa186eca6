package dev.duplex.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Node.js and the official npm packages of the repository's {@code interop/} folder (socket.io, socket.io-client,
 * engine.io-client, ...). {@link #require()} skips the test when node or npm is missing (fails under CI) and runs
 * {@code npm ci} once when {@code interop/node_modules} is missing or older than the lockfile.
 */
public final class Node {
    private static volatile boolean installed;

    private Node() {
    }

    /** The repository's {@code interop/} folder, found by walking up from the working directory. */
    public static Path interopDir() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("interop/package.json"))) {
                return d.resolve("interop");
            }
        }
        throw new IllegalStateException("no interop/package.json above " + dir);
    }

    /** Ensures node and the interop packages are there; skips the test without node (fails under CI). */
    public static Path require() {
        ExternalProgram.require("node", "--version", "interop tests drive the official npm packages");
        ExternalProgram.require("npm", "--version", "interop tests install the official npm packages");
        Path dir = interopDir();
        if (!installed) {
            synchronized (Node.class) {
                if (!installed) {
                    install(dir);
                    installed = true;
                }
            }
        }
        return dir;
    }

    private static void install(Path dir) {
        Path marker = dir.resolve("node_modules/.duplex-installed");
        Path lock = dir.resolve("package-lock.json");
        try (FileChannel ch = FileChannel.open(dir.resolve(".install.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            // held until the channel closes: one npm ci at a time across test JVMs
            FileLock held = ch.lock();
            assert held.isValid();
            if (Files.exists(marker)
                    && Files.getLastModifiedTime(marker).compareTo(Files.getLastModifiedTime(lock)) >= 0) {
                return;
            }
            // npm's output goes to a file: a forked test JVM's stdout is Surefire's channel
            Path log = Files.createTempFile("duplex-npm-ci", ".log");
            Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("npm ci failed in " + dir + ":\n" + Files.readString(log));
            }
            Files.writeString(marker, "ok");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts {@code node script args...} in the interop folder (so its packages resolve). The script path is
     * taken relative to the working directory when it exists there, else to the interop folder.
     */
    public static ManagedProcess start(Path script, Map<String, String> env, String... args) {
        Path dir = require();
        List<String> cmd = new ArrayList<>();
        cmd.add("node");
        cmd.add(script.toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        Map<String, String> e = new java.util.HashMap<>(env);
        e.putIfAbsent("NODE_PATH", dir.resolve("node_modules").toString());
        return ManagedProcess.start(cmd, dir, e);
    }
}
