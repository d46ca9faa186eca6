package dev.duplex.server;

import dev.duplex.testkit.ManagedProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #19: what an idle WebSocket connection (namespace connected, one handler registered) keeps on the heap.
 * A separate process ({@link IdleWsClients}) opens the connections, so this JVM's heap holds the server side only;
 * two class histograms of live objects (each after a full GC, so independent of timing) give the bytes and the
 * objects added per connection. The bounds sit between the figures before (6.6 KB; 9 concurrent maps, 7
 * copy-on-write lists, 2 scheduled tasks per connection) and after the first round (3.8 KB; 0, 0, 1), and then
 * between that round's (3.7 KB here; 1 scheduled task, 4 pipeline handlers and 2 string arrays per connection)
 * and the second's (3.15 KB; the heartbeat on its loop's shared timer, 2 handlers: the WebSocket decoder and
 * {@code WsHandler}, the handshake snapshot's arrays shared with the previous client's).
 */
class IdleConnectionMemoryTest {
    private static final int CONNECTIONS = 2_000;
    private static final int WARM_UP = 50;
    /**
     * Bytes of live heap per idle connection in this test's JVM: 6,640 before the work, 4,910 after the server
     * layer's part, 3,770 with the engine's (the handshake snapshot's shared strings, mostly); 3,700 before the
     * second round (issue #19, part "mem"), 3,140 after it.
     */
    private static final double MAX_BYTES_PER_CONNECTION = 3_450;

    private SocketIoServer io;

    @AfterEach
    void tearDown() {
        if (io != null) {
            io.close();
        }
    }

    @Test
    void anIdleConnectionKeepsNoListenerListsAckMapsOrCancelledTimersOnTheHeap() {
        io = TestServers.start(ServerOptions.builder()
                // the clients do not answer pings: no heartbeat may end the test's connections
                .pingInterval(Duration.ofMinutes(10))
                .build());
        io.onConnection(socket -> socket.on("echo", (args, ack) -> {
            if (ack != null) {
                ack.send(args.toArray());
            }
        }));
        // classes loaded, pools and shared tables grown before the first histogram
        hold(WARM_UP, false);
        Map<String, long[]> before = histogram();
        Map<String, long[]> during = hold(CONNECTIONS, true);
        Map<String, Double> bytes = new HashMap<>();
        Map<String, Double> count = new HashMap<>();
        double total = 0;
        for (Map.Entry<String, long[]> e : during.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            count.put(e.getKey(), (e.getValue()[0] - b[0]) / (double) CONNECTIONS);
            double delta = (e.getValue()[1] - b[1]) / (double) CONNECTIONS;
            bytes.put(e.getKey(), delta);
            total += delta;
        }
        StringBuilder top = new StringBuilder();
        bytes.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(40)
                .forEach(e -> top.append(String.format("%n%8.1f B %6.2f x %s", e.getValue(),
                        count.get(e.getKey()), e.getKey())));
        System.out.printf("Idle connection: %.0f B of live heap per connection; largest:%s%n", total, top);

        assertThat(count.getOrDefault("io.netty.channel.DefaultChannelPipeline", 0.0))
                .as("every connection is open while measured").isGreaterThanOrEqualTo(0.99);
        assertThat(count.getOrDefault("dev.duplex.server.Socket", 0.0))
                .as("every connection has its namespace socket").isGreaterThanOrEqualTo(0.99);
        // per socket, the data map, the listener registry, the ack maps and the client's namespace set are created
        // on first use, the rooms a socket is in are small immutable sets: the one map left is the client's sockets
        assertThat(count.getOrDefault("java.util.concurrent.ConcurrentHashMap", 0.0))
                .as("concurrent maps per idle connection" + top).isLessThan(1.5);
        assertThat(count.getOrDefault("java.util.concurrent.CopyOnWriteArrayList", 0.0))
                .as("listener lists per idle connection" + top).isLessThan(0.5);
        // no timer of its own: the cancelled connect timeout is not kept, and the heartbeat is an entry in its
        // loop's shared heartbeat timers
        assertThat(count.getOrDefault("io.netty.util.concurrent.ScheduledFutureTask", 0.0))
                .as("scheduled tasks per idle connection" + top).isLessThan(0.5);
        // an established WebSocket keeps the frame decoder and WsHandler only: no Backpressure (WsHandler applies
        // it), no frame encoder (frames are written as complete buffers when no extension is negotiated)
        assertThat(count.getOrDefault("io.netty.channel.DefaultChannelHandlerContext", 0.0))
                .as("pipeline handlers per idle connection" + top).isLessThan(2.5);
        // clients that send the same headers and query (the WebSocket key is not kept) share the snapshot's arrays
        assertThat(count.getOrDefault("[Ljava.lang.String;", 0.0))
                .as("string arrays per idle connection" + top).isLessThan(0.5);
        assertThat(total).as("live heap bytes per idle connection" + top).isLessThan(MAX_BYTES_PER_CONNECTION);
    }

    /**
     * Opens {@code n} idle connections in a separate process, then closes them; with {@code measure}, returns the histogram taken while they were held (else null).
     */
    private Map<String, long[]> hold(int n, boolean measure) {
        Path classes;
        try {
            classes = Path.of(IdleWsClients.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Map<String, long[]> histogram = null;
        try (ManagedProcess clients = ManagedProcess.start(List.of(java, "-Xmx64m", "-cp", classes.toString(),
                IdleWsClients.class.getName(), Integer.toString(io.port()), Integer.toString(n)), null, Map.of())) {
            String line = clients.awaitLine(l -> l.startsWith("READY") || l.startsWith("FAILED"),
                    Duration.ofSeconds(90));
            assertThat(line).startsWith("READY");
            await().atMost(Duration.ofSeconds(30)).until(() -> io.sockets().sockets().size() == n);
            if (measure) {
                histogram = histogram();
                // the server closes first: the TIME_WAIT of these connections is then on its own port, not on
                // thousands of ephemeral ports that other tests may want
                io.disconnectSockets(true);
                await().atMost(Duration.ofSeconds(30)).until(() -> io.sockets().sockets().isEmpty());
            }
            // (the few warm-up connections close from the client side: once the server has seen that, their
            // channels are gone too, and the histogram that follows holds none of them)
            clients.send("done");
            clients.waitFor(Duration.ofSeconds(30));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> io.sockets().sockets().isEmpty());
        return histogram;
    }

    /** Class name to {instances, bytes} of the live objects of this JVM (after a full GC). */
    private static Map<String, long[]> histogram() {
        String text;
        try {
            text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {null}, new String[] {String[].class.getName()});
        } catch (Exception e) {
            throw new IllegalStateException("no class histogram from this JVM", e);
        }
        Map<String, long[]> map = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                map.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return map;
    }
}
