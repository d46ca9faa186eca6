package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Emits to one socket with socket.io's per-emit flags, e.g. {@code socket.compress(false).emit("frame", bytes)}.
 * Immutable: every flag method returns a new emitter.
 */
public final class SocketEmitter {
    private final Socket socket;
    private final Duration timeout;
    private final boolean compress;

    SocketEmitter(Socket socket, Duration timeout, boolean compress) {
        this.socket = socket;
        this.timeout = timeout;
        this.compress = compress;
    }

    /**
     * socket.io's {@code compress} flag, true by default: with false the message's WebSocket frames are sent
     * without per-message deflate (RSV1 clear) even when the extension was negotiated, and over polling the message
     * does not make its HTTP response compressed.
     */
    public SocketEmitter compress(boolean value) {
        return new SocketEmitter(socket, timeout, value);
    }

    /** The ack timeout of {@link #emitWithAck}: the future fails with {@link AckTimeoutException} after it. */
    public SocketEmitter timeout(Duration value) {
        return new SocketEmitter(socket, Objects.requireNonNull(value, "timeout"), compress);
    }

    /** As {@link Socket#emit(String, Object...)}, with these flags. */
    public SocketEmitter emit(String event, Object... args) {
        socket.emit(compress, event, args);
        return this;
    }

    /** As {@link Socket#emitWithAck(String, Object...)}, with these flags. */
    public CompletableFuture<List<JsonNode>> emitWithAck(String event, Object... args) {
        return socket.emitWithAck(timeout, compress, event, args);
    }
}
