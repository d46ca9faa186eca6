package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the event loop allocates per echo (an event with an ack, answered on the loop) over WebSocket: a bound on
 * bytes, not on time. Before issue #19's work on the echo path (a Jackson parser per packet, a new encoder builder
 * per packet, lane hand-offs) it was about 1,760 bytes in the benchmark server; about 700 since.
 */
class EchoAllocationTest {
    private static final String PAYLOAD = "duplex-bench-0123456789abcdefghi";

    @Test
    void anEchoAllocatesLittleOnTheEventLoop() {
        SocketIoServer io = TestServers.start(ServerOptions.builder().ioThreads(1)
                .handlerMode(HandlerMode.EVENT_LOOP).build());
        io.onConnection(socket -> socket.on("echo", (List<JsonNode> args, Ack ack) -> ack.send(args.get(0))));
        // the tests' paranoid leak detection records a stack trace per buffer; production samples 1 in 128
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        try (RawEngineClient client = RawEngineClient.connected(io.port(), "/")) {
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long[] loops = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("duplex-io")).mapToLong(Thread::getId).toArray();
            assertThat(loops).isNotEmpty();
            int id = 0;
            for (int round = 0; round < 6; round++) {
                id = echo(client, id, 2_000); // warm: the loop's code compiled as in a long-running server
            }
            long before = allocated(threads, loops);
            int n = 5_000;
            echo(client, id, n);
            long perEcho = (allocated(threads, loops) - before) / n;
            // the WebSocket frame in and out, the text, the packet and its tree, the event, the ack's packet and
            // text: about 700 bytes; through a Jackson parser per packet and a task hand-off about 1,800
            System.out.println("EchoAllocationTest: " + perEcho + " bytes per echo on the event loop");
            assertThat(perEcho).as("bytes allocated on the event loop per echo").isLessThan(1_200);
        } finally {
            ResourceLeakDetector.setLevel(level);
            io.close();
        }
    }

    private static long allocated(com.sun.management.ThreadMXBean threads, long[] ids) {
        long sum = 0;
        for (long b : threads.getThreadAllocatedBytes(ids)) {
            sum += Math.max(0, b);
        }
        return sum;
    }

    /** Sends {@code n} echoes with ack ids from {@code firstId} in windows of 100 and awaits every ack. */
    private static int echo(RawEngineClient client, int firstId, int n) {
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
}
