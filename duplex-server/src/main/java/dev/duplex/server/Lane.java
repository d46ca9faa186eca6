package dev.duplex.server;

import dev.duplex.engine.EngineSocket;
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

    /**
     * Runs a received packet's {@code task}: on a lane of the event loop that reads it, at once when nothing
     * waits in the lane (no queue, no task hand-off to the loop, and the handler's writes flushed with the read);
     * else queued as {@link #execute} does.
     */
    void executePacket(Runnable task) {
        execute(task);
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

    /**
     * The connection's own event loop ({@link ServerOptions#handlersOnEventLoop()}), followed when an upgrade moves
     * the connection to the WebSocket's loop: the tasks queued before the move run first, there, in order.
     */
    static Lane of(EngineSocket conn) {
        return new OnLoop(conn);
    }

    /**
     * A serial lane over {@code pool}, for connection {@code conn} (or null): when {@code pool} is a
     * {@link HandlerPool}, work queued from the connection's event loop wakes a worker once per I/O batch, also
     * after an upgrade moved the connection to another loop.
     */
    static Lane serial(Executor pool, EngineSocket conn) {
        return new Serial(pool, conn);
    }

    /** A handler task on an event loop that runs longer than this is logged: it held every connection of the loop. */
    static final long SLOW_ON_LOOP_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);
    private static final long WARN_EVERY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    private static final java.util.concurrent.atomic.AtomicLong LAST_WARNING =
            new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    /** {@link #guard} that also warns (at most once a minute) when the task held the event loop too long. */
    static Runnable timed(Runnable command) {
        return () -> runTimed(command);
    }

    /** Runs {@code command} as {@link #timed} does. */
    static void runTimed(Runnable command) {
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
        private final EngineSocket conn;
        /** The connection's loop and its waker; changed on the new loop after an upgrade moved the connection. */
        private volatile EventLoop loop;
        private volatile HandlerPool.Waker waker;
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

        Serial(Executor pool, EngineSocket conn) {
            this.pool = pool;
            this.handlerPool = pool instanceof HandlerPool hp ? hp : null;
            this.conn = handlerPool != null ? conn : null;
            this.loop = this.conn != null ? conn.eventLoop() : null;
            this.waker = this.conn != null ? handlerPool.wakerFor(loop) : null;
        }

        /** The waker of the connection's loop when called on that loop, else null. */
        private HandlerPool.Waker loopWaker() {
            if (conn == null) {
                return null;
            }
            EventLoop now = conn.eventLoop();
            if (!now.inEventLoop()) {
                return null;
            }
            if (now != loop) {
                // the connection moved (an upgrade): only its new loop gets here from now on
                waker = handlerPool.wakerFor(now);
                loop = now;
            }
            return waker;
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
                    HandlerPool.Waker w = loopWaker();
                    if (w != null) {
                        handlerPool.executeFromLoop(this, w);
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

    /** The lane of a connection's event loop: one queue, emptied by one drain at a time on the current loop. */
    private static final class OnLoop extends Lane implements Runnable {
        private static final int BATCH = 64;
        private final EngineSocket conn;
        private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
        /** 1 while a drain is scheduled or running (a field through SCHEDULED, not an AtomicBoolean per lane). */
        private volatile int scheduled;
        private static final VarHandle SCHEDULED;

        static {
            try {
                SCHEDULED = MethodHandles.lookup().findVarHandle(OnLoop.class, "scheduled", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        OnLoop(EngineSocket conn) {
            this.conn = conn;
        }

        @Override
        boolean inLane() {
            return conn.eventLoop().inEventLoop();
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
            queue.add(command);
            if (SCHEDULED.compareAndSet(this, 0, 1)) {
                submit();
            }
        }

        @Override
        void executePacket(Runnable task) {
            // idle: nothing queued, no drain scheduled or running (a drain's own tasks never get here at once)
            if (queue.isEmpty() && conn.eventLoop().inEventLoop() && SCHEDULED.compareAndSet(this, 0, 1)) {
                try {
                    runTimed(task);
                } finally {
                    scheduled = 0;
                    // what the task (or another thread) queued meanwhile runs after it, in order
                    if (!queue.isEmpty() && SCHEDULED.compareAndSet(this, 0, 1)) {
                        submit();
                    }
                }
            } else {
                execute(task);
            }
        }

        private void submit() {
            try {
                conn.eventLoop().execute(this);
            } catch (RejectedExecutionException e) {
                queue.clear();
                scheduled = 0;
                LOG.debug("Event loop is shut down; dropping tasks", e);
            }
        }

        /** Drains the queue (a batch at most) on the connection's loop; itself the task (one object less). */
        @Override
        public void run() {
            for (int i = 0; i < BATCH; i++) {
                if (!conn.eventLoop().inEventLoop()) {
                    // the connection moved to another loop (an upgrade): its tasks follow it, in order
                    submit();
                    return;
                }
                Runnable task = queue.poll();
                if (task == null) {
                    break;
                }
                runTimed(task);
            }
            scheduled = 0;
            if (!queue.isEmpty() && SCHEDULED.compareAndSet(this, 0, 1)) {
                submit();
            }
        }
    }
}
