package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
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

    private final ConcurrentHashMap<String, CopyOnWriteArrayList<Registration>> handlers = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<AnyListener> anyListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<AnyOutgoingListener> anyOutgoing = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<PacketMiddleware> middlewares = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<String>> disconnectListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<String>> disconnectingListeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<Throwable>> errorListeners = new CopyOnWriteArrayList<>();
    /** Per executor given to {@link Socket#on(String, Executor, EventHandler)}: runs this socket's calls in order. */
    private final ConcurrentHashMap<Executor, Lane> offloadLanes = new ConcurrentHashMap<>();

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
        handlers.computeIfAbsent(event, k -> new CopyOnWriteArrayList<>()).add(new Registration(original, invoker));
    }

    private void offload(String event, Executor executor, Call call) {
        Lane lane = offloadLanes.computeIfAbsent(executor, e -> Lane.serial(e, null));
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

    void off(String event) {
        handlers.remove(event);
    }

    void off(String event, Object handler) {
        CopyOnWriteArrayList<Registration> list = handlers.get(event);
        if (list != null) {
            for (Registration r : list) {
                if (r.original() == handler) {
                    list.remove(r);
                    break;
                }
            }
        }
    }

    // ------------------------------------------------------------------ catch-all, middlewares, lifecycle

    void onAny(AnyListener listener, boolean prepend) {
        if (prepend) {
            anyListeners.add(0, listener);
        } else {
            anyListeners.add(listener);
        }
    }

    void offAny(AnyListener listener) {
        if (listener == null) {
            anyListeners.clear();
        } else {
            anyListeners.remove(listener);
        }
    }

    void onAnyOutgoing(AnyOutgoingListener listener, boolean prepend) {
        if (prepend) {
            anyOutgoing.add(0, listener);
        } else {
            anyOutgoing.add(listener);
        }
    }

    void offAnyOutgoing(AnyOutgoingListener listener) {
        if (listener == null) {
            anyOutgoing.clear();
        } else {
            anyOutgoing.remove(listener);
        }
    }

    void use(PacketMiddleware middleware) {
        middlewares.add(middleware);
    }

    void onDisconnect(Consumer<String> listener) {
        disconnectListeners.add(listener);
    }

    void onDisconnecting(Consumer<String> listener) {
        disconnectingListeners.add(listener);
    }

    void onError(Consumer<Throwable> listener) {
        errorListeners.add(listener);
    }

    // ------------------------------------------------------------------ firing

    boolean hasOutgoing() {
        return !anyOutgoing.isEmpty();
    }

    void notifyOutgoing(String event, List<?> args) {
        for (AnyOutgoingListener l : anyOutgoing) {
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
        if (index >= middlewares.size()) {
            if (socket.connected()) {
                invoke(packet);
            }
            return;
        }
        PacketMiddleware middleware = middlewares.get(index);
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
        for (AnyListener l : anyListeners) {
            try {
                l.onEvent(event, packet.args());
            } catch (Exception e) {
                socket.reportError(event, e);
            }
        }
        CopyOnWriteArrayList<Registration> list = handlers.get(event);
        if (list == null) {
            return;
        }
        for (Registration r : list) {
            try {
                r.invoker().handle(packet.args(), packet.ack());
            } catch (Exception e) {
                socket.reportError(event, e);
            }
        }
    }

    void emitError(Throwable error) {
        for (Consumer<Throwable> l : errorListeners) {
            try {
                l.accept(error);
            } catch (RuntimeException e) {
                LOG.warn("Error listener of socket {} failed", socket.id(), e);
            }
        }
    }

    /** The "disconnecting" listeners and handlers. */
    void fireDisconnecting(String reason) {
        for (Consumer<String> l : disconnectingListeners) {
            safe(() -> l.accept(reason), "disconnecting");
        }
        fireLifecycle("disconnecting", reason);
    }

    /** The "disconnect" listeners and handlers. */
    void fireDisconnect(String reason) {
        for (Consumer<String> l : disconnectListeners) {
            safe(() -> l.accept(reason), "disconnect");
        }
        fireLifecycle("disconnect", reason);
    }

    private void fireLifecycle(String event, String reason) {
        CopyOnWriteArrayList<Registration> list = handlers.get(event);
        if (list == null) {
            return;
        }
        List<JsonNode> args = List.of(TextNode.valueOf(reason));
        for (Registration r : list) {
            safe(() -> {
                try {
                    r.invoker().handle(args, null);
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
