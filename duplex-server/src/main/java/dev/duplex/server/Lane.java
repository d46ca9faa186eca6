package dev.duplex.server;

import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** Where the handlers of one connection run, one task at a time, in order. */
abstract class Lane implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(Lane.class);

    /** True when the current thread is running this lane's tasks. */
    abstract boolean inLane();

    /** Runs {@code task} now when already on the lane, else queues it. */
    final void runOrExecute(Runnable task) {
        if (inLane()) {
            runHere(task);
        } else {
            execute(task);
        }
    }

    /** Runs {@code task} on the current thread, which is this lane's. */
    void runHere(Runnable task) {
        task.run();
    }

    /**
     * Runs {@code task} on {@code loop} (a connection's writes). A lane over the server's own {@link HandlerPool}
     * lets the pool hand the writes of a batch of handler runs to the loop together.
     */
    void toLoop(EventLoop loop, Runnable task) {
        loop.execute(task);
    }

    static Lane of(EventLoop loop) {
        return new Lane() {
            @Override
            boolean inLane() {
                return loop.inEventLoop();
            }

            @Override
            void runHere(Runnable task) {
                long start = System.nanoTime();
                try {
                    task.run();
                } finally {
                    long took = System.nanoTime() - start;
                    if (took > SLOW_ON_LOOP_NANOS) {
                        slowOnLoop(took, start);
                    }
                }
            }

            @Override
            public void execute(Runnable command) {
                try {
                    loop.execute(timed(command));
                } catch (RejectedExecutionException e) {
                    LOG.debug("Event loop is shut down; dropping a task", e);
                }
            }
        };
    }

    /**
     * A serial lane over {@code pool}, for a connection served by {@code loop}: when {@code pool} is a
     * {@link HandlerPool}, work queued from the loop wakes a worker once per I/O batch.
     */
    static Lane serial(Executor pool, EventLoop loop) {
        return new Serial(pool, loop);
    }

    /** A handler task on an event loop that runs longer than this is logged: it held every connection of the loop. */
    static final long SLOW_ON_LOOP_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);
    private static final long WARN_EVERY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    private static final java.util.concurrent.atomic.AtomicLong LAST_WARNING =
            new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    /** {@link #guard} that also warns (at most once a minute) when the task held the event loop too long. */
    static Runnable timed(Runnable command) {
        return () -> {
            long start = System.nanoTime();
            try {
                command.run();
            } catch (Throwable t) {
                LOG.error("Uncaught exception in a socket task", t);
            }
            long took = System.nanoTime() - start;
            if (took > SLOW_ON_LOOP_NANOS) {
                slowOnLoop(took, start);
            }
        };
    }

    private static final java.util.concurrent.atomic.AtomicLong SLOW_RUNS = new java.util.concurrent.atomic.AtomicLong();

    /** How many handler tasks ran longer than {@link #SLOW_ON_LOOP_NANOS} on an event loop in this JVM. */
    static long slowRunsOnLoop() {
        return SLOW_RUNS.get();
    }

    private static void slowOnLoop(long took, long now) {
        SLOW_RUNS.incrementAndGet();
        long last = LAST_WARNING.get();
        if (now - last >= WARN_EVERY_NANOS && LAST_WARNING.compareAndSet(last, now)) {
            LOG.warn("A handler ran {} ms on the event loop {}: every connection of that loop waited meanwhile. "
                    + "Run blocking handlers with socket.on(event, executor, handler), or set "
                    + "ServerOptions.handlerMode(POOL). (Logged at most once a minute.)",
                    took / 1_000_000, Thread.currentThread().getName());
        }
    }

    static Runnable guard(Runnable command) {
        return () -> {
            try {
                command.run();
            } catch (Throwable t) {
                LOG.error("Uncaught exception in a socket task", t);
            }
        };
    }

    /** A serial executor over a shared pool; itself the task that drains its queue (one object less per lane). */
    private static final class Serial extends Lane implements Runnable {
        private static final int BATCH = 64;
        private final Executor pool;
        private final HandlerPool handlerPool;
        private final EventLoop loop;
        private final HandlerPool.Waker waker;
        private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
        /** 1 while a drain is scheduled or running (a field through SCHEDULED, not an AtomicBoolean per lane). */
        private volatile int scheduled;
        private volatile Thread runner;
        private static final VarHandle SCHEDULED;

        static {
            try {
                SCHEDULED = MethodHandles.lookup().findVarHandle(Serial.class, "scheduled", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        Serial(Executor pool, EventLoop loop) {
            this.pool = pool;
            this.handlerPool = pool instanceof HandlerPool hp ? hp : null;
            this.loop = loop;
            this.waker = handlerPool != null && loop != null ? handlerPool.wakerFor(loop) : null;
        }

        @Override
        void toLoop(EventLoop target, Runnable task) {
            if (handlerPool != null) {
                handlerPool.toLoop(target, task);
            } else {
                target.execute(task);
            }
        }

        @Override
        boolean inLane() {
            return runner == Thread.currentThread();
        }

        @Override
        public void execute(Runnable command) {
            queue.add(command);
            schedule();
        }

        private void schedule() {
            if (SCHEDULED.compareAndSet(this, 0, 1)) {
                try {
                    if (waker != null && loop.inEventLoop()) {
                        handlerPool.executeFromLoop(this, waker);
                    } else {
                        pool.execute(this);
                    }
                } catch (RejectedExecutionException e) {
                    scheduled = 0;
                    queue.clear();
                    LOG.debug("Handler executor is shut down; dropping tasks", e);
                }
            }
        }

        /** Drains the queue (a batch at most); on the pool. */
        @Override
        public void run() {
            runner = Thread.currentThread();
            try {
                for (int i = 0; i < BATCH; i++) {
                    Runnable task = queue.poll();
                    if (task == null) {
                        break;
                    }
                    guard(task).run();
                }
            } finally {
                runner = null;
                scheduled = 0;
                if (!queue.isEmpty()) {
                    schedule();
                }
            }
        }
    }
}
