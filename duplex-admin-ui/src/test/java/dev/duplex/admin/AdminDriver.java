package dev.duplex.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.testkit.ManagedProcess;
import dev.duplex.testkit.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** src/test/node/admin-driver.js: the official socket.io-client as the Admin UI and as a user, from JUnit. */
final class AdminDriver implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(30);
    private final ManagedProcess process;
    private final Set<Integer> taken = new HashSet<>();

    AdminDriver(String baseUrl) {
        process = Node.start(Path.of("src/test/node/admin-driver.js"), Map.of(), baseUrl);
        await("READY");
    }

    void send(Object... keyValues) {
        var o = JSON.createObjectNode();
        for (int i = 0; i < keyValues.length; i += 2) {
            o.set((String) keyValues[i], JSON.valueToTree(keyValues[i + 1]));
        }
        process.send(o.toString());
    }

    /**
     * The first line not taken yet that {@code match} accepts, whenever it was printed (lines of different
     * sources come in any order); it is taken.
     */
    private String take(Predicate<String> match) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<String> lines = process.output();
            for (int i = 0; i < lines.size(); i++) {
                if (!taken.contains(i) && match.test(lines.get(i))) {
                    taken.add(i);
                    return lines.get(i);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no matching line within " + WAIT + "; output:\n"
                        + String.join("\n", lines));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** The first line not taken yet starting with {@code prefix}; the rest of it. */
    String await(String prefix) {
        return take(l -> l.startsWith(prefix)).substring(prefix.length());
    }

    /** The arguments of the next admin event {@code event} that {@code match} accepts. */
    JsonNode adminEvent(String event, Predicate<JsonNode> match) {
        String prefix = "ADMIN " + event + " ";
        String line = take(l -> l.startsWith(prefix) && match.test(parse(l.substring(prefix.length()))));
        return parse(line.substring(prefix.length()));
    }

    JsonNode adminEvent(String event) {
        return adminEvent(event, a -> true);
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
