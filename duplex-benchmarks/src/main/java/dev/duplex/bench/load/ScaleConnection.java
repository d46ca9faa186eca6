package dev.duplex.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One connection of the scale scenario ({@link ScaleLoad}): a raw WebSocket client kept as small as an idle
 * connection can be. It holds no buffer while idle (a partial frame is copied aside only until the rest arrives), no
 * timer and no copy of its request; it answers every Engine.IO ping with a pong the moment it is read and counts
 * both. Its life: WebSocket upgrade, Engine.IO open, {@code 40}, {@code 421["join","scale"]}, ack {@code 431[]};
 * then it only answers pings and receives broadcasts. Everything runs on the generator's one event-loop thread.
 */
final class ScaleConnection extends ChannelInboundHandlerAdapter {
    static final byte UPGRADING = 0;
    static final byte OPEN = 1;
    static final byte JOINING = 2;
    static final byte JOINED = 3;
    static final byte CLOSED = 4;

    private static final byte[] SIO_CONNECT = {'4', '0'};
    private static final byte[] EIO_PONG = {'3'};

    private final ScaleLoad load;
    private Channel channel;
    /** Bytes of an incomplete frame (or of the upgrade response), or null: the usual idle state. */
    private ByteBuf in;
    byte state;
    /** Whether the server ended the connection (Engine.IO close, Socket.IO disconnect or a WebSocket close). */
    boolean closedByServerPacket;
    /** Engine.IO pings received (each answered at once with a pong). */
    int pings;
    /** Pongs sent. */
    int pongs;
    /** When the last ping arrived, or the Engine.IO open packet before the first: ms since the load's start. */
    int lastPingMs;

