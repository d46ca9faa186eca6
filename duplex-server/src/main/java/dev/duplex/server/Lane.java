package dev.duplex.server;

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

    static Lane of(EventLoop loop) {
        return new Lane() {
            @Override
            boolean inLane() {
                return loop.inEventLoop();
            }

            @Override
            public void execute(Runnable command) {
                try {
                    loop.execute(guard(command));
                } catch (RejectedExecutionException e) {
                    LOG.debug("Event loop is shut down; dropping a task", e);
                }
            }
        };
    }

    static Lane serial(Executor pool) {
        return new Serial(pool);
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
        private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private volatile Thread runner;

        Serial(Executor pool) {
            this.pool = pool;
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
                    pool.execute(this::drain);
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
}
