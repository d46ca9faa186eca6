package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HandlerPoolTest {
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final EventLoop loop = new DefaultEventLoop();
    private final List<HandlerPool> pools = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    private HandlerPool pool(int threads, int spread, long holdNanos) {
        HandlerPool p = new HandlerPool(threads, spread, "test-handler-", timer, holdNanos);
        pools.add(p);
        // workers start awake and park when they find no work
        await().atMost(Duration.ofSeconds(10)).until(() -> p.awakeWorkers() == 0);
        return p;
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        pools.forEach(HandlerPool::shutdown);
        timer.shutdownNow();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void runsEveryTaskFromManySubmitters() throws Exception {
        HandlerPool p = pool(4, 2, HandlerPool.HOLD_NANOS);
        int submitters = 4;
        int perSubmitter = 20_000;
        AtomicInteger done = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < submitters; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < perSubmitter; i++) {
                    p.execute(done::incrementAndGet);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> done.get() == submitters * perSubmitter);
        await().atMost(Duration.ofSeconds(10)).until(() -> p.awakeWorkers() == 0);
    }

    @Test
    void aBlockedWorkerDoesNotStallOtherTasks() {
        // one worker per CPU share the queue (spread 1): without the watchdog the second task would wait for the
        // first, which never ends on its own
        HandlerPool p = pool(4, 1, HandlerPool.HOLD_NANOS);
        CountDownLatch blocking = new CountDownLatch(1);
        p.execute(() -> {
            blocking.countDown();
            waitFor(release);
        });
        waitFor(blocking);
        CompletableFuture<String> other = new CompletableFuture<>();
        p.execute(() -> other.complete(Thread.currentThread().getName()));
        assertThat(other).succeedsWithin(Duration.ofSeconds(10));
        assertThat(release.getCount()).isEqualTo(1); // the first task is still blocked
    }

    @Test
    void tasksQueuedDuringAnEventLoopTaskWakeAWorkerOnlyAfterIt() throws Exception {
        HandlerPool p = pool(4, 2, HandlerPool.HOLD_NANOS);
        AtomicInteger ran = new AtomicInteger();
        CompletableFuture<int[]> during = new CompletableFuture<>();
        HandlerPool.Waker waker = p.wakerFor(loop);
        loop.execute(() -> {
            for (int i = 0; i < 100; i++) {
                p.executeFromLoop(ran::incrementAndGet, waker);
            }
            // still inside the loop's task: no worker was woken, so nothing can have run
            during.complete(new int[] {p.awakeWorkers(), ran.get()});
        });
        assertThat(during.get(10, TimeUnit.SECONDS)).containsExactly(0, 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == 100);
    }

    @Test
    void writesOfABatchReachTheLoopTogetherAndInOrder() throws Exception {
        // hold writes until the worker runs out of work (no time limit in this test)
        HandlerPool p = pool(1, 1, Long.MAX_VALUE);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch gate = new CountDownLatch(1);
        p.execute(() -> waitFor(gate)); // keeps the worker busy while the next tasks queue up
        for (int i = 0; i < 3; i++) {
            int n = i;
            p.execute(() -> {
                order.add("task" + n);
                p.toLoop(loop, () -> order.add("write" + n));
            });
        }
        gate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> order.size() == 6);
        assertThat(order).containsExactly("task0", "task1", "task2", "write0", "write1", "write2");
    }

    @Test
    void writesHeldByABlockedWorkerAreHandedOverByTheWatchdog() {
        HandlerPool p = pool(1, 1, Long.MAX_VALUE);
        CountDownLatch queued = new CountDownLatch(1);
        CompletableFuture<Boolean> written = new CompletableFuture<>();
        p.execute(() -> {
            waitFor(queued); // another task is queued: the write below is held to be batched with its writes
            p.toLoop(loop, () -> written.complete(true));
            waitFor(release); // a handler that emits, then blocks
        });
        p.execute(() -> { });
        queued.countDown();
        assertThat(written).succeedsWithin(Duration.ofSeconds(10));
        assertThat(release.getCount()).isEqualTo(1);
    }

    @Test
    void atLowLoadATasksFirstWriteGoesAtOnceAndTheRestUnderTheWatchdog() {
        HandlerPool p = pool(1, 1, Long.MAX_VALUE);
        CompletableFuture<Boolean> first = new CompletableFuture<>();
        CountDownLatch firstSeen = new CountDownLatch(1);
        CompletableFuture<Boolean> second = new CompletableFuture<>();
        p.execute(() -> {
            p.toLoop(loop, () -> first.complete(true));
            waitFor(firstSeen); // nothing else queued: the first write went to the loop at once, without the timer
            p.toLoop(loop, () -> second.complete(true)); // held until the task ends...
            waitFor(release); // ...which it does not: the watchdog hands it over
        });
        assertThat(first).succeedsWithin(Duration.ofSeconds(10));
        assertThat(timer.getTaskCount()).isZero();
        firstSeen.countDown();
        assertThat(second).succeedsWithin(Duration.ofSeconds(10));
        assertThat(timer.getTaskCount()).isPositive();
        assertThat(release.getCount()).isEqualTo(1);
    }

    @Test
    void writesFromOtherThreadsGoStraightToTheLoop() {
        HandlerPool p = pool(1, 1, Long.MAX_VALUE);
        CompletableFuture<Boolean> written = new CompletableFuture<>();
        p.toLoop(loop, () -> written.complete(loop.inEventLoop()));
        assertThat(written).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(true);
    }

    @Test
    void shutdownRunsQueuedTasksThenStopsTheWorkers() {
        HandlerPool p = pool(2, 1, HandlerPool.HOLD_NANOS);
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        p.execute(() -> {
            workers.add(Thread.currentThread());
            waitFor(gate);
        });
        for (int i = 0; i < 10; i++) {
            p.execute(() -> {
                workers.add(Thread.currentThread());
                ran.incrementAndGet();
            });
        }
        p.shutdown();
        assertThatThrownBy(() -> p.execute(ran::incrementAndGet)).isInstanceOf(RejectedExecutionException.class);
        gate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == 10);
        await().atMost(Duration.ofSeconds(10)).until(() -> workers.stream().noneMatch(Thread::isAlive));
        assertThat(ran.get()).isEqualTo(10);
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
