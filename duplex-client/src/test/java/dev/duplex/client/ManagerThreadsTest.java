package dev.duplex.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.duplex.testkit.FreePort;
import io.netty.channel.EventLoop;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The manager's threads: released when it is fully closed, started again when it is used again. */
class ManagerThreadsTest {

    static final Duration T = Duration.ofSeconds(10);

    /**
     * A call takes the manager's loop, then hands it the task. If the manager released that loop in between (it
     * became fully closed on its own thread), the task must run on a new loop instead of failing with "event executor
     * terminated" (seen in CI, from a test's clean-up closing a socket).
     */
    @Test
    void aTaskForALoopReleasedMeanwhileRunsOnTheNewLoop() throws Exception {
        Manager m = new Manager(URI.create("http://127.0.0.1:" + FreePort.find()),
                IoOptions.builder().transports("websocket").reconnection(false).build());
        CompletableFuture<EventLoop> first = new CompletableFuture<>();
        m.exec(() -> first.complete(m.loop())); // starts the threads
        EventLoop released = first.get(10, TimeUnit.SECONDS);
        m.open(); // nothing listens on the port: the open fails and the manager releases its threads
        await().atMost(T).until(() -> m.loop() == null);
        assertThat(released.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<EventLoop> ranOn = new CompletableFuture<>();
        m.execOn(released, () -> ranOn.complete(m.loop()));
        EventLoop now = ranOn.get(10, TimeUnit.SECONDS);
        assertThat(now).isNotNull().isNotSameAs(released);
        assertThat(now.inEventLoop()).isFalse();
        m.close();
        await().atMost(T).until(() -> m.loop() == null);
    }
}
