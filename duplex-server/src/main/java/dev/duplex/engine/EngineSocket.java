package dev.duplex.engine;

import io.netty.channel.EventLoop;

/** One Engine.IO session, whatever its transport. All its listener callbacks run on {@link #eventLoop()}. */
public interface EngineSocket {
    /** The Engine.IO session id ({@code sid}). */
    String id();

    /** The current transport name, {@code "polling"} or {@code "websocket"}; it changes on upgrade. */
    String transport();

    /**
     * The Engine.IO protocol revision of the session: 4, or 3 for a client accepted with
     * {@link EngineOptions#allowEIO3()} (a Socket.IO v2 client).
     */
    default int protocol() {
        return 4;
    }

    /** The HTTP request that opened the session. */
    EngineRequest request();

    /** Whether the session is open. */
    boolean isOpen();

    /**
     * The event loop that runs every listener callback of this socket, in order. It changes once when the socket
     * upgrades from polling to a WebSocket served by another loop: from then on (after {@code onUpgrade}) the
     * callbacks run on the WebSocket's loop, each after every callback on the old one.
     */
    EventLoop eventLoop();

    /** Sends a text message; thread-safe, non-blocking, ordered with the other sends. */
    void send(String text);

    /** Sends a binary message; the array must not be modified afterwards. */
    void send(byte[] data);

    /** Sends a pre-encoded message, which may be shared by many sockets. */
    void send(EngineMessage message);

    /**
     * Sends a pre-encoded message with engine.io's {@code compress} option: when false, the WebSocket frame is sent
     * without per-message deflate even when the extension was negotiated, and over polling the message does not
     * make its response compressed. {@link #send(EngineMessage)} is {@code compress} true.
     */
    default void send(EngineMessage message, boolean compress) {
        send(message);
    }

    /** Closes the session from the server side; the listener gets {@code onClose("forced close", null)}. */
    void close();

    /**
     * Stops ({@code true}) or resumes reading from the client, e.g. while the messages already received wait for
     * their handlers: a WebSocket is not read (TCP flow control holds the client back), a polling POST is answered
     * only once reading resumes. Thread-safe.
     */
    default void pauseReading(boolean paused) {
    }

    /** Sets the listener of this socket; call it inside the connection callback. */
    void setListener(Listener listener);

    /** The events of one socket; every callback runs on the socket's event loop. */
    interface Listener {
        /** A text message arrived. */
        default void onMessage(String text) {
        }

        /** A binary message arrived. */
        default void onBinary(byte[] data) {
        }

        /** The socket switched to another transport (e.g. {@code "websocket"}). */
        default void onUpgrade(String transport) {
        }

        /** The transport has flushed what was queued. */
        default void onDrain() {
        }

        /**
         * The session closed, with engine.io's reason: {@code "transport close"}, {@code "transport error"},
         * {@code "ping timeout"}, {@code "parse error"}, {@code "forced close"}, {@code "server shutting down"}...
         */
        default void onClose(String reason, Throwable cause) {
        }
    }
}
