package dev.duplex.engine;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket that writes frames byte for byte as given (any opcode, reserved bits,
 * length, fragmentation, masking) and reads the server's frames, for protocol tests in the spirit of the Autobahn
 * test suite.
 */
final class RawWs implements AutoCloseable {
    static final int CONT = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    /** A frame read from the server. */
    record Frame(boolean fin, int rsv, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame, 1005 when it has none. */
        int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        /** The close reason of a close frame. */
        String closeReason() {
            return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Frame{fin=" + fin + ",rsv=" + rsv + ",op=" + opcode + ",len=" + payload.length
                    + (opcode == CLOSE ? ",code=" + closeCode() + ",reason='" + closeReason() + "'" : "") + "}";
        }
    }

    final Socket socket;
    final InputStream in;
    final OutputStream out;
    /** The HTTP response head of the handshake. */
    String responseHead;

    private RawWs(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Connects without handshake. */
    static RawWs open(int port) throws IOException {
        return new RawWs(port);
    }

    /** Connects, makes a WebSocket handshake of a new session and reads the 101 head. */
    static RawWs connect(int port) throws IOException {
        RawWs c = new RawWs(port);
        c.out.write(upgradeRequest("/engine.io/?EIO=4&transport=websocket", KEY));
        c.readHead();
        if (!c.responseHead.startsWith("HTTP/1.1 101")) {
            throw new IOException("no 101: " + c.responseHead);
        }
        return c;
    }

    /** Connects with permessage-deflate asked for (no client context takeover) and reads the 101 head. */
    static RawWs connectDeflate(int port) throws IOException {
        RawWs c = new RawWs(port);
        c.out.write(upgradeRequest("/engine.io/?EIO=4&transport=websocket", KEY,
                "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover\r\n"));
        c.readHead();
        if (!c.responseHead.startsWith("HTTP/1.1 101")
                || !c.responseHead.toLowerCase(java.util.Locale.ROOT).contains("permessage-deflate")) {
            throw new IOException("no 101 with permessage-deflate: " + c.responseHead);
        }
        return c;
    }

    static byte[] upgradeRequest(String uri, String key) {
        return upgradeRequest(uri, key, "");
    }

    static byte[] upgradeRequest(String uri, String key, String extraHeaders) {
        return ("GET " + uri + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + (key == null ? "" : "Sec-WebSocket-Key: " + key + "\r\n") + "Sec-WebSocket-Version: 13\r\n"
                + extraHeaders + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A message compressed as permessage-deflate sends it (raw deflate, sync flush, the 00 00 ff ff tail cut). */
    static byte[] deflate(byte[] message) {
        java.util.zip.Deflater d = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION, true);
        d.setInput(message);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = d.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH)) > 0) {
            o.write(buf, 0, n);
            if (n < buf.length) {
                break;
            }
        }
        d.end();
        byte[] all = o.toByteArray();
        return java.util.Arrays.copyOf(all, all.length - 4);
    }

    /** The server's compression context (it keeps its context from message to message). */
    private java.util.zip.Inflater inflater;

    /** The message of a compressed frame (RSV1 set) or the payload of a plain one. */
    byte[] inflate(Frame f) throws IOException {
        if ((f.rsv() & 4) == 0) {
            return f.payload();
        }
        if (inflater == null) {
            inflater = new java.util.zip.Inflater(true);
        }
        java.util.zip.Inflater i = inflater;
        byte[] p = java.util.Arrays.copyOf(f.payload(), f.payload().length + 4);
        p[p.length - 2] = (byte) 0xff;
        p[p.length - 1] = (byte) 0xff;
        i.setInput(p);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = i.inflate(buf)) > 0) {
                o.write(buf, 0, n);
            }
        } catch (java.util.zip.DataFormatException e) {
            throw new IOException(e);
        }
        return o.toByteArray();
    }

    /** Reads an HTTP response head (up to the empty line). */
    String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("EOF in the response head: " + head);
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                    ? state + 1 : 0;
        }
        responseHead = head.toString(StandardCharsets.ISO_8859_1);
        return responseHead;
    }

    /** Reads everything until the server closes the connection (10 s at most). */
    String readToEnd() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** A masked client frame. */
    static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload) {
        return frame(fin, rsv, opcode, payload, true);
    }

    static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
        int maskBit = masked ? 0x80 : 0;
        int n = payload.length;
        if (n <= 125) {
            f.write(maskBit | n);
        } else if (n <= 0xffff) {
            f.write(maskBit | 126);
            f.write(n >>> 8);
            f.write(n);
        } else {
            f.write(maskBit | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) ((long) n >>> (8 * i)));
            }
        }
        byte[] mask = new byte[4];
        if (masked) {
            ThreadLocalRandom.current().nextBytes(mask);
            f.write(mask, 0, 4);
        }
        for (int i = 0; i < n; i++) {
            f.write(payload[i] ^ mask[i & 3]);
        }
        return f.toByteArray();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] closePayload(int code, byte[] reason) {
        byte[] p = new byte[2 + reason.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(reason, 0, p, 2, reason.length);
        return p;
    }

    void send(byte[]... frames) throws IOException {
        for (byte[] f : frames) {
            out.write(f);
        }
        out.flush();
    }

    void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
        send(frame(fin, 0, opcode, payload));
    }

    void sendText(String s) throws IOException {
        sendFrame(true, TEXT, utf8(s));
    }

    /** The next frame from the server. */
    Frame read() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = (readByte() << 8) | readByte();
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | readByte();
            }
        }
        if ((b1 & 0x80) != 0) {
            throw new IOException("masked server frame");
        }
        byte[] payload = in.readNBytes((int) len);
        if (payload.length != len) {
            throw new EOFException("EOF in a frame");
        }
        return new Frame((b0 & 0x80) != 0, (b0 >> 4) & 7, b0 & 0x0f, payload);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    /** The next data frame that is not an engine.io ping ("2"), answering pings with pongs ("3"). */
    Frame readData() throws IOException {
        while (true) {
            Frame f = read();
            if (f.opcode() == TEXT && f.fin() && "2".equals(f.text())) {
                sendText("3");
                continue;
            }
            return f;
        }
    }

    /** Reads until a close frame (skipping data frames) and returns it; fails at EOF without one. */
    Frame readClose() throws IOException {
        while (true) {
            Frame f = read();
            if (f.opcode() == CLOSE) {
                return f;
            }
        }
    }

    /** Whether the server closed the TCP connection (EOF within 10 s), skipping anything still sent. */
    boolean closedByServer() throws IOException {
        try {
            while (in.read() >= 0) {
                // skip
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            // a reset is a close too
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        if (inflater != null) {
            inflater.end();
        }
        socket.close();
    }
}
