package dev.duplex.protocol.socketio;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A Socket.IO packet format, socket.io's {@code parser} option: how {@link SocketPacket}s become Engine.IO messages
 * and back. Both ends of a connection must use the same parser.
 *
 * <p>{@link #defaultParser()} is socket.io-parser's format (a text message per packet, binary data as attachments);
 * the {@code duplex-msgpack} module provides the format of {@code socket.io-msgpack-parser}. An implementation is
 * stateless and thread-safe: the server asks it for one encoder and, per connection, one decoder.
 */
public interface PacketParser {

    /**
     * The encoder used for every packet of a server or client manager: thread-safe.
     *
     * @param mapper the Jackson mapper whose configuration and modules serialize the arguments (not modified)
     */
    PacketEncoder newEncoder(ObjectMapper mapper);

    /**
     * A decoder for one connection (stateful, used by one thread at a time).
     *
     * @param mapper the Jackson mapper that parses JSON (for text formats; not modified)
     * @param maxAttachments the most binary attachments one packet may have, where the format has attachments
     */
    PacketDecoder newDecoder(ObjectMapper mapper, int maxAttachments);

    /** socket.io-parser's format: {@link SocketIoEncoder} and {@link SocketIoDecoder}. */
    static PacketParser defaultParser() {
        return DefaultPacketParser.INSTANCE;
    }
}
