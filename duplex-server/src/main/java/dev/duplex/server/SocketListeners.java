package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The listener registry of one {@link Socket} (socket.io's event-emitter side of its {@code Socket}): the event
 * handlers, the catch-all listeners in both directions, the packet middlewares, the lifecycle listeners, and the
 * dispatch of an incoming event through them. Registering is thread-safe; dispatching happens on the socket's lane.
 */
final class SocketListeners {
    private static final Logger LOG = LoggerFactory.getLogger(Socket.class);

    private final Socket socket;

    /**
     * The handlers per event, replaced as a whole (copy on write, under this object's lock) when one is added or
     * removed: a socket registers a few handlers once and then only reads them, and an immutable map is a fraction
     * of the size of a concurrent map of lists. A value is one handler, or an {@code Object[]} of two or more; a
     * handler is the {@link EventHandler} as given, or a {@link Registration} when it was wrapped.
     */
    private volatile Map<String, Object> handlers = Map.of();
    // the lists below stay null (the common case: an idle socket has none) until their first listener
    private volatile CopyOnWriteArrayList<AnyListener> anyListeners;
    private volatile CopyOnWriteArrayList<AnyOutgoingListener> anyOutgoing;
    private volatile CopyOnWriteArrayList<PacketMiddleware> middlewares;
    private volatile CopyOnWriteArrayList<Consumer<String>> disconnectListeners;
    private volatile CopyOnWriteArrayList<Consumer<String>> disconnectingListeners;
    private volatile CopyOnWriteArrayList<Consumer<Throwable>> errorListeners;
    /** Per executor given to {@link Socket#on(String, Executor, EventHandler)}: runs this socket's calls in order. */
    private volatile ConcurrentHashMap<Executor, Lane> offloadLanes;

    /** A handler wrapped by {@code invoker} (typed, request or offloaded); {@code off} finds it by original. */
    private record Registration(Object original, EventHandler invoker) {
    }

    /** A handler body that may throw. */
    private interface Call {
        void run() throws Exception;
    }

    SocketListeners(Socket socket) {
        this.socket = socket;
    }

    // ------------------------------------------------------------------ event handlers

    void on(String event, EventHandler handler) {
        register(event, handler, handler);
    }

    void on(String event, RequestHandler handler) {
        register(event, handler, (args, ack) -> reply(event, ack, handler.handle(args)));
    }

    void on(String event, Executor executor, EventHandler handler) {
        register(event, handler, (args, ack) -> offload(event, executor, () -> handler.handle(args, ack)));
    }

    void on(String event, Executor executor, RequestHandler handler) {
        register(event, handler, (args, ack) -> offload(event, executor,
                () -> reply(event, ack, handler.handle(args))));
    }

    <T> void on(String event, Class<T> type, TypedHandler<T> handler) {
        register(event, handler, (args, ack) -> handler.handle(map(args, type), ack));
    }

    <T> void on(String event, Class<T> type, TypedRequestHandler<T> handler) {
        register(event, handler, (args, ack) -> reply(event, ack, handler.handle(map(args, type))));
    }

    private void register(String event, Object original, EventHandler invoker) {
        Object element = original == invoker ? invoker : new Registration(original, invoker);
        synchronized (this) {
            Object[] list = elements(handlers.get(event));
            Object[] next = Arrays.copyOf(list, list.length + 1);
            next[list.length] = element;
            handlers = with(handlers, event, next);
        }
    }

    /** The handlers of a map value (none for null). */
    private static Object[] elements(Object value) {
        if (value == null) {
            return NONE;
        }
        return value instanceof Object[] list ? list : new Object[] {value};
    }

    private static final Object[] NONE = {};

    /**
     * {@code map} with {@code event} mapped to {@code list} (removed when empty; one handler stored alone), as an
     * immutable map.
     */
    private static Map<String, Object> with(Map<String, Object> map, String event, Object[] list) {
        Object value = list.length == 0 ? null : list.length == 1 ? list[0] : list;
        if (map.isEmpty()) {
            return value == null ? map : Map.of(event, value);
        }
        if (value != null && !map.containsKey(event)) {
            // a new event (a socket registering its handlers): the entries plus one, no intermediate hash map
            @SuppressWarnings({"unchecked", "rawtypes"})
            Map.Entry<String, Object>[] entries = map.entrySet().toArray(new Map.Entry[map.size() + 1]);
            entries[entries.length - 1] = Map.entry(event, value);
            return Map.ofEntries(entries);
        }
        Map<String, Object> copy = new HashMap<>(map);
        if (value == null) {
            copy.remove(event);
        } else {
            copy.put(event, value);
        }
        return Map.copyOf(copy);
    }

    private static EventHandler invoker(Object element) {
        return element instanceof Registration r ? r.invoker() : (EventHandler) element;
    }

    private static Object original(Object element) {
        return element instanceof Registration r ? r.original() : element;
    }

    private void offload(String event, Executor executor, Call call) {
        ConcurrentHashMap<Executor, Lane> lanes = offloadLanes;
        if (lanes == null) {
            synchronized (this) {
                lanes = offloadLanes;
                if (lanes == null) {
                    lanes = new ConcurrentHashMap<>(2);
                    offloadLanes = lanes;
                }
            }
        }
        Lane lane = lanes.computeIfAbsent(executor, e -> Lane.serial(e, null));
        lane.execute(() -> {
            try {
                call.run();
            } catch (Exception e) {
                socket.client().lane.execute(() -> socket.reportError(event, e));
            }
        });
    }

    private <T> T map(List<JsonNode> args, Class<T> type) throws Exception {
        if (args.isEmpty() || args.get(0) == null || args.get(0).isNull()) {
            return null;
        }
        return socket.client().server.mapper().treeToValue(args.get(0), type);
    }

    private void reply(String event, Ack ack, Object result) {
        if (result instanceof CompletionStage<?> stage) {
            stage.whenComplete((value, error) -> {
                if (error != null) {
                    socket.reportError(event, error);
                } else if (ack != null) {
                    ack.send(value);
                }
            });
        } else if (ack != null) {
            ack.send(result);
        }
    }

    synchronized void off(String event) {
        if (handlers.containsKey(event)) {
            handlers = with(handlers, event, NONE);
        }
    }

    synchronized void off(String event, Object handler) {
        Object[] list = elements(handlers.get(event));
        for (int i = 0; i < list.length; i++) {
            if (original(list[i]) == handler) {
                Object[] next = new Object[list.length - 1];
                System.arraycopy(list, 0, next, 0, i);
                System.arraycopy(list, i + 1, next, i, list.length - i - 1);
                handlers = with(handlers, event, next);
                return;
            }
        }
    }

    /** The list in {@code current}, or a new one stored with {@code store} (under this object's lock). */
    private <T> CopyOnWriteArrayList<T> list(CopyOnWriteArrayList<T> current,
                                             Consumer<CopyOnWriteArrayList<T>> store) {
        if (current != null) {
            return current;
        }
        CopyOnWriteArrayList<T> list = new CopyOnWriteArrayList<>();
        store.accept(list);
        return list;
    }

    /** A snapshot of {@code list}, empty when it was never created. */
    private static <T> List<T> snapshot(CopyOnWriteArrayList<T> list) {
        return list == null ? List.of() : list;
    }

    // ------------------------------------------------------------------ catch-all, middlewares, lifecycle

    synchronized void onAny(AnyListener listener, boolean prepend) {
        CopyOnWriteArrayList<AnyListener> list = list(anyListeners, l -> anyListeners = l);
        if (prepend) {
            list.add(0, listener);
        } else {
            list.add(listener);
        }
    }

    synchronized void offAny(AnyListener listener) {
        CopyOnWriteArrayList<AnyListener> list = anyListeners;
        if (list == null) {
            return;
        }
        if (listener == null) {
            list.clear();
        } else {
            list.remove(listener);
        }
    }

    synchronized void onAnyOutgoing(AnyOutgoingListener listener, boolean prepend) {
        CopyOnWriteArrayList<AnyOutgoingListener> list = list(anyOutgoing, l -> anyOutgoing = l);
        if (prepend) {
            list.add(0, listener);
        } else {
            list.add(listener);
        }
    }

    synchronized void offAnyOutgoing(AnyOutgoingListener listener) {
        CopyOnWriteArrayList<AnyOutgoingListener> list = anyOutgoing;
        if (list == null) {
            return;
        }
        if (listener == null) {
            list.clear();
        } else {
            list.remove(listener);
        }
    }

    synchronized void use(PacketMiddleware middleware) {
        list(middlewares, l -> middlewares = l).add(middleware);
    }

    synchronized void onDisconnect(Consumer<String> listener) {
        list(disconnectListeners, l -> disconnectListeners = l).add(listener);
    }

    synchronized void onDisconnecting(Consumer<String> listener) {
        list(disconnectingListeners, l -> disconnectingListeners = l).add(listener);
    }

    synchronized void onError(Consumer<Throwable> listener) {
        list(errorListeners, l -> errorListeners = l).add(listener);
    }

    // ------------------------------------------------------------------ firing

    boolean hasOutgoing() {
        CopyOnWriteArrayList<AnyOutgoingListener> list = anyOutgoing;
        return list != null && !list.isEmpty();
    }

    void notifyOutgoing(String event, List<?> args) {
        for (AnyOutgoingListener l : snapshot(anyOutgoing)) {
            try {
                l.onEvent(event, args);
            } catch (RuntimeException e) {
                LOG.warn("Outgoing listener of socket {} failed on event '{}'", socket.id(), event, e);
            }
        }
    }

    /** Runs the packet middlewares, then the listeners and handlers of {@code packet}; on the lane. */
    void dispatch(EventPacket packet) {
        runMiddlewares(packet, 0);
    }

    private void runMiddlewares(EventPacket packet, int index) {
        List<PacketMiddleware> chain = snapshot(middlewares);
        if (index >= chain.size()) {
            if (socket.connected()) {
                invoke(packet);
            }
            return;
        }
        PacketMiddleware middleware = chain.get(index);
        AtomicBoolean called = new AtomicBoolean();
        Consumer<Exception> next = error -> {
            if (!called.compareAndSet(false, true)) {
                return;
            }
            socket.client().lane.runOrExecute(() -> {
                if (error != null) {
                    socket.reportError(packet.event(), error);
                } else {
                    runMiddlewares(packet, index + 1);
                }
            });
        };
        try {
            middleware.handle(packet, next);
        } catch (Exception e) {
            next.accept(e);
        }
    }

    private void invoke(EventPacket packet) {
        String event = packet.event();
        for (AnyListener l : snapshot(anyListeners)) {
            try {
                l.onEvent(event, packet.args());
            } catch (Exception e) {
                socket.reportError(event, e);
            }
        }
        Object value = handlers.get(event);
        if (value instanceof Object[] list) {
            for (Object element : list) {
                invoke(event, element, packet);
            }
        } else if (value != null) {
            invoke(event, value, packet);
        }
    }

    private void invoke(String event, Object handler, EventPacket packet) {
        try {
            invoker(handler).handle(packet.args(), packet.ack());
        } catch (Exception e) {
            socket.reportError(event, e);
        }
    }

    void emitError(Throwable error) {
        for (Consumer<Throwable> l : snapshot(errorListeners)) {
            try {
                l.accept(error);
            } catch (RuntimeException e) {
                LOG.warn("Error listener of socket {} failed", socket.id(), e);
            }
        }
    }

    /** The "disconnecting" listeners and handlers. */
    void fireDisconnecting(String reason) {
        for (Consumer<String> l : snapshot(disconnectingListeners)) {
            safe(() -> l.accept(reason), "disconnecting");
        }
        fireLifecycle("disconnecting", reason);
    }

    /** The "disconnect" listeners and handlers. */
    void fireDisconnect(String reason) {
        for (Consumer<String> l : snapshot(disconnectListeners)) {
            safe(() -> l.accept(reason), "disconnect");
        }
        fireLifecycle("disconnect", reason);
    }

    private void fireLifecycle(String event, String reason) {
        Object value = handlers.get(event);
        if (value == null) {
            return;
        }
        List<JsonNode> args = List.of(TextNode.valueOf(reason));
        for (Object element : elements(value)) {
            safe(() -> {
                try {
                    invoker(element).handle(args, null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, event);
        }
    }

    private void safe(Runnable r, String what) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("'{}' listener of socket {} failed", what, socket.id(), e);
        }
    }
}
