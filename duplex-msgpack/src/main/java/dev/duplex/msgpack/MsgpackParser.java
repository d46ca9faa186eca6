package dev.duplex.msgpack;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.protocol.socketio.PacketDecoder;
import dev.duplex.protocol.socketio.PacketEncoder;
import dev.duplex.protocol.socketio.PacketParser;

/**
 * The packet format of {@code socket.io-msgpack-parser} 3.x: each Socket.IO packet is one binary Engine.IO message,
 * the msgpack encoding of the map {@code {type, data, nsp, id}} (as the npm package writes it with notepack.io).
 * Stateless and thread-safe; use {@link #instance()}.
 *
 * <p>Encoding: the arguments are serialized by Jackson with the configuration and modules of the given mapper;
 * {@code byte[]}, {@link java.nio.ByteBuffer} (its remaining bytes) and {@code BinaryNode} values become msgpack
 * {@code bin} (a {@code Buffer} in Node, an {@code ArrayBuffer} in browsers). BINARY_EVENT and BINARY_ACK are sent as
 * EVENT (2) and ACK (3): the format has only the types 0 to 4.
 *
 * <p>Decoding gives the same packets as the default parser ({@code JsonNode} data, {@code BinaryNode} for binary
 * values, which notepack.io writes as {@code bin} or as extension 0 for an {@code ArrayBuffer}); a {@code Date} becomes
 * its ISO-8601 string and {@code undefined} is dropped (an object member) or {@code null} (an array element), as
 * with JSON. Rejected as a parse error, as by socket.io-msgpack-parser: text messages, invalid or truncated msgpack,
 * trailing bytes, a type that is not an integer from 0 to 4, a namespace that is not a string, a payload not
 * allowed for the type, an ack id that is not an integer; and, as by Duplex's default parser, an event without a
 * (non-reserved) name, an ACK without id, an ack id outside {@code int}, nesting deeper than 1000.
 */
public final class MsgpackParser implements PacketParser {
    private static final MsgpackParser INSTANCE = new MsgpackParser();

    private MsgpackParser() {
    }

    /** The parser. */
    public static MsgpackParser instance() {
        return INSTANCE;
    }

    @Override
    public PacketEncoder newEncoder(ObjectMapper mapper) {
        return new MsgpackEncoder(mapper);
    }

    /** {@inheritDoc} {@code maxAttachments} does not apply: the format has no attachments. */
    @Override
    public PacketDecoder newDecoder(ObjectMapper mapper, int maxAttachments) {
        return new MsgpackDecoder();
    }

    @Override
    public String toString() {
        return "socket.io-msgpack-parser";
    }
}
