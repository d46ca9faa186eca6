package dev.duplex.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.FastThreadLocal;
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

    /** Scratch space for building a frame on the generator thread (single-threaded: one per event loop). */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[512];
        }
    };

    private final ConnectionListener listener;
    private final byte[] upgradeRequest;
    /** The Engine.IO session of a polling handshake to upgrade (probe, then {@code 5}), or null. */
    private final String upgradeSid;
    private Channel channel;
    private ByteBuf in;
    private boolean upgraded;
    private boolean reading;
    private boolean flushPending;
    private int maskState;
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
        this(listener, hostPort, null);
    }

    /**
     * A connection that upgrades the Engine.IO session {@code sid}, opened and connected to the main namespace
     * over HTTP long-polling ({@link PollingHandshake}), to WebSocket the way the official client does:
     * {@code 2probe}, {@code 3probe}, {@code 5}; it counts as connected once {@code 5} is sent.
     */
    WsConnection(ConnectionListener listener, String hostPort, String upgradeSid) {
        this.listener = listener;
        this.upgradeSid = upgradeSid;
        this.maskState = ThreadLocalRandom.current().nextInt() | 1;
        this.upgradeRequest = ("GET /socket.io/?EIO=4&transport=websocket"
                + (upgradeSid == null ? "" : "&sid=" + upgradeSid) + " HTTP/1.1\r\n"
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

    /**
     * Reads frames straight from the received buffer when nothing is left over from the previous read (the usual
     * case: no copy), else appends to the left-over bytes first; frames sent while reading are flushed once, at
     * {@link #channelReadComplete}.
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf b = (ByteBuf) msg;
        reading = true;
        try {
            if (closed) {
                return;
            }
            if (upgraded && !in.isReadable()) {
                in.clear();
                readFrames(b);
                if (b.isReadable() && !closed && in != null) {
                    in.writeBytes(b);
                }
                return;
            }
            in.writeBytes(b);
            if (!upgraded && !readUpgradeResponse()) {
                return;
            }
            readFrames(in);
            if (in != null && in.readerIndex() > 4096) {
                in.discardReadBytes();
            }
        } catch (RuntimeException e) {
            fail(e);
        } finally {
            b.release();
            reading = false;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flushPending) {
            flushPending = false;
            ctx.flush();
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
                if (upgradeSid != null) {
                    sendText(PROBE);
                }
                return true;
            }
            end = ByteBufUtil.indexOf(in, end + 1, in.writerIndex(), HEADER_END[0]);
        }
        if (in.readableBytes() > 8192) {
            throw new IllegalStateException("upgrade response too long");
        }
        return false;
    }

    private void readFrames(ByteBuf in) {
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
            // the payload is seen through the buffer itself, its indices narrowed to the frame (no slice object
            // per frame), and restored after the callbacks
            int frameEnd = start + header + (int) len;
            int limit = in.writerIndex();
            in.setIndex(start + header, frameEnd);
            try {
                if (opcode >= 8) {
                    control(opcode, in);
                } else if (!fin || opcode == 0) {
                    fragment(opcode, fin, in);
                } else {
                    data(opcode, in);
                }
            } finally {
                in.setIndex(frameEnd, limit);
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
            case '4' -> {
                p.readerIndex(i + 1);
                socketIo(p);
            }
            case '3' -> {
                if (upgradeSid != null && !connected && p.readableBytes() == 6
                        && p.toString(i + 1, 5, StandardCharsets.US_ASCII).equals("probe")) {
                    sendText(UPGRADE);
                    connected = true;
                    listener.onConnected(this);
                }
            }
            case '6' -> {
                // noop: nothing to do
            }
            default -> throw new IllegalStateException("unexpected Engine.IO packet type " + (char) eio);
        }
    }

    private static final byte[] SIO_CONNECT = {'4', '0'};
    private static final byte[] EIO_PONG = {'3'};
    private static final byte[] PROBE = "2probe".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UPGRADE = {'5'};

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
        sendText(text, -1, null);
    }

    /**
     * Sends {@code head}, then {@code number} in decimal unless it is negative, then {@code tail} (if not null) as
     * one masked text frame, built in a scratch array and copied once into the outgoing buffer (no other
     * allocation); flushed now, or at the end of the current read when called while this connection is reading.
     */
    void sendText(byte[] head, long number, byte[] tail) {
        if (closed || channel == null) {
            return;
        }
        byte[] buf = SCRATCH.get();
        int len = head.length + (number < 0 ? 0 : digits(number)) + (tail == null ? 0 : tail.length);
        int hdr = len < 126 ? 6 : len < 65536 ? 8 : 14;
        if (hdr + len > buf.length) {
            buf = new byte[hdr + len];
        }
        int p = 0;
        buf[p++] = (byte) 0x81;
        if (len < 126) {
            buf[p++] = (byte) (0x80 | len);
        } else if (len < 65536) {
            buf[p++] = (byte) (0x80 | 126);
            buf[p++] = (byte) (len >>> 8);
            buf[p++] = (byte) len;
        } else {
            buf[p++] = (byte) (0x80 | 127);
            for (int k = 7; k >= 0; k--) {
                buf[p++] = (byte) ((long) len >>> (8 * k));
            }
        }
        int mask = nextMask();
        int m = p;
        buf[p++] = (byte) (mask >>> 24);
        buf[p++] = (byte) (mask >>> 16);
        buf[p++] = (byte) (mask >>> 8);
        buf[p++] = (byte) mask;
        int start = p;
        System.arraycopy(head, 0, buf, p, head.length);
        p += head.length;
        if (number >= 0) {
            int n = digits(number);
            long v = number;
            for (int k = p + n - 1; k >= p; k--) {
                buf[k] = (byte) ('0' + v % 10);
                v /= 10;
            }
            p += n;
        }
        if (tail != null) {
            System.arraycopy(tail, 0, buf, p, tail.length);
            p += tail.length;
        }
        for (int k = start; k < p; k++) {
            buf[k] ^= buf[m + ((k - start) & 3)];
        }
        ByteBuf f = channel.alloc().buffer(p);
        f.writeBytes(buf, 0, p);
        if (reading) {
            channel.write(f, channel.voidPromise());
            flushPending = true;
        } else {
            channel.writeAndFlush(f, channel.voidPromise());
        }
    }

    private static int digits(long v) {
        int n = 1;
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }

    /** A fresh mask per frame (xorshift: RFC 6455 wants it unpredictable to proxies; the servers only unmask). */
    private int nextMask() {
        int x = maskState;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        maskState = x;
        return x;
    }

    private void sendFrame(int opcode, ByteBuf payload) {
        int n = payload.readableBytes();
        ByteBuf f = frame(opcode, n);
        int mask = nextMask();
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
