package dev.duplex.server;

import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The server's own handler pool (used unless the user supplies {@link ServerOptions#handlerExecutor()}): a fixed set
 * of daemon workers over one queue of runnable lanes, built to hand work between the event loops and the workers
 * with as few thread wake-ups as possible.
 *
 * <ul>
 * <li>A task submitted from an event loop during its I/O batch does not wake a worker at once: the loop wakes at
 * most one, once, after the batch ({@link #executeFromLoop}), so a worker finds the whole batch queued.</li>
 * <li>A worker is woken only when no awake worker can take the task: none is awake, or all awake ones are inside a
 * task and fewer than {@code spread} (the number of CPUs) are awake. Up to {@code spread} workers share a long
 * queue.</li>
 * <li>Tasks that workers hand back to an event loop ({@link #toLoop}) are collected per loop and handed over in one
 * event-loop task when the worker runs out of work (or has been busy for a while); the first write of a task
 * with no other work queued (low load, e.g. an ack) is handed over at once.</li>
 * <li>A watchdog on the timer checks every {@value #WATCH_MILLIS} ms while work is waiting: if no task started since
 * the last check (every awake worker is stuck in a slow handler), it wakes one more worker, beyond
 * {@code spread}; and it hands over writes still held back by a busy worker. So a blocking handler delays other
 * connections' handlers and writes by at most about {@value #WATCH_MILLIS} ms.</li>
 * </ul>
 */
final class HandlerPool implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(HandlerPool.class);
    static final long WATCH_MILLIS = 10;
    /** A worker holding writes back hands them over after this long, even while it still has work. */
    static final long HOLD_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger awake = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicLong started = new AtomicLong();
    private final AtomicBoolean watching = new AtomicBoolean();
    private final Map<EventLoop, LoopBatch> batches = new ConcurrentHashMap<>();
    private final Map<EventLoop, Waker> wakers = new ConcurrentHashMap<>();
    private final List<Worker> workers;
    private final int spread;
    private final ScheduledExecutorService timer;
    private final long holdNanos;
    private volatile boolean shutdown;

    HandlerPool(int threads, int spread, String namePrefix, ScheduledExecutorService timer) {
        this(threads, spread, namePrefix, timer, HOLD_NANOS);
    }

    HandlerPool(int threads, int spread, String namePrefix, ScheduledExecutorService timer, long holdNanos) {
        if (threads < 1 || spread < 1) {
            throw new IllegalArgumentException("threads and spread must be >= 1");
        }
        this.spread = Math.min(spread, threads);
        this.timer = timer;
        this.holdNanos = holdNanos;
        List<Worker> list = new ArrayList<>(threads);
        for (int i = 1; i <= threads; i++) {
            list.add(new Worker(namePrefix + i));
        }
        this.workers = List.copyOf(list);
        awake.set(threads);
        for (Worker w : workers) {
            w.start();
        }
    }

    // ------------------------------------------------------------------ submitting

    /** Queues {@code task} and wakes a worker if none can take it. */
    @Override
    public void execute(Runnable task) {
        enqueue(task);
        signal();
    }

    /**
     * Queues {@code task} from the thread of {@code waker}'s loop: a worker is woken (if needed) once, when the loop
     * has finished its current I/O batch.
     */
    void executeFromLoop(Runnable task, Waker waker) {
        enqueue(task);
        waker.arm();
    }

    /** The waker of {@code loop} for {@link #executeFromLoop}: one per loop, to be looked up once per connection. */
    Waker wakerFor(EventLoop loop) {
        return wakers.computeIfAbsent(loop, Waker::new);
    }

    /**
     * Runs {@code task} on {@code loop}. From a worker of this pool the task waits, with the others for the same
     * loop, until the worker runs out of work or has held them for a while; from any other thread it is handed
     * over at once, behind the tasks held for the same loop (one FIFO queue per loop).
     */
    void toLoop(EventLoop loop, Runnable task) {
        if (Thread.currentThread() instanceof Worker w && w.pool() == this) {
            w.hold(loop, task);
            if (w.writesThisTask++ == 0 && queue.isEmpty()) {
                // the task's first write with nothing queued to batch it with (low load): hand it over now, without
                // arming the timer; a task's further writes are held until it ends, under the watchdog
                w.release();
            } else {
                watch();
            }
        } else {
            // through the same queue, so that it cannot overtake tasks a worker is holding
            LoopBatch batch = batches.computeIfAbsent(loop, LoopBatch::new);
            batch.tasks.add(task);
            batch.kick();
        }
    }

    private void enqueue(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException("handler pool is shut down");
        }
        queue.add(task);
    }

    /** Wakes a worker when no awake worker can take queued work. */
    private void signal() {
        int a = awake.get();
        if (a == 0 || a < spread && running.get() >= a) {
            wakeOne();
        } else {
            watch();
        }
    }

    private void wakeOne() {
        Worker w = idle.pollFirst();
        if (w != null) {
            awake.incrementAndGet();
            w.unpark();
        }
    }

    // ------------------------------------------------------------------ watchdog

    private void watch() {
        if (!watching.get() && watching.compareAndSet(false, true)) {
            long seen = started.get();
            try {
                timer.schedule(() -> check(seen), WATCH_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                watching.set(false);
            }
        }
    }

    private void check(long seen) {
        watching.set(false);
        if (shutdown) {
            return;
        }
        boolean waiting = !queue.isEmpty();
        if (waiting && started.get() == seen) {
            LOG.debug("No handler task started for {} ms with work queued; waking another worker", WATCH_MILLIS);
            wakeOne();
        }
        boolean held = false;
        for (LoopBatch batch : batches.values()) {
            if (!batch.tasks.isEmpty()) {
                batch.kick();
                held = true;
            }
        }
        if (waiting || held) {
            watch();
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /** Lets the workers finish the queued tasks and stop; later submissions are rejected. */
    void shutdown() {
        shutdown = true;
        Worker w;
        while ((w = idle.pollFirst()) != null) {
            awake.incrementAndGet();
            w.unpark();
        }
    }

    /** Number of workers currently not parked (for tests). */
    int awakeWorkers() {
        return awake.get();
    }

    /** Number of workers (for tests). */
    int size() {
        return workers.size();
    }

    // ------------------------------------------------------------------ internals

    /** Wakes a worker for one event loop's I/O batch, from a task that loop runs after the batch. */
    final class Waker implements Runnable {
        private final EventLoop loop;
        /** Only read and written on the loop. */
        private boolean armed;

        Waker(EventLoop loop) {
            this.loop = loop;
        }

        void arm() {
            if (armed) {
                return;
            }
            armed = true;
            try {
                loop.execute(this);
            } catch (RejectedExecutionException e) {
                armed = false;
                signal();
            }
        }

        @Override
        public void run() {
            armed = false;
            signal();
        }
    }

    /** Tasks for one event loop, handed over together. */
    private static final class LoopBatch implements Runnable {
        private final EventLoop loop;
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();

        LoopBatch(EventLoop loop) {
            this.loop = loop;
        }

        void kick() {
            if (!tasks.isEmpty() && !scheduled.get() && scheduled.compareAndSet(false, true)) {
                try {
                    loop.execute(this);
                } catch (RejectedExecutionException e) {
                    scheduled.set(false);
                    tasks.clear();
                    LOG.debug("Event loop is shut down; dropping its tasks");
                }
            }
        }

        @Override
        public void run() {
            scheduled.set(false);
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (Throwable t) {
                    LOG.error("Uncaught exception in an event-loop task", t);
                }
            }
        }
    }

    private final class Worker extends Thread {
        /** Batches this worker added to and has not kicked yet; only touched by this worker. */
        private final List<LoopBatch> holding = new ArrayList<>(2);
        private long holdingSince;
        /** Writes handed to {@link #toLoop} by the current task. */
        int writesThisTask;
        private LoopBatch lastBatch;
        private volatile boolean parked;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        HandlerPool pool() {
            return HandlerPool.this;
        }

        void hold(EventLoop loop, Runnable task) {
            LoopBatch batch = lastBatch;
            if (batch == null || batch.loop != loop) {
                batch = batches.computeIfAbsent(loop, LoopBatch::new);
                lastBatch = batch;
            }
            batch.tasks.add(task);
            if (holding.isEmpty()) {
                holdingSince = System.nanoTime();
            }
            if (!holding.contains(batch)) {
                holding.add(batch);
            }
        }

        void release() {
            for (int i = 0, n = holding.size(); i < n; i++) {
                holding.get(i).kick();
            }
            holding.clear();
        }

        void unpark() {
            parked = false;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            try {
                loop();
            } finally {
                release();
                awake.decrementAndGet();
            }
        }

        private void loop() {
            while (true) {
                Runnable task = queue.poll();
                if (task != null) {
                    started.incrementAndGet();
                    writesThisTask = 0;
                    int r = running.incrementAndGet();
                    if (r >= awake.get() && awake.get() < spread && !queue.isEmpty()) {
                        wakeOne();
                    }
                    try {
                        task.run();
                    } catch (Throwable t) {
                        LOG.error("Uncaught exception in a handler task", t);
                    } finally {
                        running.decrementAndGet();
                    }
                    if (!holding.isEmpty() && System.nanoTime() - holdingSince > holdNanos) {
                        release();
                    }
                    continue;
                }
                release();
                if (shutdown) {
                    return;
                }
                parked = true;
                idle.addFirst(this);
                awake.decrementAndGet();
                if ((!queue.isEmpty() || shutdown) && idle.remove(this)) {
                    // work arrived (or shutdown) between the poll and the registration: stay awake
                    parked = false;
                    awake.incrementAndGet();
                    continue;
                }
                while (parked) {
                    LockSupport.park(HandlerPool.this);
                }
            }
        }
    }
}
