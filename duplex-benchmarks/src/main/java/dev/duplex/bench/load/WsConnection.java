package dev.duplex.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One raw-frame generator connection: a hand-written WebSocket client (RFC 6455, masked client frames) that speaks
 * just enough Engine.IO v4 / Socket.IO v5 text framing for the benchmark: it sends {@code 40} after the Engine.IO
 * open packet, answers Engine.IO pings with {@code 3} and WebSocket pings with pongs, and reports CONNECT answers,
 * ACKs and EVENTs to its {@link ConnectionListener}. Everything runs on the generator's event-loop thread.
 */
final class WsConnection extends ChannelInboundHandlerAdapter {
    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

    private final ConnectionListener listener;
    private final byte[] upgradeRequest;
    private Channel channel;
    private ByteBuf in;
    private boolean upgraded;
    private boolean connected;
    private boolean closed;
    private ByteBuf fragments;
    private int fragmentOpcode;

    /** Free for the scenario: e.g. an index or the time the connection was started. */
    long tag;
    /** Which of the generator's targets (cluster nodes) this connection went to; 0 with a single target. */
    int target;
    /** Free for the scenario: the next ack id to use. */
    long nextAckId;
    /** Free for the scenario: send times by ack id (a ring), or null. */
    long[] sentAt;

