package dev.duplex.server;

import java.util.function.Consumer;

/**
 * Connection middleware of a namespace ({@code io.use((socket, next) -> ...)}). Call {@code next.accept(null)} to
 * continue, or {@code next.accept(error)} to refuse: the client gets CONNECT_ERROR with {@code error.getMessage()}
 * and, for a {@link ConnectionRefusedException}, its data. A thrown exception refuses likewise. {@code next} may be
 * called later from any thread.
 */
@FunctionalInterface
public interface Middleware {

    /** @param socket the socket being connected (not yet connected) */
    void handle(Socket socket, Consumer<Exception> next) throws Exception;
}
