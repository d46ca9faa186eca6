package dev.duplex.server;

import dev.duplex.engine.EngineSocket;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/** Where the handlers of one connection run, one task at a time, in order. */
abstract class Lane implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(Lane.class);

    /** True when the current thread is running this lane's tasks. */
    abstract boolean inLane();

    /** Runs {@code task} now when already on the lane, else queues it. */
    final void runOrExecute(Runnable task) {
        if (inLane()) {
            task.run();
        } else {
            execute(task);
        }
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

    static Runnable guard(Runnable command) {
        return () -> {
            try {
                command.run();
            } catch (Throwable t) {
                LOG.error("Uncaught exception in a socket task", t);
            }
        };
    }

    /** A serial executor over a shared pool. */
    private static final class Serial extends Lane {
        private static final int BATCH = 64;
        private final Executor pool;
        private final HandlerPool handlerPool;
        private final EngineSocket conn;
        /** The connection's loop and its waker; changed on the new loop after an upgrade moved the connection. */
        private volatile EventLoop loop;
        private volatile HandlerPool.Waker waker;
        private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final Runnable drain = this::drain;
        private volatile Thread runner;

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
            if (scheduled.compareAndSet(false, true)) {
                try {
                    HandlerPool.Waker w = loopWaker();
                    if (w != null) {
                        handlerPool.executeFromLoop(drain, w);
                    } else {
                        pool.execute(drain);
                    }
                } catch (RejectedExecutionException e) {
                    scheduled.set(false);
                    queue.clear();
                    LOG.debug("Handler executor is shut down; dropping tasks", e);
                }
            }
        }

        private void drain() {
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
                scheduled.set(false);
                if (!queue.isEmpty()) {
                    schedule();
                }
            }
        }
    }

    /** The lane of a connection's event loop: one queue, emptied by one drain at a time on the current loop. */
    private static final class OnLoop extends Lane {
        private static final int BATCH = 64;
        private final EngineSocket conn;
        private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final Runnable drain = this::drain;

        OnLoop(EngineSocket conn) {
            this.conn = conn;
        }

        @Override
        boolean inLane() {
            return conn.eventLoop().inEventLoop();
        }

        @Override
        public void execute(Runnable command) {
            queue.add(command);
            if (scheduled.compareAndSet(false, true)) {
                submit();
            }
        }

        private void submit() {
            try {
                conn.eventLoop().execute(drain);
            } catch (RejectedExecutionException e) {
                queue.clear();
                scheduled.set(false);
                LOG.debug("Event loop is shut down; dropping tasks", e);
            }
        }

        private void drain() {
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
                try {
                    task.run();
                } catch (Throwable t) {
                    LOG.error("Uncaught exception in a socket task", t);
                }
            }
            scheduled.set(false);
            if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
                submit();
            }
        }
    }
}
