package dev.duplex.server;

/**
 * Hooks the server calls at the events worth measuring (connections, packets, broadcasts, acks, upgrades), for a
 * metrics library such as the Micrometer binder of {@code duplex-micrometer}. Set it with
 * {@link ServerOptions.Builder#instrumentation(Instrumentation)}; without one the server makes no call at all.
 *
 * <p>Every method has an empty default. They are called on the server's threads (event loops, handler lanes, the
 * thread that emits), concurrently: an implementation must be thread-safe, must not block, and should not allocate
 * in the per-packet methods ({@link #packetIn}, {@link #packetOut}, {@link #broadcastRecipient},
 * {@link #handlerQueueDelay}, {@link #ackSent}, {@link #ackReceived}). An exception thrown by a hook is not caught.
 *
 * <p>Sizes are those of the Engine.IO message payloads as a WebSocket frame carries them: the UTF-8 bytes of
 * {@code "4"} followed by the Socket.IO packet's text, plus the bytes of its binary attachments. Engine.IO pings,
 * pongs and the polling framing are not counted. Transports are {@code "polling"} or {@code "websocket"}.
 */
public interface Instrumentation {
    /** An Engine.IO connection opened on {@code transport}. */
    default void connectionOpened(String transport) {
    }

    /** An Engine.IO connection closed, with engine.io's reason; {@code transport} is its last transport. */
    default void connectionClosed(String transport, String reason) {
    }

    /** A connection switched from polling to {@code transport} (WebSocket). */
    default void upgraded(String transport) {
    }

    /** A socket connected to {@code namespace} (after the connection middlewares accepted it). */
    default void socketConnected(String namespace) {
    }

    /** A socket left {@code namespace}, with socket.io's disconnect reason (e.g. "client namespace disconnect"). */
    default void socketDisconnected(String namespace, String reason) {
    }

    /**
     * A namespace connection was refused. {@code cause} is {@code "invalid namespace"} (no such namespace: then
     * {@code namespace} is whatever the client asked for), {@code "refused"} (a middleware refused it with a
     * {@link ConnectionRefusedException}) or {@code "middleware error"} (a middleware failed with another exception).
     */
    default void connectError(String namespace, String cause) {
    }

    /** A Socket.IO packet (with its attachments) of {@code bytes} arrived on {@code transport}. */
    default void packetIn(String transport, int bytes) {
    }

    /** A Socket.IO packet (with its attachments) of {@code bytes} was written to {@code transport}. */
    default void packetOut(String transport, int bytes) {
    }

    /** A broadcast (an emit to rooms or to a whole namespace) was made on {@code namespace}. */
    default void broadcast(String namespace) {
    }

    /** One local socket was handed a broadcast packet. */
    default void broadcastRecipient() {
    }

    /** The server answered a client's ack request. */
    default void ackSent() {
    }

    /** A client answered an ack request of the server. */
    default void ackReceived() {
    }

    /** The client answered {@code Socket.emitWithAck} after {@code nanos} nanoseconds. */
    default void ackRoundTrip(long nanos) {
    }

    /** A decoded packet waited {@code nanos} nanoseconds before its connection's handler lane took it. */
    default void handlerQueueDelay(long nanos) {
    }
}
