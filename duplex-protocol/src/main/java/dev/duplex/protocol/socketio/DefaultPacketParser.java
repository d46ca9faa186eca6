package dev.duplex.protocol.socketio;

import com.fasterxml.jackson.databind.ObjectMapper;

/** socket.io-parser's format. */
final class DefaultPacketParser implements PacketParser {
    static final DefaultPacketParser INSTANCE = new DefaultPacketParser();

    private DefaultPacketParser() {
    }

    @Override
    public PacketEncoder newEncoder(ObjectMapper mapper) {
        return new SocketIoEncoder(mapper);
    }

    @Override
    public PacketDecoder newDecoder(ObjectMapper mapper, int maxAttachments) {
        return new SocketIoDecoder(mapper, maxAttachments);
    }

    @Override
    public String toString() {
        return "socket.io-parser";
    }
}
