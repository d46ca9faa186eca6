package dev.duplex.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.duplex.testkit.ManagedProcess;
import dev.duplex.testkit.Node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/** A Node script of src/test/node driven by JSON lines on stdin, printing JSON lines. */
final class JsonProcess implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(20);
    private final ManagedProcess process;
    private final AtomicInteger ids = new AtomicInteger();
    private final List<JsonNode> parsed = new ArrayList<>();
    private int parsedLines;

    JsonProcess(String script, Map<String, String> env) {
        this.process = Node.start(Path.of("src/test/node/" + script), env);
        await(script + " ready").atMost(WAIT).until(() -> !find(l -> l.path("type").asText().equals("ready")).isEmpty());
    }

    /** Every JSON line printed so far that matches. */
    synchronized List<JsonNode> find(Predicate<JsonNode> match) {
        List<String> lines = process.output();
        for (; parsedLines < lines.size(); parsedLines++) {
            String line = lines.get(parsedLines);
            if (line.startsWith("{")) {
                try {
                    parsed.add(JSON.readTree(line));
                } catch (Exception ignored) {
                    // not one of ours
                }
            }
        }
        List<JsonNode> result = new ArrayList<>();
        for (JsonNode n : parsed) {
            if (match.test(n)) {
                result.add(n);
            }
        }
        return result;
    }

    JsonNode awaitOne(String what, Predicate<JsonNode> match) {
        await(what).atMost(WAIT).until(() -> !find(match).isEmpty());
        return find(match).get(0);
    }

    void send(String cmd, Object... kv) {
        process.send(command(cmd, null, kv).toString());
    }

    /** Sends a command with an id and waits for its result line ({@code result} or {@code error}). */
    JsonNode call(String cmd, Object... kv) {
        return callAsync(cmd, kv).await();
    }

    Pending callAsync(String cmd, Object... kv) {
        int id = ids.incrementAndGet();
        process.send(command(cmd, id, kv).toString());
        return new Pending(id, cmd);
    }

    /** A command sent, whose result is awaited later. */
    final class Pending {
        private final int id;
        private final String cmd;

        Pending(int id, String cmd) {
            this.id = id;
            this.cmd = cmd;
        }

        JsonNode await() {
            return awaitOne("result of " + cmd, n -> n.path("type").asText().equals("result")
                    && n.path("id").asInt() == id);
        }
    }

    private static ObjectNode command(String cmd, Integer id, Object... kv) {
        ObjectNode node = JSON.createObjectNode();
        node.put("cmd", cmd);
        if (id != null) {
            node.put("id", id);
        }
        for (int i = 0; i < kv.length; i += 2) {
            node.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
        }
        return node;
    }

    List<String> output() {
        return process.output();
    }

    long pid() {
        return process.pid();
    }

    void kill() {
        process.close();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.close();
    }
}
