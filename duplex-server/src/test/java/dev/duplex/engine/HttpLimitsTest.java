package dev.duplex.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP limits and timeouts, seen by a raw TCP client: Node-sized request line and headers are accepted, larger
 * ones get 414 / 431 with a body and the connection is closed; slow or idle connections get 408 (or are closed when
 * idle between requests) within the configured time.
 */
class HttpLimitsTest {
    private EngineServer server;
    private int port;

    private void start(EngineOptions options) {
        server = EngineServer.create(options);
        port = TestPorts.start(server);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(15_000);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Everything the server sends until it closes the connection (fails if it stays open 15 s). */
    private static String readToClose(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        try {
            while ((n = in.read(buf)) >= 0) {
                all.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("connection still open; got so far: " + all.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // reset after the response: what was read counts
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    /** Reads one response head and body with a Content-Length. */
    private static String readResponse(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new AssertionError("closed in the head: " + head);
            }
            head.append((char) c);
        }
        int len = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                len = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(len);
        return head + new String(body, StandardCharsets.UTF_8);
    }

    private static String handshake(String uriTail, String headers) {
        return "GET /engine.io/?EIO=4&transport=polling" + uriTail + " HTTP/1.1\r\nHost: localhost\r\n" + headers
                + "\r\n";
    }

    private static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    @Test
    void anEightKilobyteCookieAndATwelveKilobyteUrlConnect() throws IOException {
        start(EngineOptions.defaults());
        try (Socket s = connect()) {
            send(s, handshake("&pad=" + repeat('u', 12 * 1024), "Cookie: c=" + repeat('c', 8 * 1024) + "\r\n"));
            String res = readResponse(s);
            assertTrue(res.startsWith("HTTP/1.1 200"), res);
            assertTrue(res.contains("0{\"sid\":\""), res);
        }
    }

    @Test
    void headersOverTheLimitGet431WithABodyAndTheConnectionIsClosed() throws IOException {
        start(EngineOptions.defaults());
        try (Socket s = connect()) {
            send(s, handshake("", "Cookie: c=" + repeat('c', 17 * 1024) + "\r\n"));
            String res = readToClose(s);
            assertTrue(res.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"), res);
            assertTrue(res.endsWith("\r\n\r\nRequest Header Fields Too Large"), res);
            assertTrue(res.toLowerCase().contains("connection: close"), res);
        }
    }

    @Test
    void aRequestLineOverTheLimitGets414WithABodyAndTheConnectionIsClosed() throws IOException {
        start(EngineOptions.defaults());
        try (Socket s = connect()) {
            send(s, handshake("&pad=" + repeat('u', 17 * 1024), ""));
            String res = readToClose(s);
            assertTrue(res.startsWith("HTTP/1.1 414 Request-URI Too Long\r\n"), res);
            assertTrue(res.endsWith("\r\n\r\nRequest-URI Too Long"), res);
        }
    }

    @Test
    void theLimitsAreOptions() throws IOException {
        start(EngineOptions.builder().maxHeaderSize(1024).maxRequestLineLength(1024).build());
        try (Socket s = connect()) {
            send(s, handshake("", "Cookie: c=" + repeat('c', 2048) + "\r\n"));
            assertTrue(readToClose(s).startsWith("HTTP/1.1 431 "));
        }
        try (Socket s = connect()) {
            send(s, handshake("&pad=" + repeat('u', 2048), ""));
            assertTrue(readToClose(s).startsWith("HTTP/1.1 414 "));
        }
    }

    @Test
    void aMalformedRequestGets400AndTheConnectionIsClosed() throws IOException {
        start(EngineOptions.defaults());
        try (Socket s = connect()) {
            send(s, "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: localhost\r\nContent-Length: x\r\n"
                    + "\r\n");
            String res = readToClose(s);
            assertTrue(res.startsWith("HTTP/1.1 400 Bad Request\r\n"), res);
            assertTrue(res.endsWith("\r\n\r\nBad Request"), res);
        }
    }

    @Test
    void anIdleConnectionGets408WithinTheHeadersTimeout() throws IOException {
        start(EngineOptions.builder().headersTimeout(Duration.ofMillis(500)).build());
        try (Socket s = connect()) {
            long t0 = System.nanoTime();
            String res = readToClose(s);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(res.startsWith("HTTP/1.1 408 Request Timeout\r\n"), res);
            assertTrue(res.endsWith("Request Timeout"), res);
            assertTrue(ms >= 400, "closed after " + ms + " ms");
        }
    }

    @Test
    void aHalfSentHeaderGets408WithinTheHeadersTimeout() throws IOException {
        start(EngineOptions.builder().headersTimeout(Duration.ofMillis(500)).build());
        try (Socket s = connect()) {
            send(s, "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: loc");
            String res = readToClose(s);
            assertTrue(res.startsWith("HTTP/1.1 408 Request Timeout\r\n"), res);
        }
    }

    @Test
    void aHalfSentBodyGets408WithinTheRequestTimeout() throws IOException {
        start(EngineOptions.builder().requestTimeout(Duration.ofMillis(700)).build());
        try (Socket s = connect()) {
            send(s, handshake("", ""));
            String open = readResponse(s);
            String sid = open.substring(open.indexOf("\"sid\":\"") + 7);
            sid = sid.substring(0, sid.indexOf('"'));
            send(s, "POST /engine.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: text/plain\r\nContent-Length: 100\r\n\r\n4hel");
            String res = readToClose(s);
            assertTrue(res.startsWith("HTTP/1.1 408 Request Timeout\r\n"), res);
        }
    }

    @Test
    void aHalfSentBodyAfterQuickHeadersGets408AtTheRequestTimeoutNotTheHeadersTimeout() throws IOException {
        // the timer set for the headers' deadline at the connection is kept when the headers come and runs early:
        // it must set the next one, not answer 408
        start(EngineOptions.builder().headersTimeout(Duration.ofMillis(300)).requestTimeout(Duration.ofMillis(1500))
                .build());
        long t0 = System.nanoTime();
        try (Socket s = connect()) {
            send(s, "POST /nothing HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nhalf");
            String res = readToClose(s);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(res.startsWith("HTTP/1.1 408 Request Timeout\r\n"), res);
            assertTrue(ms >= 1450, "408 after " + ms + " ms");
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheKeepAliveTimeout() throws IOException {
        start(EngineOptions.builder().keepAliveTimeout(Duration.ofMillis(500)).build());
        try (Socket s = connect()) {
            send(s, "GET /nothing HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertTrue(readResponse(s).startsWith("HTTP/1.1 404"));
            // no 408 for a connection between requests: Node just closes it
            assertEquals("", readToClose(s));
        }
    }

    @Test
    void aPendingLongPollIsNotCutByTheTimeouts() throws IOException {
        start(EngineOptions.builder().headersTimeout(Duration.ofMillis(300)).requestTimeout(Duration.ofMillis(300))
                .keepAliveTimeout(Duration.ofMillis(300)).pingInterval(Duration.ofMillis(1500)).build());
        try (Socket s = connect()) {
            send(s, handshake("", ""));
            String open = readResponse(s);
            String sid = open.substring(open.indexOf("\"sid\":\"") + 7);
            sid = sid.substring(0, sid.indexOf('"'));
            long t0 = System.nanoTime();
            send(s, "GET /engine.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            // the GET is answered by the ping after 1.5 s, long past every timeout
            String ping = readResponse(s);
            assertTrue(ping.endsWith("\r\n\r\n2"), ping);
            assertTrue((System.nanoTime() - t0) / 1_000_000 >= 1000);
        }
    }
}