    WsConnection(ConnectionListener listener, String hostPort) {
        this.listener = listener;
        this.upgradeRequest = ("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                + "Host: " + hostPort + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: ZHVwbGV4LWJlbmNobWFyaw==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether the CONNECT was ever answered on this connection (it may have closed since). */
    boolean wasConnected() {
        return connected;
    }

    boolean isConnected() {
        return connected && !closed;
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        in = Unpooled.buffer(512);
        ctx.writeAndFlush(ctx.alloc().buffer(upgradeRequest.length).writeBytes(upgradeRequest));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf b = (ByteBuf) msg;
        try {
            if (closed) {
                return;
            }
            in.writeBytes(b);
        } finally {
            b.release();
        }
        try {
            if (!upgraded && !readUpgradeResponse()) {
                return;
            }
            readFrames();
            if (in != null && in.readerIndex() > 4096) {
                in.discardReadBytes();
            }
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private boolean readUpgradeResponse() {
        int end = ByteBufUtil.indexOf(in, in.readerIndex(), in.writerIndex(), HEADER_END[0]);
        while (end >= 0 && end + 3 < in.writerIndex()) {
            if (in.getByte(end + 1) == '\n' && in.getByte(end + 2) == '\r' && in.getByte(end + 3) == '\n') {
                String head = in.toString(in.readerIndex(), Math.min(12, end - in.readerIndex()),
                        StandardCharsets.US_ASCII);
                if (!head.startsWith("HTTP/1.1 101")) {
                    throw new IllegalStateException("WebSocket upgrade refused: "
                            + in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.US_ASCII));
                }
                in.readerIndex(end + 4);
                upgraded = true;
                return true;
            }
            end = ByteBufUtil.indexOf(in, end + 1, in.writerIndex(), HEADER_END[0]);
        }
        if (in.readableBytes() > 8192) {
            throw new IllegalStateException("upgrade response too long");
        }
        return false;
    }

    private void readFrames() {
        while (!closed && in.readableBytes() >= 2) {
            int start = in.readerIndex();
            int b0 = in.getUnsignedByte(start);
            int b1 = in.getUnsignedByte(start + 1);
            if ((b1 & 0x80) != 0) {
                throw new IllegalStateException("server frames must not be masked");
            }
            long len = b1 & 0x7f;
            int header = 2;
            if (len == 126) {
                if (in.readableBytes() < 4) {
                    return;
                }
                len = in.getUnsignedShort(start + 2);
                header = 4;
            } else if (len == 127) {
                if (in.readableBytes() < 10) {
                    return;
                }
                len = in.getLong(start + 2);
                header = 10;
            }
            if (len > 16 * 1024 * 1024) {
                throw new IllegalStateException("frame too large: " + len);
            }
            if (in.readableBytes() < header + len) {
                return;
            }
            int opcode = b0 & 0x0f;
            boolean fin = (b0 & 0x80) != 0;
            ByteBuf payload = in.slice(start + header, (int) len);
            in.readerIndex(start + header + (int) len);
            if (opcode >= 8) {
                control(opcode, payload);
            } else if (!fin || opcode == 0) {
                fragment(opcode, fin, payload);
            } else {
                data(opcode, payload);
            }
        }
    }

    private void fragment(int opcode, boolean fin, ByteBuf payload) {
        if (opcode != 0) {
            fragmentOpcode = opcode;
            if (fragments == null) {
                fragments = Unpooled.buffer();
            }
            fragments.clear();
        } else if (fragments == null) {
            throw new IllegalStateException("continuation frame without a start");
        }
        fragments.writeBytes(payload);
        if (fin) {
            data(fragmentOpcode, fragments);
            fragments.clear();
        }
    }

    private void control(int opcode, ByteBuf payload) {
        switch (opcode) {
            case 8 -> close();
            case 9 -> sendFrame(0xA, payload);
            case 10 -> {
                // unsolicited pong: ignore
            }
            default -> throw new IllegalStateException("unknown control opcode " + opcode);
        }
    }

    private void data(int opcode, ByteBuf p) {
        if (opcode != 1) {
            // binary attachments are not used by the benchmark events
            return;
        }
        if (!p.isReadable()) {
            throw new IllegalStateException("empty Engine.IO packet");
        }
        int i = p.readerIndex();
        byte eio = p.getByte(i);
        switch (eio) {
            case '0' -> sendText(SIO_CONNECT);
            case '2' -> sendText(EIO_PONG);
            case '1' -> close();
            case '4' -> socketIo(p.slice(i + 1, p.readableBytes() - 1));
            case '6', '3' -> {
                // noop / pong: nothing to do
            }
            default -> throw new IllegalStateException("unexpected Engine.IO packet type " + (char) eio);
        }
    }

    private static final byte[] SIO_CONNECT = {'4', '0'};
    private static final byte[] EIO_PONG = {'3'};

    private void socketIo(ByteBuf p) {
        if (!p.isReadable()) {
            throw new IllegalStateException("empty Socket.IO packet");
        }
        int base = p.readerIndex();
        byte type = p.getByte(base);
        int end = p.writerIndex();
        switch (type) {
            case '0' -> {
                if (!connected) {
                    connected = true;
                    listener.onConnected(this);
                }
            }
            case '2' -> {
                int args = p.indexOf(base + 1, end, (byte) '[');
                if (args < 0) {
                    throw new IllegalStateException("EVENT without arguments");
                }
                listener.onEvent(this, p, args - base);
            }
            case '3' -> {
                long id = 0;
                int j = base + 1;
                for (; j < end; j++) {
                    byte c = p.getByte(j);
                    if (c < '0' || c > '9') {
                        break;
                    }
                    id = id * 10 + (c - '0');
                }
                if (j == base + 1 || j == end || p.getByte(j) != '[') {
                    throw new IllegalStateException("malformed ACK: " + p.toString(StandardCharsets.UTF_8));
                }
                listener.onAck(this, id, p, j - base);
            }
            case '1' -> close();
            case '4' -> throw new IllegalStateException("CONNECT refused: " + p.toString(StandardCharsets.UTF_8));
            default -> throw new IllegalStateException("unexpected Socket.IO packet " + p.toString(
                    StandardCharsets.UTF_8));
        }
    }

    /** Sends one Engine.IO text packet (already prefixed with its type) in a masked text frame; flushes. */
    void sendText(byte[] text) {
        if (closed) {
            return;
        }
        ByteBuf f = frame(1, text.length);
        int mask = ThreadLocalRandom.current().nextInt();
        f.writeInt(mask);
        for (int i = 0; i < text.length; i++) {
            f.writeByte(text[i] ^ (mask >>> (24 - 8 * (i & 3))));
        }
        channel.writeAndFlush(f, channel.voidPromise());
    }

    private void sendFrame(int opcode, ByteBuf payload) {
        int n = payload.readableBytes();
        ByteBuf f = frame(opcode, n);
        int mask = ThreadLocalRandom.current().nextInt();
        f.writeInt(mask);
        for (int i = 0; i < n; i++) {
            f.writeByte(payload.getByte(payload.readerIndex() + i) ^ (mask >>> (24 - 8 * (i & 3))));
        }
        channel.writeAndFlush(f, channel.voidPromise());
    }

    private ByteBuf frame(int opcode, int len) {
        ByteBuf f = channel.alloc().buffer(len + 14);
        f.writeByte(0x80 | opcode);
        if (len < 126) {
            f.writeByte(0x80 | len);
        } else if (len < 65536) {
            f.writeByte(0x80 | 126).writeShort(len);
        } else {
            f.writeByte(0x80 | 127).writeLong(len);
        }
        return f;
    }

    /** Closes with a TCP RST (the channel has SO_LINGER 0), so repeated runs do not pile up TIME_WAIT ports. */
    void close() {
        if (channel != null && channel.isOpen()) {
            channel.close();
        }
    }

    /** Called when the TCP connect itself failed, so that the scenario can count it and move on. */
    void connectFailed(Throwable cause) {
        fail(cause);
    }

    private void fail(Throwable cause) {
        if (!closed) {
            closed = true;
            listener.onClosed(this, cause);
        }
        close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!closed) {
            closed = true;
            listener.onClosed(this, null);
        }
        // heap buffers: nothing to release, so a channel dropped by a generator shutdown cannot leak
        in = null;
        fragments = null;
    }
}
