package dev.duplex.server;

/**
 * Sees the Engine.IO connections of a server, as socket.io code sees them with
 * {@code io.engine.on("connection", raw => ...)} and the raw socket's {@code "upgrade"}, {@code "packet"},
 * {@code "packetCreate"} and {@code "close"} events: for tools that watch a running server, such as the Admin UI.
 * Add one with {@link SocketIoServer#addConnectionListener(ConnectionListener)}; it sees what happens after it
 * was added.
 *
 * <p>The methods are called on the server's threads (the connection's event loop or its handler lane; concurrently
 * for different connections): they must be
 * quick, must not block and should not allocate. An exception thrown by a listener is logged and ignored. Every
 * method does nothing by default. Sizes are counted as {@link Instrumentation} counts them.
 */
public interface ConnectionListener {
    /** The connection {@code engineId} opened on {@code transport} ({@code "polling"} or {@code "websocket"}). */
    default void onOpen(String engineId, String transport) {
    }

    /** The connection {@code engineId} switched to {@code transport} (WebSocket). */
    default void onUpgrade(String engineId, String transport) {
    }

    /** A Socket.IO packet (with its attachments) of {@code bytes} arrived on the connection. */
    default void onPacketIn(String engineId, int bytes) {
    }

    /** A Socket.IO packet (with its attachments) of {@code bytes} was written to the connection. */
    default void onPacketOut(String engineId, int bytes) {
    }

    /** The connection closed, with engine.io's reason (e.g. {@code "transport close"}). */
    default void onClose(String engineId, String reason) {
    }
}
