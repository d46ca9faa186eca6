package dev.duplex.client;

import java.time.Duration;

/**
 * An acknowledgement with a timeout, as socket.io-client-java 2.1's {@code AckWithTimeout}:
 * <pre>{@code
 * socket.emit("hello", "world", new AckWithTimeout(5000) {
 *     public void onSuccess(Object... args) { ... }   // the server's answer (JsonNodes)
 *     public void onTimeout() { ... }                 // no answer in time, or disconnected before it came
 * });
 * }</pre>
 * Same as {@code socket.timeout(Duration.ofMillis(5000)).emit("hello", "world", ack)}.
 */
public abstract class AckWithTimeout implements Ack {
    private final Duration timeout;

    /** @param timeoutMillis how long to wait for the answer, in milliseconds */
    protected AckWithTimeout(long timeoutMillis) {
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("timeout must be positive: " + timeoutMillis);
        }
        this.timeout = Duration.ofMillis(timeoutMillis);
    }

    /** The timeout. */
    public final Duration timeout() {
        return timeout;
    }

    /** Called with the answer; a {@link DuplexClientException} alone means no answer came (then onTimeout). */
    @Override
    public final void call(Object... args) {
        if (args.length == 1 && args[0] instanceof DuplexClientException) {
            onTimeout();
        } else {
            onSuccess(args);
        }
    }

    /** The server's answer. */
    public abstract void onSuccess(Object... args);

    /** No answer within the timeout (or the socket was disconnected before it came). */
    public abstract void onTimeout();
}
