package dev.duplex.protocol.socketio;

/** Input that is not a valid Socket.IO v5 packet; the connection it came from should be closed ("parse error"). */
public final class SocketProtocolException extends Exception {
    /** An exception with the given message. */
    public SocketProtocolException(String message) {
        super(message);
    }

    /** An exception with the given message and cause. */
    public SocketProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
