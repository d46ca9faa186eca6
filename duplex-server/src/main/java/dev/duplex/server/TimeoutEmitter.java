package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code socket.timeout(duration)}: emits whose acks fail with {@link AckTimeoutException} after the timeout. */
public final class TimeoutEmitter {
    private final Socket socket;
    private final Duration timeout;

    TimeoutEmitter(Socket socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    /** With socket.io's {@code compress} flag: see {@link SocketEmitter#compress(boolean)}. */
    public SocketEmitter compress(boolean compress) {
        return new SocketEmitter(socket, timeout, compress);
    }

    /** Sends the event and completes with the arguments of the client's ack, or fails on timeout. */
    public CompletableFuture<List<JsonNode>> emitWithAck(String event, Object... args) {
        return socket.emitWithAck(timeout, event, args);
    }
}
