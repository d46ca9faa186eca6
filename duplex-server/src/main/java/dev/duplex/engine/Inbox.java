package dev.duplex.engine;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The messages sent to a session from threads that do not own it: they wait here, in the order sent, until one
 * task of the session's loop moves them all into its write buffer (a thread that sends n messages costs one
 * hand-off, not n).
 */
final class Inbox {
    private final ConcurrentLinkedQueue<Object> items = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drain;

    /** {@code drain}, run on the session's loop when items wait, takes them with {@link #moveTo}. */
    Inbox(Runnable drain) {
        this.drain = () -> {
            scheduled.set(false);
            drain.run();
        };
    }

    /** Queues {@code item}; the first item of a batch schedules the drain. Any thread. */
    void add(Object item, SessionLoop owner) {
        items.add(item);
        if (scheduled.compareAndSet(false, true)) {
            owner.execute(drain);
        }
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    /** Moves every waiting item into {@code buffer} (or drops them when {@code keep} is false); true if any moved. */
    boolean moveTo(WriteBuffer buffer, boolean keep) {
        boolean any = false;
        Object item;
        while ((item = items.poll()) != null) {
            if (keep) {
                buffer.add(item);
                any = true;
            }
        }
        return any;
    }

    void clear() {
        items.clear();
    }
}
