package dev.duplex.client;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in order, on a possibly shared and multi-threaded executor: the listeners of one
 * manager stay ordered while many managers share a few threads.
 */
final class SerialExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor delegate;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();

    SerialExecutor(Executor delegate) {
        this.delegate = delegate;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void schedule() {
        if (!tasks.isEmpty() && running.compareAndSet(false, true)) {
            try {
                delegate.execute(this::drain);
            } catch (RejectedExecutionException e) {
                // the owner stopped the executor: run here rather than lose the events
                drain();
            }
        }
    }

    private void drain() {
        try {
            Runnable r;
            // a batch at a time, then the thread goes back to the pool, fair to the other managers sharing it
            for (int n = 0; n < 64 && (r = tasks.poll()) != null; n++) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("listener task failed", e);
                }
            }
        } finally {
            running.set(false);
        }
        schedule(); // what is left, or a task added between the last poll and the reset
    }
}
