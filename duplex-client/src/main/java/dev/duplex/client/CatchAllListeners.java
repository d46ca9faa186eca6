package dev.duplex.client;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One list of a socket's catch-all listeners ({@link Socket#onAny} or {@link Socket#onAnyOutgoing}), with
 * socket.io-client-java's {@link Listener} form (the event name as the first argument) wrapped so that it can be
 * removed again. Thread-safe; a call runs on a snapshot taken when the event happens.
 */
final class CatchAllListeners {
    private final CopyOnWriteArrayList<AnyListener> listeners = new CopyOnWriteArrayList<>();

    void add(AnyListener listener) {
        listeners.add(listener);
    }

    void add(Listener listener) {
        listeners.add(new ArgsAny(listener));
    }

    /** Removes one listener; {@code null} removes all. */
    void remove(AnyListener listener) {
        if (listener == null) {
            listeners.clear();
        } else {
            listeners.remove(listener);
        }
    }

    void remove(Listener listener) {
        listeners.remove(new ArgsAny(listener));
    }

    void clear() {
        listeners.clear();
    }

    boolean isEmpty() {
        return listeners.isEmpty();
    }

    /**
     * The listeners as they are now, called with {@code event} and {@code args} when the returned task runs
     * (each failure passed to {@code onFailure}, the others still called).
     */
    Runnable snapshot(String event, Object[] args, Consumer<RuntimeException> onFailure) {
        Object[] now = listeners.toArray();
        return () -> {
            for (Object l : now) {
                try {
                    ((AnyListener) l).call(event, args);
                } catch (RuntimeException e) {
                    onFailure.accept(e);
                }
            }
        };
    }

    /** A {@link Listener} as an {@link AnyListener}: the event name first; equal when the listener is. */
    private record ArgsAny(Listener listener) implements AnyListener {
        @Override
        public void call(String event, Object... args) {
            Object[] all = new Object[args.length + 1];
            all[0] = event;
            System.arraycopy(args, 0, all, 1, args.length);
            listener.call(all);
        }
    }
}
