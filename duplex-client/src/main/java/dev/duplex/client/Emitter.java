package dev.duplex.client;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named-event listeners of a {@link Socket} or a {@link Manager}. Listeners may be added and removed from any
 * thread; they are called on the manager's event thread (or its configured executor), one event at a time.
 *
 * @param <T> the concrete emitter, returned by the fluent methods
 */
public abstract class Emitter<T extends Emitter<T>> {
    private static final Logger LOG = LoggerFactory.getLogger(Emitter.class);

    /**
     * socket.io-client-java's {@code Emitter.Listener}, for code written as
     * {@code new Emitter.Listener() { public void call(Object... args) { ... } }}: a
     * {@link dev.duplex.client.Listener}.
     */
    @FunctionalInterface
    public interface Listener extends dev.duplex.client.Listener {
    }

    private final Map<String, CopyOnWriteArrayList<dev.duplex.client.Listener>> listeners = new ConcurrentHashMap<>();

    Emitter() {
    }

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    /** Adds a listener of the event. */
    public T on(String event, dev.duplex.client.Listener listener) {
        listeners.computeIfAbsent(event, k -> new CopyOnWriteArrayList<>()).add(listener);
        return self();
    }

    /** Adds a listener called for the next occurrence of the event only. */
    public T once(String event, dev.duplex.client.Listener listener) {
        on(event, new Once(event, listener));
        return self();
    }

    /** Removes one listener of the event (also one added with {@link #once}). */
    public T off(String event, dev.duplex.client.Listener listener) {
        List<dev.duplex.client.Listener> l = listeners.get(event);
        if (l != null) {
            for (dev.duplex.client.Listener x : l) {
                if (x == listener || (x instanceof Once && ((Once) x).delegate == listener)) {
                    l.remove(x);
                    break;
                }
            }
        }
        return self();
    }

    /** Removes every listener of the event. */
    public T off(String event) {
        listeners.remove(event);
        return self();
    }

    /** Removes every listener. */
    public T off() {
        listeners.clear();
        return self();
    }

    /** The listeners of the event, a snapshot. */
    public List<dev.duplex.client.Listener> listeners(String event) {
        List<dev.duplex.client.Listener> l = listeners.get(event);
        return l == null ? List.of() : List.copyOf(l);
    }

    /** Whether the event has listeners. */
    public boolean hasListeners(String event) {
        List<dev.duplex.client.Listener> l = listeners.get(event);
        return l != null && !l.isEmpty();
    }

    /** Runs a task where listeners run. */
    abstract void dispatch(Runnable task);

    /** Calls the listeners of a reserved event, on the event thread. */
    void emitReserved(String event, Object... args) {
        List<dev.duplex.client.Listener> l = listeners.get(event);
        if (l == null || l.isEmpty()) {
            return;
        }
        Object[] snapshot = l.toArray();
        dispatch(() -> callAll(event, snapshot, args));
    }

    /** Calls the listeners now, on the calling thread (which must be the event thread). */
    void callListeners(String event, Object[] args) {
        List<dev.duplex.client.Listener> l = listeners.get(event);
        if (l != null && !l.isEmpty()) {
            callAll(event, l.toArray(), args);
        }
    }

    private void callAll(String event, Object[] snapshot, Object[] args) {
        for (Object o : snapshot) {
            dev.duplex.client.Listener x = (dev.duplex.client.Listener) o;
            if (x instanceof Once) {
                List<dev.duplex.client.Listener> l = listeners.get(event);
                if (l == null || !l.remove(x)) {
                    continue;
                }
            }
            try {
                x.call(args);
            } catch (RuntimeException e) {
                LOG.warn("listener of {} failed", event, e);
            }
        }
    }

    private static final class Once implements dev.duplex.client.Listener {
        final String event;
        final dev.duplex.client.Listener delegate;

        Once(String event, dev.duplex.client.Listener delegate) {
            this.event = event;
            this.delegate = delegate;
        }

        @Override
        public void call(Object... args) {
            delegate.call(args);
        }
    }
}
