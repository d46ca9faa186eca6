package dev.duplex.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An error of the client, with what caused it: {@link #kind()} tells DNS failures, refused connections, TLS
 * failures, proxy refusals, HTTP errors (with {@link #httpStatus()} and the body in the message), timeouts,
 * protocol errors and refusals by the server (a {@code connect_error} carrying the server's {@code message} and {@link #data()}).
 */
public class DuplexClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The host name could not be resolved. */
        DNS,
        /** The TCP connection could not be made (refused, unreachable). */
        CONNECT,
        /**
         * The proxy refused or failed the connection (wrong credentials, target unreachable from the proxy); the
         * cause is Netty's {@code ProxyConnectException} with the proxy's answer.
         */
        PROXY,
        /** The TLS handshake failed. */
        TLS,
        /** The server answered with an unexpected HTTP status. */
        HTTP,
        /** Something took too long: connecting, or waiting for an acknowledgement. */
        TIMEOUT,
        /** The peer sent something that is not valid Engine.IO / Socket.IO. */
        PROTOCOL,
        /** An established connection failed or was closed. */
        TRANSPORT,
        /** The server refused the namespace connection (a CONNECT_ERROR packet). */
        SERVER,
        /** The socket was disconnected before the answer came. */
        DISCONNECTED
    }

    private final Kind kind;
    private final transient JsonNode data;
    private final int httpStatus;

    public DuplexClientException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, null, 0);
    }

    DuplexClientException(Kind kind, String message, Throwable cause, JsonNode data, int httpStatus) {
        super(message, cause);
        this.kind = kind;
        this.data = data;
        this.httpStatus = httpStatus;
    }

    public Kind kind() {
        return kind;
    }

    /** The {@code data} the server attached to a refusal ({@code err.data} in Node), or {@code null}. */
    public JsonNode data() {
        return data;
    }

    /** The HTTP status for {@link Kind#HTTP} errors, else 0. */
    public int httpStatus() {
        return httpStatus;
    }
}
