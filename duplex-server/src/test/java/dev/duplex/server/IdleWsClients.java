package dev.duplex.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A separate process (for {@link IdleConnectionMemoryTest}) that opens {@code n} WebSocket connections to a Duplex
 * server on loopback, connects each to the main namespace, prints {@code READY n} and holds them, idle, until a
 * line (or the end) arrives on its standard input. Plain blocking sockets, JDK only: the measuring JVM holds no
 * client objects. Pings are not answered, so the server's ping interval must exceed the test.
 */
public final class IdleWsClients {
    private IdleWsClients() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        List<Socket> sockets = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                sockets.add(open(port));
            }
            System.out.println("READY " + n);
            System.out.flush();
            System.in.read();
        } catch (IOException e) {
            System.out.println("FAILED after " + sockets.size() + ": " + e);
            System.out.flush();
            System.in.read();
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private static Socket open(int port) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(30_000);
        s.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
        OutputStream out = s.getOutputStream();
        InputStream in = new BufferedInputStream(s.getInputStream(), 512);
        out.write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead(in);
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("no upgrade: " + head);
        }
        expect(in, "0{");
        writeText(out, "40");
        expect(in, "40{");
        return s;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed during the upgrade");
            }
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static void expect(InputStream in, String prefix) throws IOException {
        String text = readText(in);
        if (!text.startsWith(prefix)) {
            throw new IOException("expected " + prefix + "..., got " + text);
        }
    }

    /** One unmasked text frame from the server (no fragmentation: Engine.IO packets this small are not split). */
    private static String readText(InputStream in) throws IOException {
        int b0 = readByte(in);
        int b1 = readByte(in);
        long len = b1 & 0x7f;
        if (len == 126) {
            len = (readByte(in) << 8) | readByte(in);
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | readByte(in);
            }
        }
        if ((b0 & 0x0f) != 1 || len > 65_536) {
            throw new IOException("unexpected frame: opcode " + (b0 & 0x0f) + ", length " + len);
        }
        byte[] payload = in.readNBytes((int) len);
        if (payload.length != len) {
            throw new EOFException("closed in a frame");
        }
        return new String(payload, StandardCharsets.UTF_8);
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("closed");
        }
        return b;
    }

    /** One masked text frame (payload under 126 bytes). */
    private static void writeText(OutputStream out, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        out.write(frame);
        out.flush();
    }
}
