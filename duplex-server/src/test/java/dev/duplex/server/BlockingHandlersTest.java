package dev.duplex.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Blocking handlers on a pool sized for one CPU ({@code max(4, 2 x 1)} = 4 threads): the limit of the lane model,
 * and the way out (a handler on an executor of the user's).
 */
class BlockingHandlersTest {
    private static final int POOL = 4;
    private SocketIoServer io;
    private ExecutorService blocking;
    private final List<RawEngineClient> clients = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void tearDown() throws Exception {
        release.countDown();
        clients.forEach(RawEngineClient::close);
        if (io != null) {
            io.close();
        }
        if (blocking != null) {
            blocking.shutdownNow();
            blocking.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private RawEngineClient client() {
        RawEngineClient c = RawEngineClient.connected(io.port(), "/");
        clients.add(c);
        return c;
    }

    private void block(AtomicInteger blocked) {
        blocked.incrementAndGet();
        try {
            release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void asManyBlockingHandlersAsPoolThreadsDelayEveryOtherConnection() {
        io = TestServers.start(ServerOptions.builder().handlerThreads(POOL).build());
        AtomicInteger blocked = new AtomicInteger();
        io.onConnection(s -> {
            s.on("block", (args, ack) -> block(blocked));
            s.on("ping", args -> "pong");
        });
        RawEngineClient other = client();
        for (int i = 0; i < POOL; i++) {
            client().sendText("42[\"block\"]");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> blocked.get() == POOL);
        other.sendText("421[\"ping\"]");
        // the documented limit: no thread is left for the other connection while the four handlers block
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> !other.texts().contains("431[\"pong\"]"));
        release.countDown();
        other.awaitText("431[\"pong\"]"::equals);
    }

    @Test
    void theWatchdogRunsWhileTheServerTimerIsBlocked() {
        int cores = Runtime.getRuntime().availableProcessors();
        org.junit.jupiter.api.Assumptions.assumeTrue(cores <= 16, "one blocking connection per CPU is needed");
        // as many threads as CPUs are woken on demand; the ones beyond only by the watchdog
        io = TestServers.start(ServerOptions.builder().handlerThreads(cores + 2).build());
        CountDownLatch timerBlocked = new CountDownLatch(1);
        // e.g. a continuation run on the timer thread that blocks: it must not stop the pool's watchdog
        io.timer().execute(() -> {
            timerBlocked.countDown();
            block(new AtomicInteger());
        });
        AtomicInteger blocked = new AtomicInteger();
        io.onConnection(s -> {
            s.on("block", (args, ack) -> block(blocked));
            s.on("ping", args -> "pong");
        });
        RawEngineClient other = client();
        for (int i = 0; i < cores; i++) {
            client().sendText("42[\"block\"]");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> blocked.get() == cores && timerBlocked.getCount() == 0);
        other.sendText("421[\"ping\"]");
        other.awaitText("431[\"pong\"]"::equals);
        assertThat(release.getCount()).isEqualTo(1);
    }

    @Test
    void blockingHandlersOnAUserExecutorDelayNoOtherHandler() {
        io = TestServers.start(ServerOptions.builder().handlerThreads(POOL).build());
        blocking = Executors.newCachedThreadPool();
        AtomicInteger blocked = new AtomicInteger();
        List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.onConnection(s -> {
            s.on("block", blocking, (args, ack) -> block(blocked));
            s.on("seq", blocking, args -> {
                order.add(args.get(0).asText());
                return args.get(0).asText();
            });
            s.on("ping", args -> "pong");
        });
        RawEngineClient other = client();
        List<RawEngineClient> blockers = new ArrayList<>();
        for (int i = 0; i < 2 * POOL; i++) {
            RawEngineClient c = client();
            blockers.add(c);
            c.sendText("42[\"block\"]");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> blocked.get() == 2 * POOL);
        // twice as many blocking handlers as pool threads, and still: other connections, and the blocked
        // connections' own other handlers, are answered
        other.sendText("421[\"ping\"]");
        other.awaitText("431[\"pong\"]"::equals);
        blockers.get(0).sendText("427[\"ping\"]");
        blockers.get(0).awaitText("437[\"pong\"]"::equals);
        // one socket's calls on the executor keep their order
        for (int i = 0; i < 20; i++) {
            other.sendText("42" + (100 + i) + "[\"seq\",\"" + i + "\"]");
        }
        other.awaitText("43119[\"19\"]"::equals);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add(String.valueOf(i));
        }
        assertThat(order).isEqualTo(expected);
        assertThat(blocked.get()).isEqualTo(2 * POOL);
    }
}
