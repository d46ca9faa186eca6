package dev.duplex.engine;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a new session (a handshake request) is accepted. It may answer asynchronously.
 * A {@code false} answer, a failed stage, or no answer within {@link EngineOptions#allowRequestTimeout()},
 * refuses the request with HTTP 403 {@code {"code":4,"message":"Forbidden"}}.
 */
@FunctionalInterface
public interface AllowRequest {
    /** Returns a stage completed with {@code true} to accept the request. */
    CompletionStage<Boolean> allow(EngineRequest request);
}
