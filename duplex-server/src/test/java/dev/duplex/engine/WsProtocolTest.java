package dev.duplex.engine;

import static dev.duplex.engine.RawWs.BINARY;
import static dev.duplex.engine.RawWs.CLOSE;
import static dev.duplex.engine.RawWs.CONT;
import static dev.duplex.engine.RawWs.PING;
import static dev.duplex.engine.RawWs.PONG;
import static dev.duplex.engine.RawWs.TEXT;
import static dev.duplex.engine.RawWs.closePayload;
import static dev.duplex.engine.RawWs.frame;
import static dev.duplex.engine.RawWs.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The WebSocket protocol (RFC 6455) as Node's {@code ws} under engine.io applies it, frame by frame with a raw
 * socket client, along the Autobahn test suite's categories: framing, pings and pongs, reserved bits, opcodes,
 * fragmentation, UTF-8, close handling, limits, masking, and the handshake. A protocol error closes with a close
 * frame carrying the code only (no reason text), as {@code ws} does, then the TCP connection.
 */
class WsProtocolTest {
    /** Large enough for 64-bit payload lengths. */
    private static final int MAX = 70_000;

    private EngineServer server;
    private int port;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<RawWs> clients = new ArrayList<>();

    @BeforeEach
    void setUp() {
        start(EngineOptions.builder().maxHttpBufferSize(MAX).build());
    }

    private void start(EngineOptions options) {
        server = EngineServer.create(options).onConnection(s ->
                s.setListener(new EngineSocket.Listener() {
                    @Override
                    public void onMessage(String text) {
                        events.add("message:" + text);
                        s.send(text);
                    }

                    @Override
                    public void onBinary(byte[] data) {
                        events.add("binary:" + data.length);
                        s.send(data);
                    }

                    @Override
                    public void onClose(String reason, Throwable cause) {
                        events.add("close:" + reason);
                    }
                }));
        port = TestPorts.start(server);
    }

    @AfterEach
    void tearDown() throws IOException {
        for (RawWs c : clients) {
            c.close();
        }
        server.close();
    }

