package dev.duplex.protocol.socketio;

import java.util.Set;

/** Helpers shared by the Socket.IO encoder, decoder and the layers above them. */
public final class SocketIoParser {
    /** The Socket.IO protocol revision implemented here. */
    public static final int PROTOCOL = 5;

    private static final Set<String> RESERVED = Set.of(
            "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

    private SocketIoParser() {
    }

    /**
     * Whether {@code name} is reserved and may be neither emitted by users nor received from a peer:
     * {@code connect}, {@code connect_error}, {@code disconnect}, {@code disconnecting}, {@code newListener},
     * {@code removeListener}.
     */
    public static boolean isReservedEventName(String name) {
        return name != null && RESERVED.contains(name);
    }
}
