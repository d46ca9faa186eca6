package dev.duplex.engine;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * Adds or changes the headers of the server's HTTP responses, as engine.io's {@code initial_headers} and
 * {@code headers} events do: {@link EngineServer#onInitialHeaders} for the handshake response only (the first
 * polling response, or the 101 of a WebSocket opened directly), {@link EngineServer#onHeaders} for every response
 * of a session, the handshake included (after the initial-headers listeners), polling responses and the 101 of an
 * upgrade. Called on the connection's event loop before the response is written; it must not block.
 *
 * <pre>{@code
 * io.engine().onInitialHeaders((headers, req) -> headers.add("Set-Cookie", "io=" + req.query("sid")));
 * io.engine().onHeaders((headers, req) -> headers.set("X-Served-By", "node-1"));
 * }</pre>
 */
@FunctionalInterface
public interface HeadersListener {

    /**
     * @param headers the response's extra headers (CORS and the session cookie already set), to change in place
     * @param request the request being answered
     */
    void onHeaders(HttpHeaders headers, EngineRequest request);
}
