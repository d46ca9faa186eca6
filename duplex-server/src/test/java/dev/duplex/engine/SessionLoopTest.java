package dev.duplex.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hand-over of a session from one event loop to another: order kept, never two threads at once. */
class SessionLoopTest {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    @AfterEach
    void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void tasksKeepTheirOrderAcrossAMoveAndNeverRunAtOnce() throws Exception {
        EventLoop from = group.next();
        EventLoop to = group.next();
        assertThat(to).isNotSameAs(from);
        SessionLoop owner = new SessionLoop(from);
        int perProducer = 20_000;
        // confined to whichever loop owns the session: no synchronization, as in Session
        List<Integer> fromNew = new ArrayList<>();
        List<Integer> fromOther = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(2);
        AtomicBoolean moveQueued = new AtomicBoolean();
        CountDownLatch queuedBehindTheMove = new CountDownLatch(1);
        AtomicInteger newTotal = new AtomicInteger();
        // the new loop's own work (like the WebSocket's frames), one at a time in its order
        to.execute(new Runnable() {
            int i;
            int signalledAt = -1;

            @Override
            public void run() {
                int n = i++;
                // a task queued once the move is: it is behind the move in the session's queue
                boolean behindTheMove = moveQueued.get();
                owner.run(() -> {
                    if (running.incrementAndGet() > 1) {
                        overlaps.incrementAndGet();
                    }
                    fromNew.add(n);
                    threads.add(Thread.currentThread());
                    if (n == perProducer / 4) {
                        // the old loop moves the session while both producers are busy, once the new loop has
                        // queued a task behind the move: that one must still run before the new loop's later ones
                        owner.execute(() -> {
                            awaitUninterruptibly(queuedBehindTheMove);
                            owner.moveTo(to);
                        });
                        moveQueued.set(true);
                    }
                    running.decrementAndGet();
                });
                if (behindTheMove && queuedBehindTheMove.getCount() > 0) {
                    queuedBehindTheMove.countDown();
                    signalledAt = i;
                }
                // at least perProducer tasks, and 1,000 more once the move can happen
                if (i < perProducer || signalledAt < 0 || i - signalledAt < 1000) {
                    to.execute(this);
                } else {
                    newTotal.set(i);
                    done.countDown();
                }
            }
        });
        // another thread (like a handler pool) queueing tasks
        Thread other = new Thread(() -> {
            for (int i = 0; i < perProducer; i++) {
                int n = i;
                owner.run(() -> {
                    if (running.incrementAndGet() > 1) {
                        overlaps.incrementAndGet();
                    }
                    fromOther.add(n);
                    running.decrementAndGet();
                });
            }
            done.countDown();
        });
        other.start();
        assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        CountDownLatch flushed = new CountDownLatch(1);
        owner.execute(flushed::countDown);
        assertThat(flushed.await(20, TimeUnit.SECONDS)).isTrue();
        CountDownLatch read = new CountDownLatch(1);
        List<Integer> a = new ArrayList<>();
        List<Integer> b = new ArrayList<>();
        List<Thread> t = new ArrayList<>();
        owner.execute(() -> {
            a.addAll(fromNew);
            b.addAll(fromOther);
            t.addAll(threads);
            read.countDown();
        });
        assertThat(read.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(overlaps.get()).isZero();
        assertThat(owner.loop()).isSameAs(to);
        assertThat(a).hasSize(newTotal.get());
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).isEqualTo(i);
        }
        assertThat(b).hasSize(perProducer);
        for (int i = 0; i < perProducer; i++) {
            assertThat(b.get(i)).isEqualTo(i);
        }
        // once moved, the session never runs on the old loop again
        int firstOnNew = -1;
        for (int i = 0; i < t.size(); i++) {
            if (to.inEventLoop(t.get(i))) {
                firstOnNew = firstOnNew < 0 ? i : firstOnNew;
            } else {
                assertThat(firstOnNew).as("task %d ran on the old loop after the move", i).isLessThan(0);
            }
        }
        assertThat(firstOnNew).isGreaterThanOrEqualTo(0);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
