package dev.duplex.engine;

import io.netty.buffer.ByteBuf;

/**
 * Server-to-client WebSocket frame headers (RFC 6455 5.2: FIN set, no mask), so that the engine can write complete
 * frames as plain buffers, past Netty's frame encoder, when the connection uses no extension.
 */
final class WsFrames {
    static final int TEXT = 0x81;
    static final int BINARY = 0x82;

    private WsFrames() {
    }

    static int headerLength(int payloadLength) {
        return payloadLength <= 125 ? 2 : payloadLength <= 0xffff ? 4 : 10;
    }

    /** Writes the header into {@code dst} from index 0; returns its length. */
    static int writeHeader(byte[] dst, boolean binary, int payloadLength) {
        dst[0] = (byte) (binary ? BINARY : TEXT);
        if (payloadLength <= 125) {
            dst[1] = (byte) payloadLength;
            return 2;
        }
        if (payloadLength <= 0xffff) {
            dst[1] = 126;
            dst[2] = (byte) (payloadLength >>> 8);
            dst[3] = (byte) payloadLength;
            return 4;
        }
        dst[1] = 127;
        long len = payloadLength;
        for (int i = 0; i < 8; i++) {
            dst[2 + i] = (byte) (len >>> (56 - 8 * i));
        }
        return 10;
    }

    /** Writes the header into a buffer. */
    static void writeHeader(ByteBuf dst, boolean binary, int payloadLength) {
        dst.writeByte(binary ? BINARY : TEXT);
        if (payloadLength <= 125) {
            dst.writeByte(payloadLength);
        } else if (payloadLength <= 0xffff) {
            dst.writeByte(126);
            dst.writeShort(payloadLength);
        } else {
            dst.writeByte(127);
            dst.writeLong(payloadLength);
        }
    }
}
