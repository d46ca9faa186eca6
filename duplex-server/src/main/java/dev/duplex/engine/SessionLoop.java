package dev.duplex.engine;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loop that owns a session's state, and the running of the session's tasks there, one at a time, in the
 * order they were queued.
 *
 * <p>A session starts on the loop of the request that opened it. An upgrade to a WebSocket served by another loop
 * {@link #moveTo moves} it there, once, so that the WebSocket's frames, from then on most of its traffic, need no
 * hop between threads. Tasks from other threads wait in one queue of the session (not in a loop's queue), which
 * one drain at a time empties on whichever loop owns the session when it runs: a drain that finds the session moved
 * hands itself to the new loop. The owner runs a task at once only when nothing is queued before it. So tasks keep
 * their order across the move, and no two threads ever run the session's code at once.
 * <p>An idle session holds no queue: it is created by the first task queued from another thread.
 */
final class SessionLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(SessionLoop.class);
    private static final int BATCH = 64;
    private static final VarHandle QUEUE;
    private static final VarHandle SCHEDULED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            QUEUE = l.findVarHandle(SessionLoop.class, "queue", ConcurrentLinkedQueue.class);
            SCHEDULED = l.findVarHandle(SessionLoop.class, "scheduled", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile EventLoop loop;
    /** Null until a task is first queued. */
    private volatile ConcurrentLinkedQueue<Runnable> queue;
    /** 1 from the scheduling of a drain until it has finished. */
    private volatile int scheduled;

    SessionLoop(EventLoop loop) {
        this.loop = loop;
    }

    /** The loop that owns the session now. */
    EventLoop loop() {
        return loop;
    }

    /** Whether the current thread owns the session and nothing is queued for it: it may run its code at once. */
    boolean owns() {
        ConcurrentLinkedQueue<Runnable> q = queue;
        return loop.inEventLoop() && (q == null || q.isEmpty());
    }

    /** Runs {@code task} now when {@link #owns()}, else queues it for the owner. Any thread. */
    void run(Runnable task) {
        if (owns()) {
            task.run();
        } else {
            execute(task);
        }
    }

    /** Queues {@code task} for the owner loop, after the tasks already queued. Any thread. */
    @SuppressWarnings("unchecked")
    void execute(Runnable task) {
        ConcurrentLinkedQueue<Runnable> q = queue;
        if (q == null) {
            q = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Runnable> won = (ConcurrentLinkedQueue<Runnable>) QUEUE.compareAndExchange(this,
                    (ConcurrentLinkedQueue<Runnable>) null, q);
            if (won != null) {
                q = won;
            }
        }
        q.add(task);
        if (SCHEDULED.compareAndSet(this, 0, 1)) {
            submitDrain(loop);
        }
    }

    /** Runs {@code task} as a task of the session after {@code delay}, wherever the session lives then. */
    ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        return schedule(loop, task, delay, unit);
    }

    /** {@link #schedule(Runnable, long, TimeUnit)}, the timer on {@code on}. */
    ScheduledFuture<?> schedule(EventLoop on, Runnable task, long delay, TimeUnit unit) {
        return on.schedule(() -> run(task), delay, unit);
    }

    /**
     * Hands the session to {@code to}. Called by the owner as the very last thing its current task does with the
     * session: {@code to} may run the session's code as soon as this returns.
     */
    void moveTo(EventLoop to) {
        loop = to;
    }

    private void submitDrain(EventLoop l) {
        try {
            l.execute(this);
        } catch (RejectedExecutionException e) {
            log.debug("event loop shut down; dropping the session's tasks", e);
            queue.clear();
            scheduled = 0;
        }
    }

    /** The drain: runs a batch of the queued tasks on the owner loop. */
    @Override
    public void run() {
        ConcurrentLinkedQueue<Runnable> q = queue;
        for (int i = 0; i < BATCH; i++) {
            EventLoop l = loop;
            if (!l.inEventLoop()) {
                // the session moved (by the task just run, or before this drain was queued): follow it
                submitDrain(l);
                return;
            }
            Runnable task = q.poll();
            if (task == null) {
                break;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("a session task threw", e);
            }
        }
        scheduled = 0;
        if (!q.isEmpty() && SCHEDULED.compareAndSet(this, 0, 1)) {
            submitDrain(loop);
        }
    }
}
