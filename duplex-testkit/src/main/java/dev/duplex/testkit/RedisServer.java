package dev.duplex.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real {@code redis-server} (the Debian package) started on loopback on a free port, without persistence.
 * {@link #require()} skips the test when redis-server is missing (fails under {@code CI=true}). {@link #stop()} and
 * {@link #start()} let a test take Redis away and bring it back on the same port; {@link #close()} stops it.
 */
public final class RedisServer implements AutoCloseable {
    private final int port;
    private ManagedProcess process;

    private RedisServer(int port) {
        this.port = port;
    }

    /** Skips (or fails under CI) when redis-server cannot be run. */
    public static void require() {
        ExternalProgram.require("redis-server", "--version", "cluster tests need a real Redis");
    }

    /** Starts a redis-server on a free port (after {@link #require()}). */
    public static RedisServer startNew() {
        require();
        RedisServer r = new RedisServer(FreePort.find());
        r.start();
        return r;
    }

    /** (Re)starts the server on its port; waits until it accepts connections. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        process = ManagedProcess.start(List.of("redis-server", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"), null, Map.of());
        process.awaitLine(l -> l.contains("Ready to accept connections"), Duration.ofSeconds(20));
    }

    /** Stops the server (the port stays reserved for {@link #start()}). */
    public synchronized void stop() {
        if (process != null) {
            process.close();
            process = null;
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        stop();
    }
}
