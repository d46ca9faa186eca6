package dev.duplex.server;

/**
 * Handles an event whose first argument is mapped to {@code T} with the server's Jackson {@code ObjectMapper}.
 * A mapping failure is reported to the socket's error listeners.
 *
 * @param <T> the type of the first argument
 */
@FunctionalInterface
public interface TypedHandler<T> {

    /**
     * @param value the first argument (null when absent)
     * @param ack   the client's acknowledgement callback, or null
     */
    void handle(T value, Ack ack) throws Exception;
}
