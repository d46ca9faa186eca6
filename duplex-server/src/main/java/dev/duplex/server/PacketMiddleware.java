package dev.duplex.server;

import java.util.function.Consumer;

/**
 * Per-packet middleware of a socket ({@code socket.use((packet, next) -> ...)}). Call {@code next.accept(null)} to
 * continue, or {@code next.accept(error)} to drop the packet and report the error to the socket's error listeners.
 */
@FunctionalInterface
public interface PacketMiddleware {

    /** @param packet the incoming event (its argument list may be modified) */
    void handle(EventPacket packet, Consumer<Exception> next) throws Exception;
}
