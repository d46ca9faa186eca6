package dev.duplex.engine;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether a new session (a handshake request) is accepted. It may answer asynchronously.
 * A {@code false} answer, a failed stage, or no answer within {@link EngineOptions#allowRequestTimeout()},
 * refuses the request with HTTP 403 {@code {"code":4,"message":"Forbidden"}}; a stage from
 * {@link #refuse(String)} refuses it with its own message instead, as engine.io's {@code fn(message, false)}:
 * {@code {"code":4,"message":"Thou shall not pass"}}.
 */
@FunctionalInterface
public interface AllowRequest {
    /** Returns a stage completed with {@code true} to accept the request. */
    CompletionStage<Boolean> allow(EngineRequest request);

    /**
     * A refusal whose message the client reads in the 403 body (instead of {@code Forbidden}) and
     * {@link EngineServer#onConnectionError} listeners in the context's {@code message}. Shown to the client: do
     * not put internal details in it.
     */
    static CompletionStage<Boolean> refuse(String message) {
        return CompletableFuture.failedFuture(new Refusal(message));
    }

    /** The failure of {@link #refuse(String)}'s stage; thrown from {@link #allow} it refuses the same way. */
    final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** A refusal with {@code message} for the client. */
        public Refusal(String message) {
            super(Objects.requireNonNull(message, "message"), null, false, false);
        }
    }
}
