package dev.duplex.client;

/**
 * A listener of an event. For Socket.IO events the arguments are Jackson {@code JsonNode}s (binary data as a
 * {@code BinaryNode}), followed by an {@link Ack} when the sender asked for an acknowledgement. Reserved events
 * pass their own arguments: {@code disconnect} a reason string, {@code connect_error} a
 * {@link DuplexClientException}, {@code reconnect_attempt} and {@code reconnect} an {@code Integer}.
 */
@FunctionalInterface
public interface Listener {
    void call(Object... args);
}
