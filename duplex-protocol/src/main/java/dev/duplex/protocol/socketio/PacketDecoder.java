package dev.duplex.protocol.socketio;

/**
 * Turns the Engine.IO messages of one connection back into packets (see {@link PacketParser}). Stateful: one per
 * connection, not thread-safe. After a {@link SocketProtocolException} the connection should be closed with the
 * reason "parse error".
 *
 * <p>Decoded packets have the shape {@link SocketIoDecoder} documents: {@link SocketPacket#data()} is a Jackson
 * {@code JsonNode} with binary values as {@code BinaryNode}s, and a packet with binary data has type
 * {@link SocketPacketType#EVENT} or {@link SocketPacketType#ACK}.
 */
public interface PacketDecoder {
    /**
     * Decodes a text message (without the Engine.IO {@code '4'}).
     *
     * @return the packet, or {@code null} when it waits for more messages
     * @throws SocketProtocolException if the message is invalid here
     */
    SocketPacket decode(String text) throws SocketProtocolException;

    /**
     * Decodes a binary message.
     *
     * @return the packet, or {@code null} when it waits for more messages
     * @throws SocketProtocolException if the message is invalid here
     */
    SocketPacket decode(byte[] data) throws SocketProtocolException;

    /** Whether a packet is partly received. */
    boolean isAwaitingAttachments();

    /** Forgets any partly received packet. */
    void reset();
}
