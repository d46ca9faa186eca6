package dev.duplex.client;

import dev.duplex.testkit.ManagedProcess;
import dev.duplex.testkit.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The official Node socket.io 4.8 server running src/test/node/client/server.js. */
final class NodeServer implements ServerUnderTest {
    private static final Path SCRIPT = Path.of("src/test/node/client/server.js");
    private final Map<String, String> env;
    private ManagedProcess process;

    NodeServer() {
        this(Map.of());
    }

    NodeServer(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public void start(int port) {
        stop();
        process = Node.start(SCRIPT, env, String.valueOf(port));
        process.awaitPrefix("READY ", Duration.ofSeconds(20));
    }

    @Override
    public void stop() {
        if (process != null) {
            process.close();
            process = null;
        }
    }

    @Override
    public String awaitPrefix(String prefix, Duration timeout) {
        if (process == null) {
            throw new AssertionError("server not running");
        }
        return process.awaitPrefix(prefix, timeout);
    }

    /** Every line the server printed so far. */
    java.util.List<String> output() {
        if (process == null) {
            throw new AssertionError("server not running");
        }
        return process.output();
    }

    @Override
    public void close() {
        stop();
    }
}
