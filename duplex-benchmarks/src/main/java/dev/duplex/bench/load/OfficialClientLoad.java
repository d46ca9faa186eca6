package dev.duplex.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The official socket.io-client as the load: {@code src/main/node/client-load.js} in one Node process (it inherits
 * the harness's CPU affinity: the generator's CPU), {@code clients} clients echoing in a closed loop, either over
 * WebSocket only or with the client's default transports (polling, then the upgrade). The harness asks it for its
 * counters ({@code mark}) at both ends of the window. The process is killed on {@link #close()}.
 */
final class OfficialClientLoad implements AutoCloseable {
    private static volatile Path scripts;
    private static volatile Path interop;

    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Deque<String> tail = new ArrayDeque<>();

    /** Where client-load.js and interop/node_modules are (set by the harness); without them the scenario fails. */
    static void configure(Path nodeScripts, Path interopDir) {
        scripts = nodeScripts;
        interop = interopDir;
    }

    /** Why the scenario cannot run here, or null. */
    static String missing() {
        if (scripts == null || interop == null) {
            return "the Node paths are not configured";
        }
        if (!Files.isRegularFile(scripts.resolve("client-load.js"))) {
            return scripts.resolve("client-load.js") + " is missing";
        }
        if (!Files.isDirectory(interop.resolve("node_modules/socket.io-client"))) {
            return "interop/node_modules/socket.io-client is missing (npm ci in interop/)";
        }
        return null;
    }

    OfficialClientLoad(InetSocketAddress server, int clients, boolean websocketOnly) {
        List<String> cmd = List.of("node", scripts.resolve("client-load.js").toString(),
                "http://" + server.getAddress().getHostAddress() + ":" + server.getPort(), Integer.toString(clients),
                websocketOnly ? "websocket" : "default");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(interop.toFile());
        pb.environment().put("NODE_PATH", interop.resolve("node_modules").toString());
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + cmd, e);
        }
        Thread t = new Thread(this::pump, "output-of-client-load");
        t.setDaemon(true);
        t.start();
    }

    long pid() {
        return process.pid();
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > 20) {
                        tail.removeFirst();
                    }
                }
                lines.add(line);
            }
        } catch (IOException ignored) {
            // the process went away
        }
    }

    /** Waits for a line starting with {@code prefix}; returns the rest. */
    String await(String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left > 0 ? lines.poll(Math.min(left, 200_000_000L), TimeUnit.NANOSECONDS) : null;
                if (line != null && line.startsWith(prefix)) {
                    return line.substring(prefix.length()).trim();
                }
                if (line == null && (left <= 0 || !process.isAlive())) {
                    List<String> last;
                    synchronized (tail) {
                        last = new ArrayList<>(tail);
                    }
                    throw new IllegalStateException("socket.io-client load: no '" + prefix.trim() + "' within "
                            + timeout + (process.isAlive() ? "" : " (exited)") + "; last output: "
                            + String.join(" | ", last));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The client's counters: acks received, errors, clients on WebSocket, clients echoing. */
    long[] mark() {
        lines.clear();
        try {
            OutputStream out = process.getOutputStream();
            out.write("mark\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException("socket.io-client load went away", e);
        }
        String[] f = await("MARK ", Duration.ofSeconds(10)).split(" ");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])};
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
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(3, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }
}
