package dev.duplex.server;

/**
 * Like {@link RequestHandler} with the first argument mapped to {@code T}: the returned value (or
 * {@link java.util.concurrent.CompletionStage}) is sent as the ack.
 *
 * @param <T> the type of the first argument
 */
@FunctionalInterface
public interface TypedRequestHandler<T> {

    /** @param value the first argument (null when absent) */
    Object handle(T value) throws Exception;
}
