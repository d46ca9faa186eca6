package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Bytes allocated by the server's event-loop threads ({@code duplex-io*}), for the allocation tests (bounds on
 * bytes, never on time). While open, Netty's leak detection is off: the tests' paranoid level records a stack trace
 * per buffer, production samples 1 in 128. Closing restores it.
 */
final class LoopAllocation implements AutoCloseable {
    static final String PAYLOAD = "duplex-bench-0123456789abcdefghi";

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
    private long[] loops;

    LoopAllocation() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    /** The bytes the event loops have allocated so far (the loops are looked up on the first call). */
    long bytes() {
        if (loops == null) {
            loops = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("duplex-io")).mapToLong(Thread::getId).toArray();
            assertThat(loops).as("the server's event-loop threads").isNotEmpty();
        }
        long sum = 0;
        for (long b : threads.getThreadAllocatedBytes(loops)) {
            sum += Math.max(0, b);
        }
        return sum;
    }

    /**
     * Sends {@code n} {@code echo} events with acks, ids from {@code firstId}, in windows of 100, and awaits every
     * ack (checking the last of each window); returns the next id.
     */
    static int echo(RawEngineClient client, int firstId, int n) {
        int id = firstId;
        for (int sent = 0; sent < n; sent += 100) {
            int base = client.received.size();
            for (int k = 0; k < 100; k++) {
                client.sendText("42" + id++ + "[\"echo\",\"" + PAYLOAD + "\"]");
            }
            int last = id - 1;
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(20))
                    .until(() -> client.received.size() >= base + 100);
            assertThat(client.received.get(client.received.size() - 1))
                    .isEqualTo("43" + last + "[\"" + PAYLOAD + "\"]");
        }
        return id;
    }

    @Override
    public void close() {
        ResourceLeakDetector.setLevel(level);
    }
}
