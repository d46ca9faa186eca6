package dev.duplex.client;

import java.time.Duration;

/**
 * A Socket.IO server the client scenarios run against. It serves "/" and "/chat" with the same handlers:
 * refuses auth {@code {"token":"bad"}} with message "not authorized" and data {@code {"reason":"bad token"}};
 * "echo" answers its ack with its arguments; "message" emits "message-back" with the same arguments; "ask"
 * emits "question" with the same arguments and an ack; "kick" disconnects the socket; "no-answer" is ignored.
 * It reports lines: {@code connection <nsp> <auth json>}, {@code event <nsp> <name> <args json>} (binary as
 * {@code {"$bin":"<hex>"}}), {@code answer <nsp> <args json>}, {@code disconnect <nsp> <reason>}.
 */
interface ServerUnderTest extends AutoCloseable {
    /** Starts (or restarts) the server on the port and waits until it listens. */
    void start(int port);

    /** Stops the server abruptly, closing every connection. */
    void stop();

    /** Waits for the next reported line starting with the prefix and returns the rest of it. */
    String awaitPrefix(String prefix, Duration timeout);

    /** Whether a thread of this JVM belongs to the server (an in-process server's threads are not the client's). */
    default boolean ownsThread(String name) {
        return false;
    }

    @Override
    void close();
}