    ScaleConnection(ScaleLoad load) {
        this.load = load;
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        byte[] req = load.upgradeRequest();
        ctx.writeAndFlush(ctx.alloc().buffer(req.length).writeBytes(req), ctx.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf b = (ByteBuf) msg;
        if (state == CLOSED) {
            b.release();
            return;
        }
        ByteBuf buf;
        if (in == null) {
            buf = b;
        } else {
            in.writeBytes(b);
            b.release();
            buf = in;
        }
        try {
            if (state == UPGRADING && !readUpgradeResponse(buf)) {
                keep(buf);
                return;
            }
            readFrames(buf);
            keep(buf);
        } catch (RuntimeException e) {
            if (buf == b) {
                b.release();
            }
            fail(e.getMessage());
        }
    }

    /** Keeps the unread rest of {@code buf} aside (heap copy) or drops the buffer when all was read. */
    private void keep(ByteBuf buf) {
        if (buf == in) {
            if (!in.isReadable()) {
                in = null;
            } else if (in.readerIndex() > 4096) {
                in.discardReadBytes();
            }
            return;
        }
        if (buf.isReadable() && state != CLOSED) {
            in = io.netty.buffer.Unpooled.buffer(Math.max(256, buf.readableBytes() * 2));
            in.writeBytes(buf);
        }
        buf.release();
    }

    private boolean readUpgradeResponse(ByteBuf buf) {
        int r = buf.readerIndex();
        int w = buf.writerIndex();
        for (int i = r; i + 3 < w; i++) {
            if (buf.getByte(i) == '\r' && buf.getByte(i + 1) == '\n' && buf.getByte(i + 2) == '\r'
                    && buf.getByte(i + 3) == '\n') {
                if (i - r < 12 || buf.getByte(r + 9) != '1' || buf.getByte(r + 10) != '0'
                        || buf.getByte(r + 11) != '1') {
                    throw new IllegalStateException("WebSocket upgrade refused: " + buf.toString(r,
                            Math.min(i - r, 200), java.nio.charset.StandardCharsets.US_ASCII));
                }
                buf.readerIndex(i + 4);
                state = OPEN;
                return true;
            }
        }
        if (w - r > 8192) {
            throw new IllegalStateException("upgrade response too long");
        }
        return false;
    }

    private void readFrames(ByteBuf buf) {
        while (state != CLOSED && buf.readableBytes() >= 2) {
            int start = buf.readerIndex();
            int b0 = buf.getUnsignedByte(start);
            int b1 = buf.getUnsignedByte(start + 1);
            if ((b1 & 0x80) != 0) {
                throw new IllegalStateException("server frames must not be masked");
            }
            long len = b1 & 0x7f;
            int header = 2;
            if (len == 126) {
                if (buf.readableBytes() < 4) {
                    return;
                }
                len = buf.getUnsignedShort(start + 2);
                header = 4;
            } else if (len == 127) {
                if (buf.readableBytes() < 10) {
                    return;
                }
                len = buf.getLong(start + 2);
                header = 10;
            }
            if (len > 1024 * 1024) {
                throw new IllegalStateException("frame too large: " + len);
            }
            if (buf.readableBytes() < header + len) {
                return;
            }
            int opcode = b0 & 0x0f;
            if ((b0 & 0x80) == 0 || opcode == 0) {
                throw new IllegalStateException("fragmented frames are not expected in the scale scenario");
            }
            int from = start + header;
            buf.readerIndex(from + (int) len);
            switch (opcode) {
                case 1 -> text(buf, from, (int) len);
                case 2 -> {
                    // no binary packets in this scenario
                }
                case 8 -> {
                    closedByServerPacket = true;
                    close();
                }
                case 9 -> sendFrame(0xA, buf, from, (int) len);
                case 10 -> {
                    // unsolicited pong
                }
                default -> throw new IllegalStateException("unknown opcode " + opcode);
            }
        }
    }

    private void text(ByteBuf buf, int from, int len) {
        if (len == 0) {
            throw new IllegalStateException("empty Engine.IO packet");
        }
        switch (buf.getByte(from)) {
            case '2' -> {
                pings++;
                load.onPing(this);
                if (load.answersPings()) {
                    send(EIO_PONG);
                    pongs++;
                }
            }
            case '0' -> {
                lastPingMs = load.nowMs();
                send(SIO_CONNECT);
            }
            case '4' -> socketIo(buf, from + 1, len - 1);
            case '1' -> {
                closedByServerPacket = true;
                close();
            }
            case '3', '6' -> {
                // pong, noop
            }
            default -> throw new IllegalStateException("unexpected Engine.IO packet type "
                    + (char) buf.getByte(from));
        }
    }

    private void socketIo(ByteBuf buf, int from, int len) {
        if (len == 0) {
            throw new IllegalStateException("empty Socket.IO packet");
        }
        switch (buf.getByte(from)) {
            case '0' -> {
                if (state == OPEN) {
                    state = JOINING;
                    send(load.joinPacket());
                }
            }
            case '3' -> {
                if (state == JOINING && len >= 3 && buf.getByte(from + 1) == '1' && buf.getByte(from + 2) == '[') {
                    state = JOINED;
                    load.onJoined(this);
                } else {
                    throw new IllegalStateException("unexpected ack " + buf.toString(from, len,
                            java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            case '2' -> load.onEvent(this, buf, from + 1, len - 1);
            case '1' -> {
                closedByServerPacket = true;
                close();
            }
            case '4' -> throw new IllegalStateException("CONNECT refused: " + buf.toString(from, len,
                    java.nio.charset.StandardCharsets.UTF_8));
            default -> throw new IllegalStateException("unexpected Socket.IO packet " + buf.toString(from,
                    Math.min(len, 100), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** Sends one Engine.IO text packet in a masked text frame and flushes. */
    void send(byte[] text) {
        if (state == CLOSED || channel == null) {
            return;
        }
        ByteBuf f = header(1, text.length);
        int mask = ThreadLocalRandom.current().nextInt();
        f.writeInt(mask);
        for (int i = 0; i < text.length; i++) {
            f.writeByte(text[i] ^ (mask >>> (24 - 8 * (i & 3))));
        }
        channel.writeAndFlush(f, channel.voidPromise());
    }

    private void sendFrame(int opcode, ByteBuf payload, int from, int n) {
        ByteBuf f = header(opcode, n);
        int mask = ThreadLocalRandom.current().nextInt();
        f.writeInt(mask);
        for (int i = 0; i < n; i++) {
            f.writeByte(payload.getByte(from + i) ^ (mask >>> (24 - 8 * (i & 3))));
        }
        channel.writeAndFlush(f, channel.voidPromise());
    }

    private ByteBuf header(int opcode, int len) {
        ByteBuf f = channel.alloc().buffer(len + 14);
        f.writeByte(0x80 | opcode);
        if (len < 126) {
            f.writeByte(0x80 | len);
        } else {
            f.writeByte(0x80 | 126).writeShort(len);
        }
        return f;
    }

    /** Closes the connection (RST: SO_LINGER 0). */
    void close() {
        if (channel != null && channel.isOpen()) {
            channel.close();
        }
    }

    /** The TCP connect failed. */
    void connectFailed(Throwable cause) {
        fail(String.valueOf(cause));
    }

    private void fail(String why) {
        if (state != CLOSED) {
            byte was = state;
            state = CLOSED;
            in = null;
            load.onClosed(this, was, why);
        }
        close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(String.valueOf(cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (in != null) {
            in = null;
        }
        if (state != CLOSED) {
            byte was = state;
            state = CLOSED;
            load.onClosed(this, was, closedByServerPacket ? "closed by the server" : "connection closed (EOF/RST)");
        }
    }
}
