package dev.duplex.engine;

import java.util.Map;
import java.util.Objects;

/**
 * A request the engine refused before it reached a session: engine.io's {@code connection_error} event, with its
 * codes, messages and context keys. Listen with {@link EngineServer#onConnectionError}, e.g. to log why clients
 * cannot connect:
 *
 * <pre>{@code
 * io.engine().onConnectionError(err -> log.warn("{} {} {}: {} {}", err.request().method(),
 *         err.request().uri(), err.code(), err.message(), err.context()));
 * }</pre>
 *
 * <table>
 * <caption>Codes and context</caption>
 * <tr><th>code</th><th>message</th><th>context</th></tr>
 * <tr><td>0</td><td>Transport unknown</td><td>{@code transport} (absent when the query has none)</td></tr>
 * <tr><td>1</td><td>Session ID unknown</td><td>{@code sid}</td></tr>
 * <tr><td>2</td><td>Bad handshake method</td><td>{@code method}</td></tr>
 * <tr><td>3</td><td>Bad request</td><td>{@code name}: {@code INVALID_ORIGIN} (and {@code origin}),
 *     {@code TRANSPORT_MISMATCH} (and {@code transport}, {@code previousTransport}),
 *     {@code TRANSPORT_HANDSHAKE_ERROR} or {@code ID_GENERATION_ERROR} (and {@code error}, the exception: see
 *     {@link EngineOptions#generateId()})</td></tr>
 * <tr><td>4</td><td>Forbidden</td><td>{@code message} when {@link AllowRequest} refused with
 *     {@link AllowRequest#refuse(String)}</td></tr>
 * <tr><td>5</td><td>Unsupported protocol version</td><td>{@code protocol}: 3, as engine.io reports any
 *     version other than 4</td></tr>
 * </table>
 *
 * @param request the refused request
 * @param code    engine.io's error code, also in the response body
 * @param message engine.io's message for the code
 * @param context what was wrong, with engine.io's keys (read-only, no null values)
 */
public record ConnectionError(EngineRequest request, int code, String message, Map<String, Object> context) {
    /** The transport is missing or not one of {@link EngineOptions#transports()}. */
    public static final int UNKNOWN_TRANSPORT = Responses.UNKNOWN_TRANSPORT;
    /** The {@code sid} names no session. */
    public static final int UNKNOWN_SID = Responses.UNKNOWN_SID;
    /** A handshake that is not a GET. */
    public static final int BAD_HANDSHAKE_METHOD = Responses.BAD_HANDSHAKE_METHOD;
    /** An invalid origin, a request on the wrong transport, or a WebSocket handshake without upgrade. */
    public static final int BAD_REQUEST = Responses.BAD_REQUEST;
    /** {@link AllowRequest} refused the handshake. */
    public static final int FORBIDDEN = Responses.FORBIDDEN;
    /** {@code EIO} is not 4. */
    public static final int UNSUPPORTED_PROTOCOL_VERSION = Responses.UNSUPPORTED_PROTOCOL_VERSION;

    /** Checks the fields and keeps a read-only copy of the context. */
    public ConnectionError {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(message, "message");
        context = Map.copyOf(context);
    }
}
