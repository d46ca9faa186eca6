package dev.duplex.server;

/** The disconnect reasons, exactly as socket.io names them. */
public final class DisconnectReason {
    /** {@code socket.disconnect()} on the server. */
    public static final String SERVER_NAMESPACE_DISCONNECT = "server namespace disconnect";
    /** The client disconnected the namespace. */
    public static final String CLIENT_NAMESPACE_DISCONNECT = "client namespace disconnect";
    /** The connection was closed by the client or lost. */
    public static final String TRANSPORT_CLOSE = "transport close";
    /** The connection failed. */
    public static final String TRANSPORT_ERROR = "transport error";
    /** No pong in time. */
    public static final String PING_TIMEOUT = "ping timeout";
    /** The client sent something the parser rejects, or a packet in an invalid state. */
    public static final String PARSE_ERROR = "parse error";
    /** The server is closing. */
    public static final String SERVER_SHUTTING_DOWN = "server shutting down";
    /** The connection was closed by the server. */
    public static final String FORCED_CLOSE = "forced close";
    /**
     * Duplex only: more than {@link ServerOptions#maxBufferedBytes()} waited for a client that does not read (a
     * slow consumer); socket.io has no such limit.
     */
    public static final String WRITE_BUFFER_FULL = "write buffer full";

    private DisconnectReason() {
    }
}
