package dev.duplex.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A Node script controlled by JSON lines: commands {@code {"cmd": ..., key: value, ...}} on its standard input, and
 * the lines it prints ({@code {"type": ..., "name": client, ...}}) collected for the test to find or wait for. The
 * driver scripts of the interop tests (official socket.io-client sockets) follow this shape; a subclass adds the
 * commands of its script. Closing sends {@code exit}, then stops the process.
 */
public class JsonLinesDriver implements AutoCloseable {
    /** The mapper of the commands and lines. */
    public static final ObjectMapper JSON = new ObjectMapper();

    private final ManagedProcess process;
    private final Duration timeout;

    /**
     * Starts {@code script} with {@code env} (skips the test when Node is missing, fails under {@code CI=true}) and
     * waits for its {@code ready} line; {@link #expect} waits at most {@code timeout}.
     */
    protected JsonLinesDriver(Path script, Map<String, String> env, Duration timeout) {
        Node.require();
        this.timeout = timeout;
        this.process = Node.start(script, env);
        expect("ready", null);
    }

    /** Sends a command: alternating keys and values (values as Jackson writes them). */
    public void send(String cmd, Object... kv) {
        ObjectNode node = JSON.createObjectNode();
        node.put("cmd", cmd);
        for (int i = 0; i < kv.length; i += 2) {
            node.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
        }
        process.send(node.toString());
    }

    /** Every JSON line printed so far that matches, in order. */
    public List<JsonNode> find(Predicate<JsonNode> match) {
        List<JsonNode> result = new ArrayList<>();
        for (String line : process.output()) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (Exception notJson) {
                continue; // a line of the script's own logging
            }
            if (match.test(node)) {
                result.add(node);
            }
        }
        return result;
    }

    /**
     * Waits for a line of this type (for client {@code name} when not null) matching {@code more}; returns the first.
     * Fails with the script's last lines of output when none comes in time.
     */
    public JsonNode expect(String type, String name, Predicate<JsonNode> more) {
        Predicate<JsonNode> p = n -> n.path("type").asText().equals(type)
                && (name == null || n.path("name").asText().equals(name)) && more.test(n);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<JsonNode> found = find(p);
            if (!found.isEmpty()) {
                return found.get(0);
            }
            if (System.nanoTime() - deadline > 0 || !process.isAlive()) {
                List<String> out = process.output();
                throw new AssertionError("no " + type + " of " + name + " within " + timeout
                        + (process.isAlive() ? "" : " (the driver exited)") + "; driver output (last 30 lines): "
                        + out.subList(Math.max(0, out.size() - 30), out.size()));
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + type + " of " + name, e);
            }
        }
    }

    /** {@link #expect(String, String, Predicate)} for any line of this type and client. */
    public JsonNode expect(String type, String name) {
        return expect(type, name, n -> true);
    }

    /** The lines {@code {"type":"event","name":name,"event":event}} received so far. */
    public List<JsonNode> events(String name, String event) {
        return find(n -> n.path("type").asText().equals("event") && n.path("name").asText().equals(name)
                && n.path("event").asText().equals(event));
    }

    /** Everything the script printed so far. */
    public List<String> output() {
        return process.output();
    }

    /** Kills the process at once: its connections close without any DISCONNECT. */
    public void kill() {
        process.close();
    }

    @Override
    public void close() {
        try {
            send("exit");
        } catch (RuntimeException alreadyGone) {
            // the process has ended: nothing to ask
        }
        process.close();
    }
}
