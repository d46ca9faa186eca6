package dev.duplex.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The WebSocket frames of {@link WsHandler}: server-to-client frame headers (RFC 6455 5.2: FIN set, no mask), so that
 * the engine can write complete frames as plain buffers, past Netty's frame encoder, when the connection uses no
 * extension; the frames of queued items, pongs and close frames, raw or as frame objects for the extension encoders;
 * and the checks of what a peer sends (UTF-8, close codes, reserved bits on continuations) as ws applies them.
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

    /** Compression extensions skip the frames of messages sent with {@code compress} false. */
    static final WebSocketExtensionFilterProvider COMPRESS_FILTER = new WebSocketExtensionFilterProvider() {
        private final WebSocketExtensionFilter skipPlain = frame -> frame instanceof PlainText
                || frame instanceof PlainBinary;

        @Override
        public WebSocketExtensionFilter encoderFilter() {
            return skipPlain;
        }

        @Override
        public WebSocketExtensionFilter decoderFilter() {
            return WebSocketExtensionFilter.NEVER_SKIP;
        }
    };

    /** A text frame that no extension compresses. */
    static final class PlainText extends TextWebSocketFrame {
        PlainText(ByteBuf content) {
            super(content);
        }
    }

    /** A binary frame that no extension compresses. */
    static final class PlainBinary extends BinaryWebSocketFrame {
        PlainBinary(ByteBuf content) {
            super(content);
        }
    }

    /** Whether a text message's bytes are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates). */
    static boolean isValidUtf8(ByteBuf b) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(b.nioBuffer(b.readerIndex(), b.readableBytes()));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** ws's isValidStatusCode: the close codes a peer may send (RFC 6455 7.4). */
    static boolean isValidCloseCode(int code) {
        return code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006
                || code >= 3000 && code <= 4999;
    }

    /** The close code ws would send for an inbound error, or 0 for none (an I/O error: the connection is gone). */
    static int closeCode(Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException) {
            return ((CorruptedWebSocketFrameException) cause).closeStatus().code();
        }
        if (cause instanceof TooLongFrameException) {
            // a fragmented message over maxHttpBufferSize (the aggregator's limit)
            return WebSocketCloseStatus.MESSAGE_TOO_BIG.code();
        }
        if (cause instanceof DecompressionException) {
            // permessage-deflate: an inflated message over the limit, else a corrupt stream (ws: 1009 / 1007)
            String m = String.valueOf(cause.getMessage());
            return m.contains("maximum size") ? WebSocketCloseStatus.MESSAGE_TOO_BIG.code()
                    : WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code();
        }
        return 0;
    }

    /** The aggregator of fragmented messages, which also refuses reserved bits on continuation frames. */
    static final class StrictAggregator extends WebSocketFrameAggregator {
        StrictAggregator(int maxContentLength) {
            super(maxContentLength);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, WebSocketFrame msg, List<Object> out) throws Exception {
            if (msg.rsv() != 0) {
                throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR, "reserved bits set");
            }
            super.decode(ctx, msg, out);
        }
    }

    /**
     * The frame for one queued item: with no extension a complete frame in one buffer (header written here, so a
     * shared message costs no encoding per recipient, and the connection needs no frame encoder: see
     * {@code WsHandler.established()}), else a frame object for the extension encoders.
     */
    static Object frame(ByteBufAllocator alloc, boolean rawFrames, Object item) {
        if (item instanceof Session.Uncompressed) {
            Object frame = frame(alloc, rawFrames, ((Session.Uncompressed) item).item());
            if (rawFrames) {
                // no extension: nothing is compressed anyway
                return frame;
            }
            WebSocketFrame f = (WebSocketFrame) frame;
            return f instanceof BinaryWebSocketFrame ? new PlainBinary(f.content()) : new PlainText(f.content());
        }
        if (rawFrames) {
            if (item instanceof String) {
                String s = (String) item;
                int payload = ByteBufUtil.utf8Bytes(s) + 1;
                ByteBuf buf = alloc.buffer(WsFrames.headerLength(payload) + payload);
                WsFrames.writeHeader(buf, false, payload);
                buf.writeByte('4');
                ByteBufUtil.writeUtf8(buf, s);
                return buf;
            }
            if (item instanceof byte[]) {
                byte[] b = (byte[]) item;
                ByteBuf buf = alloc.buffer(WsFrames.headerLength(b.length) + b.length);
                WsFrames.writeHeader(buf, true, b.length);
                buf.writeBytes(b);
                return buf;
            }
            return ((EngineMessage) item).wsFrameBuffer();
        }
        if (item instanceof String) {
            String s = (String) item;
            int len = s.length();
            ByteBuf buf = alloc.buffer(len < 1024 ? len * 3 + 1 : ByteBufUtil.utf8Bytes(s) + 1);
            buf.writeByte('4');
            ByteBufUtil.writeUtf8(buf, s);
            return new TextWebSocketFrame(buf);
        }
        if (item instanceof byte[]) {
            return new BinaryWebSocketFrame(Unpooled.wrappedBuffer((byte[]) item));
        }
        EngineMessage m = (EngineMessage) item;
        ByteBuf buf = Unpooled.wrappedBuffer(m.frame());
        return m.isBinary() ? new BinaryWebSocketFrame(buf) : new TextWebSocketFrame(buf);
    }

    static final int CLOSE = 0x88;
    static final int PONG = 0x8A;

    /** A pong answering {@code payload} (released by the write), a complete buffer when frames are raw. */
    static Object pong(ByteBufAllocator alloc, boolean rawFrames, ByteBuf payload) {
        return rawFrames ? rawControl(alloc, PONG, payload) : new PongWebSocketFrame(payload);
    }

    /** A close frame with {@code code}, or without a body for -1; a complete buffer when frames are raw. */
    static Object closeFrame(ByteBufAllocator alloc, boolean rawFrames, int code) {
        if (!rawFrames) {
            return code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, "");
        }
        ByteBuf body = code < 0 ? Unpooled.EMPTY_BUFFER : Unpooled.buffer(2).writeShort(code);
        return rawControl(alloc, CLOSE, body);
    }

    /**
     * A complete control frame (FIN, {@code opcode}, no mask) carrying {@code payload} (at most 125 bytes, as the
     * decoder guarantees for a peer's control frame), which is released.
     */
    static ByteBuf rawControl(ByteBufAllocator alloc, int opcode, ByteBuf payload) {
        try {
            int n = payload.readableBytes();
            ByteBuf buf = alloc.buffer(2 + n);
            buf.writeByte(opcode);
            buf.writeByte(n);
            buf.writeBytes(payload, payload.readerIndex(), n);
            return buf;
        } finally {
            payload.release();
        }
    }
}
