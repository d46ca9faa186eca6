package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client that sends faster than its handlers run is read no faster than they run: what waits for the handlers
 * stays near {@code maxBufferedBytes}, the client is held back by TCP, and nothing it sent is lost.
 */
class InboundBackpressureTest {
    private SocketIoServer io;

    @AfterEach
    void stop() {
        if (io != null) {
            io.close();
        }
    }

    @Test
    void aClientFasterThanItsHandlersIsThrottledAndNothingIsLost() throws Exception {
        io = TestServers.start(ServerOptions.builder().maxBufferedBytes(256 << 10).build());
        AtomicInteger handled = new AtomicInteger();
        io.onConnection(socket -> socket.on("slow", (args, ack) -> {
            handled.incrementAndGet();
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try (HostileWs client = new HostileWs(io.port())) {
            client.send(HostileWs.text("40"));
            byte[] frame = HostileWs.text("42[\"slow\",\"" + "s".repeat(1000) + "\"]");
            byte[] chunk = new byte[frame.length * 64];
            for (int i = 0; i < 64; i++) {
                System.arraycopy(frame, 0, chunk, i * frame.length, frame.length);
            }
            client.flood(chunk);
            // the handlers do ~500 packets/s; the client could send a hundred times more
            long before;
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            do {
                before = client.sent.get();
                Thread.sleep(1500);
                assertThat(System.nanoTime()).as("client never held back; sent %d bytes, %d handled",
                        client.sent.get(), handled.get()).isLessThan(deadline);
            } while (client.sent.get() != before);
            long sentPackets = client.sent.get() / frame.length;
            int handledNow = handled.get();
            System.out.printf("held back after %d packets sent, %d handled%n", sentPackets, handledNow);
            assertThat(client.writeFailed).isFalse();
            // handlers keep going, and reading resumes as they catch up
            await().atMost(Duration.ofSeconds(10)).until(() -> handled.get() > handledNow + 500);
            long stalledAt = before;
            await().atMost(Duration.ofSeconds(10)).until(() -> client.sent.get() > stalledAt);
        }
    }
}
