package dev.duplex.server;

import dev.duplex.engine.EngineRequest;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Engine.IO connection under a socket, socket.io's {@code socket.conn}: one per client, shared by the sockets of
 * its namespaces. Its listeners run on the connection's lane, in order with the sockets' handlers.
 *
 * <pre>{@code
 * io.onConnection(socket -> {
 *     String first = socket.conn().transport();              // "polling" for browsers, most of the time
 *     socket.conn().onUpgrade(transport -> log.info("{} upgraded to {}", socket.id(), transport));
 * });
 * }</pre>
 */
public final class Connection {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    private final Client client;
    private final List<Consumer<String>> upgradeListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> closeListeners = new CopyOnWriteArrayList<>();

    Connection(Client client) {
        this.client = client;
    }

    /** The Engine.IO session id ({@code socket.conn.id}). */
    public String id() {
        return client.conn.id();
    }

    /** The current transport: "polling" or "websocket" ({@code socket.conn.transport.name}). */
    public String transport() {
        return client.conn.transport();
    }

    /**
     * The Engine.IO protocol revision ({@code socket.conn.protocol}): 4, or 3 for a Socket.IO v2 client accepted with
     * {@link ServerOptions#allowEIO3()}.
     */
    public int protocol() {
        return client.conn.protocol();
    }

    /** The request that opened the connection ({@code socket.conn.request}). */
    public EngineRequest request() {
        return client.conn.request();
    }

    /** Whether the connection is still open. */
    public boolean isOpen() {
        return client.conn.isOpen();
    }

    /** Adds a listener for the upgrade to another transport ({@code "upgrade"}); it gets the new transport's name. */
    public Connection onUpgrade(Consumer<String> listener) {
        upgradeListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Adds a listener for the end of the connection ({@code "close"}), after its sockets' disconnect handlers; it
     * gets Engine.IO's reason ("transport close", "ping timeout", "forced close", ...). A connection already closed
     * does not call it.
     */
    public Connection onClose(Consumer<String> listener) {
        closeListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** On the lane. */
    void fireUpgrade(String transport) {
        fire(upgradeListeners, transport, "upgrade");
    }

    /** On the lane. */
    void fireClose(String reason) {
        fire(closeListeners, reason, "close");
    }

    private void fire(List<Consumer<String>> listeners, String value, String event) {
        for (Consumer<String> l : listeners) {
            try {
                l.accept(value);
            } catch (RuntimeException e) {
                LOG.warn("{} listener of connection {} threw", event, id(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "Connection{" + id() + ", " + transport() + "}";
    }
}