    /** A new session over WebSocket, its open packet read. */
    private RawWs client() throws IOException {
        RawWs c = RawWs.connect(port);
        clients.add(c);
        RawWs.Frame open = c.read();
        assertThat(open.opcode()).isEqualTo(TEXT);
        assertThat(open.text()).startsWith("0{\"sid\":");
        return c;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.write(p, 0, p.length);
        }
        return o.toByteArray();
    }

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }

    /** The server answers with a close frame of this code and an empty reason, then closes the connection. */
    private void assertClosedWith(RawWs c, int code) throws IOException {
        RawWs.Frame close = c.readClose();
        assertThat(close.closeCode()).as("close code").isEqualTo(code);
        assertThat(close.closeReason()).as("close reason").isEmpty();
        assertThat(c.closedByServer()).as("TCP connection closed").isTrue();
        await().until(() -> events.stream().anyMatch(e -> e.startsWith("close:")));
    }

    private void assertEchoText(RawWs c, String message) throws IOException {
        RawWs.Frame f = c.readData();
        assertThat(f.opcode()).isEqualTo(TEXT);
        assertThat(f.fin()).isTrue();
        assertThat(f.text()).isEqualTo("4" + message);
    }

    // ------------------------------------------------------------------ 1. framing

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 124, 125, 126, 127, 65534, 65535, 65536, MAX - 1})
    void textOfEveryLengthClassIsEchoed(int length) throws IOException {
        RawWs c = client();
        String m = "x".repeat(length);
        c.sendText("4" + m);
        assertEchoText(c, m);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 65535, 65536, MAX})
    void binaryOfEveryLengthClassIsEchoed(int length) throws IOException {
        RawWs c = client();
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) 0xa5);
        c.sendFrame(true, BINARY, b);
        RawWs.Frame f = c.readData();
        assertThat(f.opcode()).isEqualTo(BINARY);
        assertThat(f.payload()).isEqualTo(b);
    }

    @Test
    void frameWrittenByteByByteIsEchoed() throws IOException {
        RawWs c = client();
        for (byte b : frame(true, 0, TEXT, utf8("4chopped ✓"))) {
            c.out.write(b);
            c.out.flush();
        }
        assertEchoText(c, "chopped ✓");
    }

    @Test
    void severalFramesInOneWriteAreAllProcessedInOrder() throws IOException {
        RawWs c = client();
        c.send(concat(frame(true, 0, TEXT, utf8("4a")), frame(true, 0, TEXT, utf8("4b")),
                frame(true, 0, BINARY, new byte[] {1, 2}), frame(true, 0, TEXT, utf8("4c"))));
        assertEchoText(c, "a");
        assertEchoText(c, "b");
        assertThat(c.readData().payload()).containsExactly(1, 2);
        assertEchoText(c, "c");
    }

    // ------------------------------------------------------------------ 2. pings and pongs

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125})
    void pingIsAnsweredWithAPongOfTheSamePayload(int length) throws IOException {
        RawWs c = client();
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) 0xfe);
        c.sendFrame(true, PING, b);
        RawWs.Frame pong = c.readData();
        assertThat(pong.opcode()).isEqualTo(PONG);
        assertThat(pong.payload()).isEqualTo(b);
    }

    @Test
    void pingOver125BytesIsAProtocolError() throws IOException {
        RawWs c = client();
        c.sendFrame(true, PING, new byte[126]);
        assertClosedWith(c, 1002);
    }

    @Test
    void fragmentedPingIsAProtocolError() throws IOException {
        RawWs c = client();
        c.sendFrame(false, PING, utf8("a"));
        assertClosedWith(c, 1002);
    }

    @Test
    void unsolicitedPongIsIgnored() throws IOException {
        RawWs c = client();
        c.sendFrame(true, PONG, utf8("unsolicited"));
        c.sendText("4after");
        assertEchoText(c, "after");
    }

    // ------------------------------------------------------------------ 3. reserved bits

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7})
    void reservedBitsWithoutExtensionAreAProtocolError(int rsv) throws IOException {
        RawWs c = client();
        c.send(frame(true, rsv, TEXT, utf8("4rsv")));
        assertClosedWith(c, 1002);
        assertThat(events).doesNotContain("message:rsv");
    }

    @Test
    void reservedBitsOnAPingAreAProtocolError() throws IOException {
        RawWs c = client();
        c.send(frame(true, 4, PING, new byte[0]));
        assertClosedWith(c, 1002);
    }

    @Test
    void reservedBitsOnAContinuationFrameAreAProtocolError() throws IOException {
        // with permessage-deflate offered the frame decoder lets reserved bits through: the engine refuses them
        server.close();
        start(EngineOptions.builder().perMessageDeflate(true).build());
        RawWs c = client();
        c.send(frame(false, 0, TEXT, utf8("4a")), frame(true, 2, CONT, utf8("b")));
        assertClosedWith(c, 1002);
        assertThat(events).noneMatch(e -> e.startsWith("message:"));
    }

    @Test
    void compressedFrameWithoutNegotiatedDeflateIsAProtocolError() throws IOException {
        // the server offers permessage-deflate, this client did not ask for it
        server.close();
        start(EngineOptions.builder().perMessageDeflate(true).build());
        RawWs c = client();
        c.send(frame(true, 4, TEXT, utf8("4x")));
        assertClosedWith(c, 1002);
    }

    // ------------------------------------------------------------------ 4. opcodes

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6, 7, 11, 12, 13, 14, 15})
    void reservedOpcodesAreAProtocolError(int opcode) throws IOException {
        RawWs c = client();
        c.send(frame(true, 0, opcode, utf8("4x")));
        assertClosedWith(c, 1002);
    }

    // ------------------------------------------------------------------ 5. fragmentation

    @Test
    void fragmentedTextAndBinaryMessagesAreJoined() throws IOException {
        RawWs c = client();
        c.send(frame(false, 0, TEXT, utf8("4frag")), frame(false, 0, CONT, utf8("men")),
                frame(true, 0, CONT, utf8("ted")));
        assertEchoText(c, "fragmented");
        c.send(frame(false, 0, BINARY, new byte[] {1}), frame(true, 0, CONT, new byte[] {2, 3}));
        assertThat(c.readData().payload()).containsExactly(1, 2, 3);
        // later single frames still pass
        c.sendText("4single");
        assertEchoText(c, "single");
    }

    @Test
    void controlFramesBetweenFragmentsAreHandled() throws IOException {
        RawWs c = client();
        c.send(frame(false, 0, TEXT, utf8("4a")), frame(true, 0, PING, utf8("p")), frame(true, 0, PONG, utf8("q")),
                frame(true, 0, CONT, utf8("b")));
        RawWs.Frame pong = c.readData();
        assertThat(pong.opcode()).isEqualTo(PONG);
        assertThat(pong.text()).isEqualTo("p");
        assertEchoText(c, "ab");
    }

    @Test
    void continuationWithoutAStartIsAProtocolError() throws IOException {
        RawWs c = client();
        c.send(frame(true, 0, CONT, utf8("4x")));
        assertClosedWith(c, 1002);
    }

    @Test
    void newMessageInsideAFragmentedOneIsAProtocolError() throws IOException {
        RawWs c = client();
        c.send(frame(false, 0, TEXT, utf8("4a")), frame(true, 0, TEXT, utf8("4b")));
        assertClosedWith(c, 1002);
        assertThat(events).noneMatch(e -> e.startsWith("message:"));
    }

    // ------------------------------------------------------------------ 6. UTF-8

    @Test
    void validUtf8IsEchoedIncludingAReplacementCharacterAndSplitCodePoints() throws IOException {
        RawWs c = client();
        String s = "κόσμε € 日本 😀 \uFFFD \u0000 \uD7FF \uE000 \uDBFF\uDFFF";
        c.sendText("4" + s);
        assertEchoText(c, s);
        // a code point cut between fragments
        byte[] emoji = utf8("4😀");
        c.send(frame(false, 0, TEXT, Arrays.copyOfRange(emoji, 0, 3)),
                frame(true, 0, CONT, Arrays.copyOfRange(emoji, 3, emoji.length)));
        assertEchoText(c, "😀");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "34c0af", // overlong '/'
        "34e080af", // overlong, 3 bytes
        "34eda080", // UTF-16 surrogate
        "34edbfbf", // UTF-16 surrogate
        "34f4908080", // above U+10FFFF
        "34f8888080af", // 5-byte form
        "34e282", // truncated at the end
        "3480", // lone continuation byte
        "34ff", // never valid
        "ff", // invalid before the packet type
        "62ce", // "b" (base64 packet) followed by a broken sequence
    })
    void invalidUtf8InATextFrameIsClosedWith1007(String payloadHex) throws IOException {
        RawWs c = client();
        c.send(frame(true, 0, TEXT, hex(payloadHex)));
        assertClosedWith(c, 1007);
        assertThat(events).noneMatch(e -> e.startsWith("message:"));
    }

    @Test
    void invalidUtf8InAFragmentedMessageIsClosedWith1007() throws IOException {
        RawWs c = client();
        c.send(frame(false, 0, TEXT, utf8("4ok")), frame(true, 0, CONT, hex("eda080")));
        assertClosedWith(c, 1007);
        assertThat(events).noneMatch(e -> e.startsWith("message:"));
    }

    // ------------------------------------------------------------------ 7. close handling

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999,
        4000, 4999})
    void closeWithAValidCodeIsEchoed(int code) throws IOException {
        RawWs c = client();
        c.sendFrame(true, CLOSE, closePayload(code, utf8("bye ✓")));
        RawWs.Frame close = c.readClose();
        assertThat(close.closeCode()).isEqualTo(code);
        assertThat(close.closeReason()).isEqualTo("bye ✓");
        assertThat(c.closedByServer()).isTrue();
        await().until(() -> events.contains("close:transport close"));
    }

    @Test
    void closeWithoutACodeIsAnsweredWithoutOne() throws IOException {
        RawWs c = client();
        c.sendFrame(true, CLOSE, new byte[0]);
        assertThat(c.readClose().payload()).isEmpty();
        assertThat(c.closedByServer()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 32768, 65535})
    void closeWithAnInvalidCodeIsAProtocolError(int code) throws IOException {
        RawWs c = client();
        c.sendFrame(true, CLOSE, closePayload(code, new byte[0]));
        assertClosedWith(c, 1002);
    }

    @Test
    void closeWithAOneBytePayloadIsAProtocolError() throws IOException {
        RawWs c = client();
        c.sendFrame(true, CLOSE, new byte[] {3});
        assertClosedWith(c, 1002);
    }

    @Test
    void closeWithAnInvalidUtf8ReasonIsClosedWith1007() throws IOException {
        RawWs c = client();
        c.sendFrame(true, CLOSE, closePayload(1000, hex("cebae1bdb9cf83ceb5eda080")));
        assertClosedWith(c, 1007);
    }

    @Test
    void closeWithAReasonOverTheControlFrameLimitIsAProtocolError() throws IOException {
        RawWs c = client();
        c.sendFrame(true, CLOSE, closePayload(1000, utf8("r".repeat(124))));
        assertClosedWith(c, 1002);
    }

    @Test
    void framesAfterACloseAreIgnored() throws IOException {
        RawWs c = client();
        c.send(frame(true, 0, CLOSE, closePayload(1000, new byte[0])), frame(true, 0, TEXT, utf8("4late")));
        assertThat(c.readClose().closeCode()).isEqualTo(1000);
        assertThat(c.closedByServer()).isTrue();
        await().until(() -> events.contains("close:transport close"));
        assertThat(events).doesNotContain("message:late");
    }

    // ------------------------------------------------------------------ 9. limits (maxHttpBufferSize)

    @Test
    void frameOverMaxHttpBufferSizeIsClosedWith1009AndNoReason() throws IOException {
        RawWs c = client();
        c.sendText("4" + "x".repeat(MAX));
        assertClosedWith(c, 1009);
        assertThat(events).containsExactly("close:transport error");
    }

    @Test
    void fragmentedMessageOverMaxHttpBufferSizeIsClosedWith1009() throws IOException {
        RawWs c = client();
        byte[] half = utf8("y".repeat(MAX / 2 + 1));
        c.send(frame(false, 0, TEXT, utf8("4")), frame(false, 0, CONT, half), frame(true, 0, CONT, half));
        assertClosedWith(c, 1009);
        assertThat(events).containsExactly("close:transport error");
    }

    @Test
    void compressedMessagesAreInflatedAndAnInflatedMessageOverTheLimitIsClosedWith1009() throws IOException {
        server.close();
        start(EngineOptions.builder().maxHttpBufferSize(1000).perMessageDeflate(true).build());
        RawWs c = RawWs.connectDeflate(port);
        clients.add(c);
        assertThat(new String(c.inflate(c.read()), StandardCharsets.UTF_8)).startsWith("0{\"sid\":");
        // messages up to the limit pass, whatever their compressed size
        for (String ok : new String[] {"z".repeat(999), "κόσμε 😀 " + "y".repeat(980)}) {
            c.send(frame(true, 4, TEXT, RawWs.deflate(utf8("4" + ok))));
            assertThat(new String(c.inflate(c.readData()), StandardCharsets.UTF_8)).isEqualTo("4" + ok);
        }
        String ok = "z".repeat(999);
        // a few dozen bytes on the wire, 100 000 once inflated
        byte[] bomb = RawWs.deflate(utf8("4" + "z".repeat(100_000)));
        assertThat(bomb.length).isLessThan(1000);
        c.send(frame(true, 4, TEXT, bomb));
        assertClosedWith(c, 1009);
        assertThat(events).hasSize(3).contains("message:" + ok).endsWith("close:transport error");
    }

    @Test
    void compressedMessageJustOverTheLimitIsClosedWith1009() throws IOException {
        server.close();
        start(EngineOptions.builder().maxHttpBufferSize(1000).perMessageDeflate(true).build());
        RawWs c = RawWs.connectDeflate(port);
        clients.add(c);
        c.inflate(c.read());
        c.send(frame(true, 4, TEXT, RawWs.deflate(utf8("4" + "z".repeat(1000)))));
        assertClosedWith(c, 1009);
    }

    // ------------------------------------------------------------------ masking and the handshake

    @Test
    void unmaskedClientFrameIsAProtocolError() throws IOException {
        RawWs c = client();
        c.send(frame(true, 0, TEXT, utf8("4x"), false));
        assertClosedWith(c, 1002);
    }

    /** On each transport: io_uring completes the 101's write later, NIO and epoll while it is written. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = IoTransport.class, names = {"IO_URING", "EPOLL", "NIO"})
    void framesInTheSameWriteAsTheUpgradeRequestAreProcessed(IoTransport transport) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(transport.isAvailable(), transport + " not available here");
        server.close();
        start(EngineOptions.builder().ioTransport(transport).build());
        RawWs c = RawWs.open(port);
        clients.add(c);
        c.send(concat(RawWs.upgradeRequest("/engine.io/?EIO=4&transport=websocket", RawWs.KEY),
                frame(true, 0, TEXT, utf8("4early")), frame(true, 0, PING, utf8("p"))));
        assertThat(c.readHead()).startsWith("HTTP/1.1 101");
        assertThat(c.read().text()).startsWith("0{\"sid\":");
        assertEchoText(c, "early");
        assertThat(c.readData().opcode()).isEqualTo(PONG);
        assertThat(events).contains("message:early");
    }

    @Test
    void probeInTheSameWriteAsAnUpgradeRequestIsAnswered() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String open = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                + "/engine.io/?EIO=4&transport=polling")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        String sid = EngineHarness.sidOf(open);
        RawWs c = RawWs.open(port);
        clients.add(c);
        c.send(concat(RawWs.upgradeRequest("/engine.io/?EIO=4&transport=websocket&sid=" + sid, RawWs.KEY),
                frame(true, 0, TEXT, utf8("2probe"))));
        assertThat(c.readHead()).startsWith("HTTP/1.1 101");
        assertThat(c.readData().text()).isEqualTo("3probe");
        c.sendText("5");
        c.sendText("4upgraded");
        assertEchoText(c, "upgraded");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "short==", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZQ=x"})
    void upgradeWithoutAValidKeyIs400WithoutAStackTrace(String key) throws IOException {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String response;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (RawWs c = RawWs.open(port)) {
            c.send(RawWs.upgradeRequest("/engine.io/?EIO=4&transport=websocket", key.isEmpty() ? null : key));
            response = c.readToEnd();
        } finally {
            System.setErr(err);
        }
        assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n")
                .endsWith("\r\n\r\nMissing or invalid Sec-WebSocket-Key header");
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(server.clientsCount()).isZero();
    }

    @Test
    void upgradeHeaderWithoutConnectionUpgradeIsAnOrdinaryRequest() throws IOException {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String response;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (RawWs c = RawWs.open(port)) {
            c.send(("GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    + "Connection: close\r\nSec-WebSocket-Key: " + RawWs.KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            response = c.readToEnd();
        } finally {
            System.setErr(err);
        }
        // Node: no 'upgrade' without the Connection token, engine.io's verify refuses a websocket handshake
        assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n")
                .endsWith("{\"code\":3,\"message\":\"Bad request\"}");
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "12", "14"})
    void upgradeWithoutASupportedVersionIs400(String version) throws IOException {
        try (RawWs c = RawWs.open(port)) {
            c.send(("GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + RawWs.KEY + "\r\n"
                    + (version.isEmpty() ? "" : "Sec-WebSocket-Version: " + version + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            String response = c.readToEnd();
            assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n")
                    .containsIgnoringCase("\r\nSec-WebSocket-Version: 13, 8\r\n")
                    .endsWith("\r\n\r\nMissing or invalid Sec-WebSocket-Version header");
        }
        assertThat(server.clientsCount()).isZero();
    }
}
