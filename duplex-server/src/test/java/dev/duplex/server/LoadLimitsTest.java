package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.testkit.ManagedProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile and slow clients against a server in its own JVM with a 256 MB heap (exiting on OutOfMemoryError): a
 * WebSocket ping flood, an echo flood that never reads the replies, and a slow consumer of a broadcast. Throughout,
 * another client's echo round trip is checked every 100 ms, and the server's heap after GC is checked at the end.
 */
class LoadLimitsTest {
    private static final long HEAP_BOUND = 64L << 20;
    private ManagedProcess server;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private int startServer(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Xms64m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), LoadServer.class.getName()));
        cmd.addAll(List.of(args));
        server = ManagedProcess.start(cmd, null, Map.of());
        return Integer.parseInt(server.awaitPrefix("PORT ", Duration.ofSeconds(30)).trim());
    }

    private long heapAfterGc() {
        server.send("heap");
        long heap = Long.parseLong(server.awaitPrefix("HEAP ", Duration.ofSeconds(20)).trim());
        System.out.printf("server heap after GC: %.1f MB%n", heap / 1048576.0);
        return heap;
    }

    private <T extends AutoCloseable> T track(T c) {
        clients.add(c);
        return c;
    }

    /** Echo round trips every 100 ms for this long (or until {@code stop} holds); each must come back. */
    private static int probe(RawEngineClient probe, Duration duration, java.util.function.BooleanSupplier stop) {
        long end = System.nanoTime() + duration.toNanos();
        int n = 0;
        while (System.nanoTime() < end && !stop.getAsBoolean()) {
            n++;
            String expect = "43" + n + "[" + n + "]";
            probe.sendText("42" + n + "[\"echo\"," + n + "]");
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (!probe.received.contains(expect)) {
                assertThat(System.nanoTime()).as("echo %d not answered within 3 s", n).isLessThan(deadline);
                sleep(1);
            }
            sleep(100);
        }
        return n;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** True when the flooder made no progress for 3 s (the server stopped reading it) or was cut off. */
    private static boolean throttledOrClosed(HostileWs flooder) {
        long before = flooder.sent.get();
        sleep(3000);
        System.out.printf("flooder sent %.1f MB, write failed: %s%n", flooder.sent.get() / 1048576.0,
                flooder.writeFailed);
        return flooder.writeFailed || flooder.sent.get() == before;
    }

    @Test
    void aPingFloodThatNeverReadsIsThrottledAndOthersStayServed() throws Exception {
        int port = startServer(String.valueOf(8L << 20));
        RawEngineClient probe = track(RawEngineClient.connected(port, "/"));
        HostileWs flooder = track(new HostileWs(port));
        byte[] ping = HostileWs.frame(9, new byte[125]);
        byte[] chunk = new byte[ping.length * 512];
        for (int i = 0; i < 512; i++) {
            System.arraycopy(ping, 0, chunk, i * ping.length, ping.length);
        }
        flooder.flood(chunk);
        int echoes = probe(probe, Duration.ofSeconds(17), () -> false);
        assertThat(throttledOrClosed(flooder)).as("flood still read after %d bytes", flooder.sent.get()).isTrue();
        assertThat(echoes).isGreaterThan(50);
        assertThat(heapAfterGc()).isLessThan(HEAP_BOUND);
        assertThat(probe.closed).isFalse();
    }

    @Test
    void anEchoFloodThatNeverReadsIsThrottledAndOthersStayServed() throws Exception {
        int port = startServer(String.valueOf(8L << 20));
        RawEngineClient probe = track(RawEngineClient.connected(port, "/"));
        HostileWs flooder = track(new HostileWs(port));
        flooder.send(HostileWs.text("40"));
        byte[] echo = HostileWs.text("420[\"echo\",\"" + "e".repeat(1000) + "\"]");
        byte[] chunk = new byte[echo.length * 64];
        for (int i = 0; i < 64; i++) {
            System.arraycopy(echo, 0, chunk, i * echo.length, echo.length);
        }
        flooder.flood(chunk);
        int echoes = probe(probe, Duration.ofSeconds(8), () -> false);
        assertThat(throttledOrClosed(flooder)).as("flood still read after %d bytes", flooder.sent.get()).isTrue();
        assertThat(echoes).isGreaterThan(20);
        assertThat(heapAfterGc()).isLessThan(HEAP_BOUND);
        assertThat(probe.closed).isFalse();
    }

    @Test
    void aSlowConsumerOfABroadcastIsDisconnectedPastTheLimitAndReadersLoseNothing() throws Exception {
        int port = startServer(String.valueOf(1L << 20), "broadcast");
        RawEngineClient probe = track(RawEngineClient.connected(port, "/"));
        String probeId = probe.socketId("/");
        HostileWs slow = track(new HostileWs(port));
        slow.send(HostileWs.text("40"));
        long t0 = System.nanoTime();
        probe(probe, Duration.ofSeconds(20), () -> server.output().stream()
                .anyMatch(l -> l.startsWith("DISCONNECT ")));
        List<String> out = server.output();
        System.out.printf("slow consumer disconnected after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        List<String> disconnects = out.stream().filter(l -> l.startsWith("DISCONNECT ")).toList();
        assertThat(disconnects).as("within %d ms", (System.nanoTime() - t0) / 1_000_000).hasSize(1);
        assertThat(disconnects.get(0)).endsWith(" " + DisconnectReason.WRITE_BUFFER_FULL)
                .doesNotContain(probeId);
        assertThat(out).anyMatch(l -> l.contains("maxBufferedBytes"));
        assertThat(slow.drainsToClose()).as("slow client's connection closed").isTrue();
        // the reader got every tick from its first on, in order
        Pattern tick = Pattern.compile("^42\\[\"tick\",(\\d+),");
        List<Long> ticks = new ArrayList<>();
        for (String t : probe.texts()) {
            Matcher m = tick.matcher(t);
            if (m.find()) {
                ticks.add(Long.parseLong(m.group(1)));
            }
        }
        assertThat(ticks.size()).isGreaterThan(50);
        for (int i = 1; i < ticks.size(); i++) {
            assertThat(ticks.get(i)).as("tick after %d", ticks.get(i - 1)).isEqualTo(ticks.get(i - 1) + 1);
        }
        assertThat(heapAfterGc()).isLessThan(HEAP_BOUND);
        assertThat(probe.closed).isFalse();
    }
}
