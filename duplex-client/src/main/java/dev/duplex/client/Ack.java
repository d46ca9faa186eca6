package dev.duplex.client;

/**
 * An acknowledgement callback. Passed as the last argument of an incoming event whose sender waits for an
 * answer: call it once with the answer's arguments (anything Jackson serializes, {@code byte[]} for binary).
 * Given as the last argument of {@link Socket#emit}, it receives the server's answer as {@code JsonNode}s, or a
 * single {@link DuplexClientException} when a timeout was set and expired.
 */
@FunctionalInterface
public interface Ack {
    void call(Object... args);
}
