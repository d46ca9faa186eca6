package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** emitWithAck on a closed socket, and where ack timeouts complete. */
class AckFidelityTest {
    private SocketIoServer io;

    @AfterEach
    void tearDown() {
        if (io != null) {
            io.close();
        }
    }

    @Test
    void emitWithAckWithoutTimeoutOnADisconnectedSocketFailsAtOnce() {
        io = TestServers.start(ServerOptions.builder().build());
        LinkedBlockingQueue<Socket> sockets = new LinkedBlockingQueue<>();
        io.onConnection(sockets::add);
        RawEngineClient b = RawEngineClient.connected(io.port(), "/");
        try (RawEngineClient a = RawEngineClient.connected(io.port(), "/")) {
            Socket second = poll(sockets);
            Socket first = poll(sockets);
            CompletableFuture<List<JsonNode>> before = first.emitWithAck("never-answered");
            // namespace disconnect by one client, transport close by the other
            a.sendText("41");
            b.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> !first.connected() && !second.connected());
            assertThat(before).failsWithin(Duration.ofSeconds(5));
            for (Socket s : List.of(first, second)) {
                CompletableFuture<List<JsonNode>> after = s.emitWithAck("ask");
                assertThat(after).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(Exception.class)
                        .withCauseInstanceOf(IllegalStateException.class)
                        .withMessageContaining("socket has been disconnected");
            }
        }
    }

    @Test
    void aBlockingContinuationOfOneAckTimeoutDoesNotDelayAnotherSocketsTimeout() throws Exception {
        io = TestServers.start(ServerOptions.builder().build());
        LinkedBlockingQueue<Socket> sockets = new LinkedBlockingQueue<>();
        io.onConnection(sockets::add);
        try (RawEngineClient a = RawEngineClient.connected(io.port(), "/");
             RawEngineClient b = RawEngineClient.connected(io.port(), "/")) {
            Socket first = poll(sockets);
            Socket second = poll(sockets);
            assertThat(a.closed || b.closed).isFalse();
            CountDownLatch secondTimedOut = new CountDownLatch(1);
            AtomicBoolean releasedBySecond = new AtomicBoolean();
            AtomicReference<Thread> firstThread = new AtomicReference<>();
            CountDownLatch firstDone = new CountDownLatch(1);
            first.timeout(Duration.ofMillis(100)).emitWithAck("noack-1").whenComplete((r, e) -> {
                firstThread.set(Thread.currentThread());
                try {
                    // a user continuation that blocks until the other socket's timeout has fired
                    releasedBySecond.set(secondTimedOut.await(8, TimeUnit.SECONDS));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                } finally {
                    firstDone.countDown();
                }
            });
            CompletableFuture<List<JsonNode>> other = second.timeout(Duration.ofMillis(300)).emitWithAck("noack-2");
            other.whenComplete((r, e) -> secondTimedOut.countDown());
            assertThat(firstDone.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(releasedBySecond).isTrue();
            assertThat(other).isCompletedExceptionally();
            assertThat(firstThread.get().getName()).doesNotStartWith("duplex-timer");
        }
    }

    @Test
    void aBlockingContinuationOfABroadcastAckTimeoutDoesNotDelayOtherTimeouts() throws Exception {
        io = TestServers.start(ServerOptions.builder().build());
        LinkedBlockingQueue<Socket> sockets = new LinkedBlockingQueue<>();
        io.onConnection(sockets::add);
        try (RawEngineClient a = RawEngineClient.connected(io.port(), "/");
             RawEngineClient b = RawEngineClient.connected(io.port(), "/")) {
            Socket first = poll(sockets);
            Socket second = poll(sockets);
            assertThat(a.closed || b.closed).isFalse();
            first.join("slow");
            CountDownLatch secondTimedOut = new CountDownLatch(1);
            AtomicBoolean releasedBySecond = new AtomicBoolean();
            CountDownLatch firstDone = new CountDownLatch(1);
            io.to("slow").timeout(Duration.ofMillis(100)).emitWithAck("noack-room").whenComplete((r, e) -> {
                try {
                    releasedBySecond.set(secondTimedOut.await(8, TimeUnit.SECONDS));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                } finally {
                    firstDone.countDown();
                }
            });
            second.timeout(Duration.ofMillis(300)).emitWithAck("noack-2")
                    .whenComplete((r, e) -> secondTimedOut.countDown());
            assertThat(firstDone.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(releasedBySecond).isTrue();
        }
    }

    private static Socket poll(LinkedBlockingQueue<Socket> q) {
        try {
            Socket s = q.poll(10, TimeUnit.SECONDS);
            assertThat(s).isNotNull();
            return s;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
