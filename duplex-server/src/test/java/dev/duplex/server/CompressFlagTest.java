package dev.duplex.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.Inflater;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code compress(false)}: per-message deflate per frame (RSV1) and polling response compression, as socket.io. */
class CompressFlagTest {
    private static final String BIG = "x".repeat(2000);
    private SocketIoServer io;

    @AfterEach
    void tearDown() {
        if (io != null) {
            io.close();
        }
    }

    /** One received WebSocket message. */
    private record Frame(boolean rsv1, int opcode, String text) {
    }

    @Test
    void compressFalseSendsAPlainFrameUnderNegotiatedPerMessageDeflate() throws Exception {
        io = TestServers.start(ServerOptions.builder().perMessageDeflate(true).build());
        CountDownLatch connected = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<Socket> socket = new java.util.concurrent.atomic.AtomicReference<>();
        io.onConnection(s -> {
            socket.set(s);
            connected.countDown();
        });
        try (java.net.Socket tcp = new java.net.Socket("localhost", io.port())) {
            tcp.setSoTimeout(10_000);
            OutputStream out = tcp.getOutputStream();
            DataInputStream in = new DataInputStream(tcp.getInputStream());
            out.write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: localhost\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readHeaders(in)).startsWith("HTTP/1.1 101").contains("permessage-deflate");
            Inflater inflater = new Inflater(true);
            assertThat(readFrame(in, inflater).text()).startsWith("0{");
            out.write(maskedText("40"));
            out.flush();
            assertThat(readFrame(in, inflater).text()).startsWith("40{");
            assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();

            io.compress(false).emit("plain", BIG);
            io.emit("deflated", BIG);
            io.compress(false).emit("plain-bin", (Object) new byte[]{1, 2, 3});
            io.emit("deflated-2", BIG);

            Frame plain = readFrame(in, inflater);
            Frame deflated = readFrame(in, inflater);
            Frame plainBin = readFrame(in, inflater);
            Frame attachment = readFrame(in, inflater);
            Frame deflated2 = readFrame(in, inflater);
            assertThat(plain.text()).isEqualTo("42[\"plain\",\"" + BIG + "\"]");
            assertThat(plain.rsv1()).as("RSV1 of the compress(false) frame").isFalse();
            assertThat(deflated.text()).isEqualTo("42[\"deflated\",\"" + BIG + "\"]");
            assertThat(deflated.rsv1()).isTrue();
            assertThat(plainBin.text()).startsWith("451-[\"plain-bin\"");
            assertThat(plainBin.rsv1()).isFalse();
            assertThat(attachment.opcode()).isEqualTo(2);
            assertThat(attachment.rsv1()).isFalse();
            // the server's deflate context is intact after the plain frames
            assertThat(deflated2.text()).isEqualTo("42[\"deflated-2\",\"" + BIG + "\"]");
            assertThat(deflated2.rsv1()).isTrue();

            // a direct emit: socket.compress(false), also with an ack timeout
            socket.get().compress(false).emit("direct", BIG);
            socket.get().timeout(Duration.ofSeconds(30)).compress(false).emitWithAck("direct-ack", BIG);
            socket.get().emit("direct-deflated", BIG);
            Frame direct = readFrame(in, inflater);
            Frame directAck = readFrame(in, inflater);
            Frame directDeflated = readFrame(in, inflater);
            assertThat(direct.text()).isEqualTo("42[\"direct\",\"" + BIG + "\"]");
            assertThat(direct.rsv1()).isFalse();
            assertThat(directAck.text()).startsWith("42").contains("[\"direct-ack\",");
            assertThat(directAck.rsv1()).isFalse();
            assertThat(directDeflated.text()).isEqualTo("42[\"direct-deflated\",\"" + BIG + "\"]");
            assertThat(directDeflated.rsv1()).isTrue();
        }
    }

    @Test
    void pollingResponseOfOnlyCompressFalseMessagesIsNotCompressed() throws Exception {
        io = TestServers.start(ServerOptions.builder().transports("polling").build());
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://localhost:" + io.port() + "/socket.io/?EIO=4&transport=polling";
        String open = http.send(HttpRequest.newBuilder(URI.create(base)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String sid = open.substring(open.indexOf("\"sid\":\"") + 7, open.indexOf('"', open.indexOf("\"sid\":\"") + 7));
        String url = base + "&sid=" + sid;
        http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString("40")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(new String(get(http, url).body(), StandardCharsets.UTF_8)).startsWith("40{");

        io.compress(false).emit("plain", BIG);
        HttpResponse<byte[]> plain = get(http, url);
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(new String(plain.body(), StandardCharsets.UTF_8)).startsWith("42[\"plain\"");

        io.emit("deflated", BIG);
        assertThat(get(http, url).headers().firstValue("Content-Encoding")).contains("gzip");
    }

    private static HttpResponse<byte[]> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String readHeaders(DataInputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            b.write(in.readUnsignedByte());
            byte[] a = b.toByteArray();
            int n = a.length;
            if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                return b.toString(StandardCharsets.US_ASCII);
            }
        }
    }

    /** Reads one unfragmented server frame, inflating it when RSV1 is set (one inflater: context takeover). */
    private static Frame readFrame(DataInputStream in, Inflater inflater) throws Exception {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        assertThat(b0 & 0x80).as("FIN").isNotZero();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        boolean rsv1 = (b0 & 0x40) != 0;
        int opcode = b0 & 0x0f;
        if (rsv1) {
            byte[] input = new byte[payload.length + 4];
            System.arraycopy(payload, 0, input, 0, payload.length);
            input[payload.length + 2] = (byte) 0xff;
            input[payload.length + 3] = (byte) 0xff;
            inflater.setInput(input);
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = inflater.inflate(buf)) > 0) {
                o.write(buf, 0, n);
            }
            payload = o.toByteArray();
        }
        return new Frame(rsv1, opcode, opcode == 1 ? new String(payload, StandardCharsets.UTF_8) : null);
    }

    private static byte[] maskedText(String text) {
        byte[] p = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {1, 2, 3, 4};
        byte[] frame = new byte[2 + 4 + p.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | p.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < p.length; i++) {
            frame[6 + i] = (byte) (p[i] ^ mask[i % 4]);
        }
        return frame;
    }
}
