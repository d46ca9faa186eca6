package dev.duplex.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hostile WebSocket client on a raw socket with a tiny receive buffer: it completes the handshake, then sends
 * what it is told (possibly in a flood from its own thread) and never reads.
 */
final class HostileWs implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    final AtomicLong sent = new AtomicLong();
    volatile boolean writeFailed;
    private volatile boolean closing;
    private Thread flooder;

    HostileWs(int port) throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        out.write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed during the handshake: " + head);
            }
            head.append((char) c);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("no upgrade: " + head);
        }
    }

    /** A masked (all-zero key) client frame. */
    static byte[] frame(int opcode, byte[] payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x80 | opcode);
        int n = payload.length;
        if (n < 126) {
            b.write(0x80 | n);
        } else {
            b.write(0x80 | 126);
            b.write(n >>> 8);
            b.write(n & 0xff);
        }
        b.write(0);
        b.write(0);
        b.write(0);
        b.write(0);
        b.write(payload, 0, n);
        return b.toByteArray();
    }

    static byte[] text(String s) {
        return frame(1, s.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one chunk now. */
    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        sent.addAndGet(bytes.length);
    }

    /** Sends {@code chunk} over and over from a thread of its own until closed or the server cuts it off. */
    void flood(byte[] chunk) {
        flooder = new Thread(() -> {
            try {
                while (!closing) {
                    out.write(chunk);
                    sent.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                if (!closing) {
                    writeFailed = true;
                }
            }
        }, "flooder");
        flooder.setDaemon(true);
        flooder.start();
    }

    /** Reads the server's frames (unmasked) until a text frame matches; returns the text frames read. */
    java.util.List<String> readTextUntil(java.util.function.Predicate<String> last) throws IOException {
        java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
        java.util.List<String> texts = new java.util.ArrayList<>();
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte() & 0x7f;
            long len = b1 == 126 ? in.readUnsignedShort() : b1 == 127 ? in.readLong() : b1;
            byte[] payload = new byte[(int) len];
            in.readFully(payload);
            if ((b0 & 0x0f) == 1) {
                String t = new String(payload, StandardCharsets.UTF_8);
                texts.add(t);
                if (last.test(t)) {
                    return texts;
                }
            }
        }
    }

    /** Reads (and discards) until the server closes the connection; true when it did within the read timeout. */
    boolean drainsToClose() {
        try {
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[65536];
            while (in.read(buf) >= 0) {
                // discard
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        closing = true;
        socket.setSoLinger(true, 0);
        socket.close();
        if (flooder != null) {
            try {
                flooder.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
