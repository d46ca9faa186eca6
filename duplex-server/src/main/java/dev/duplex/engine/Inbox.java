package dev.duplex.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The messages sent to a session from threads that do not own it: they wait here, in the order sent, until one
 * task of the session's loop moves them all into its write buffer (a thread that sends n messages costs one
 * hand-off, not n). The queue is created by the first such message.
 */
final class Inbox implements Runnable {
    private static final VarHandle ITEMS;
    private static final VarHandle SCHEDULED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            ITEMS = l.findVarHandle(Inbox.class, "items", ConcurrentLinkedQueue.class);
            SCHEDULED = l.findVarHandle(Inbox.class, "scheduled", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Session session;
    private volatile ConcurrentLinkedQueue<Object> items;
    private volatile int scheduled;

    Inbox(Session session) {
        this.session = session;
    }

    /** Queues {@code item}; the first item of a batch schedules the session's {@code takeInbox}. Any thread. */
    @SuppressWarnings("unchecked")
    void add(Object item, SessionLoop owner) {
        ConcurrentLinkedQueue<Object> q = items;
        if (q == null) {
            q = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Object> won = (ConcurrentLinkedQueue<Object>) ITEMS.compareAndExchange(this,
                    (ConcurrentLinkedQueue<Object>) null, q);
            if (won != null) {
                q = won;
            }
        }
        q.add(item);
        if (SCHEDULED.compareAndSet(this, 0, 1)) {
            owner.execute(this);
        }
    }

    /** The scheduled task, on the session's loop. */
    @Override
    public void run() {
        scheduled = 0;
        session.takeInbox();
    }

    boolean isEmpty() {
        ConcurrentLinkedQueue<Object> q = items;
        return q == null || q.isEmpty();
    }

    /** Moves every waiting item into {@code buffer} (or drops them when {@code keep} is false); true if any moved. */
    boolean moveTo(WriteBuffer buffer, boolean keep) {
        ConcurrentLinkedQueue<Object> q = items;
        if (q == null) {
            return false;
        }
        boolean any = false;
        Object item;
        while ((item = q.poll()) != null) {
            if (keep) {
                buffer.add(item);
                any = true;
            }
        }
        return any;
    }

    void clear() {
        ConcurrentLinkedQueue<Object> q = items;
        if (q != null) {
            q.clear();
        }
    }
}
