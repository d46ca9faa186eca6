package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Connections that complete the handshake (WebSocket, open packet, {@code 40}) and are then reset by the client
 * leave nothing behind: no engine session, no socket in the namespace, no room in the adapter (issue #19: the
 * handshake benchmark makes tens of thousands of such connections in one server process).
 */
class ConnectResetCyclesTest {
    private static final int CYCLES = 300;

    @Test
    void resetAfterConnectLeavesNoSessionSocketOrRoom() throws Exception {
        AtomicInteger connected = new AtomicInteger();
        AtomicInteger disconnected = new AtomicInteger();
        try (SocketIoServer io = SocketIoServer.create(ServerOptions.defaults())) {
            io.onConnection(socket -> {
                connected.incrementAndGet();
                socket.join("room-" + (connected.get() % 7));
                socket.onDisconnect(reason -> disconnected.incrementAndGet());
            });
            io.start(0);
            int port = io.port();
            for (int i = 0; i < CYCLES; i++) {
                connectAndReset(port);
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(disconnected.get()).isEqualTo(CYCLES);
                assertThat(io.engine().clientsCount()).isZero();
                assertThat(io.sockets().sockets()).isEmpty();
                assertThat(io.sockets().adapter().rooms()).isEmpty();
            });
            assertThat(connected.get()).isEqualTo(CYCLES);
        }
    }

    /** Opens a WebSocket session, connects to the main namespace, then resets the TCP connection (RST). */
    static void connectAndReset(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            readUntil(in, "0{\"sid\"");
            // "40" in a masked text frame (mask key 0)
            out.write(new byte[] {(byte) 0x81, (byte) 0x82, 0, 0, 0, 0, '4', '0'});
            out.flush();
            readUntil(in, "40{\"sid\"");
            s.setSoLinger(true, 0);
        }
    }

    private static void readUntil(InputStream in, String marker) throws IOException {
        StringBuilder seen = new StringBuilder();
        byte[] buf = new byte[4096];
        while (seen.indexOf(marker) < 0) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("closed before " + marker + "; got " + seen);
            }
            seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        }
    }
}
