package dev.duplex.protocol.socketio;

/** Turns packets into Engine.IO messages (see {@link PacketParser}). Thread-safe. */
@FunctionalInterface
public interface PacketEncoder {
    /**
     * Encodes one packet into the Engine.IO messages that carry it, in order.
     *
     * @throws IllegalArgumentException if the packet cannot be encoded (e.g. data Jackson cannot serialize)
     */
    EncodedPacket encode(SocketPacket packet);
}
