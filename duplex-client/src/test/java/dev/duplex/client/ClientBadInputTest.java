package dev.duplex.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.duplex.testkit.FreePort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the client does with servers that misbehave: every error names its cause, nothing is thrown at the caller,
 * and the client's threads stop afterwards.
 */
class ClientBadInputTest {
    static final Duration T = Duration.ofSeconds(15);
    static final String OPEN = "0{\"sid\":\"s1\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,"
            + "\"maxPayload\":1000000}";

    HttpServer http;
    ExecutorService executor;
    int port;
    final List<Socket> sockets = new ArrayList<>();
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());

    /** A reply of the fake server. */
    record Reply(int status, String body) {
    }

    void serve(Function<HttpExchange, Reply> handler) throws IOException {
        port = FreePort.find();
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-server");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.createContext("/", ex -> {
            try (ex) {
                requests.add(ex.getRequestMethod() + " " + ex.getRequestURI());
                Reply r = handler.apply(ex);
                byte[] b = r.body().getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(r.status(), b.length == 0 ? -1 : b.length);
                if (b.length > 0) {
                    ex.getResponseBody().write(b);
                }
            }
        });
        http.start();
    }

    @AfterEach
    void stop() {
        for (Socket s : sockets) {
            s.close();
        }
        if (http != null) {
            http.stop(0);
            executor.shutdownNow();
        }
    }

    Socket socket(String url, IoOptions.Builder b) {
        Socket s = IO.socket(url, b.reconnection(false).forceNew(true).build());
        sockets.add(s);
        return s;
    }

    DuplexClientException firstConnectError(Socket s) {
        List<DuplexClientException> errors = Collections.synchronizedList(new ArrayList<>());
        s.onConnectError(errors::add);
        s.connect();
        await().atMost(T).until(() -> !errors.isEmpty());
        await().atMost(T).until(() -> !s.io().isOpen() && !s.io().isReconnecting());
        return errors.get(0);
    }

    @Test
    void httpErrorsGiveTheStatusAndTheBody() throws Exception {
        serve(ex -> new Reply(403, "{\"code\":4,\"message\":\"Forbidden\"}"));
        DuplexClientException e = firstConnectError(socket("http://127.0.0.1:" + port, IoOptions.builder()
                .transports("polling")));
        assertThat(e.kind()).isEqualTo(DuplexClientException.Kind.HTTP);
        assertThat(e.httpStatus()).isEqualTo(403);
        assertThat(e.getMessage()).isEqualTo(
                "xhr poll error: HTTP 403 Forbidden: {\"code\":4,\"message\":\"Forbidden\"}");
    }

    @Test
    void aRefusedWebSocketHandshakeGivesTheStatusAndTheBody() throws Exception {
        serve(ex -> new Reply(400, "{\"code\":3,\"message\":\"Bad request\"}"));
        DuplexClientException e = firstConnectError(socket("http://127.0.0.1:" + port, IoOptions.builder()
                .transports("websocket")));
        assertThat(e.kind()).isEqualTo(DuplexClientException.Kind.HTTP);
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.getMessage()).contains("HTTP 400").contains("Bad request");
    }

    @Test
    void anInvalidHandshakeIsAProtocolError() throws Exception {
        serve(ex -> new Reply(200, "0{not json"));
        DuplexClientException e = firstConnectError(socket("http://127.0.0.1:" + port, IoOptions.builder()
                .transports("polling")));
        assertThat(e.kind()).isEqualTo(DuplexClientException.Kind.PROTOCOL);
        assertThat(e.getMessage()).startsWith("invalid handshake from the server");
    }

    @Test
    void anInvalidPollingPayloadIsAProtocolError() throws Exception {
        serve(ex -> new Reply(200, "x-not-a-packet"));
        DuplexClientException e = firstConnectError(socket("http://127.0.0.1:" + port, IoOptions.builder()
                .transports("polling")));
        assertThat(e.kind()).isEqualTo(DuplexClientException.Kind.PROTOCOL);
        assertThat(e.getMessage()).contains("invalid polling payload");
    }

    @Test
    void anInvalidSocketIoPacketClosesTheConnectionWithParseError() throws Exception {
        AtomicInteger gets = new AtomicInteger();
        serve(ex -> {
            if (ex.getRequestMethod().equals("POST")) {
                return new Reply(200, "ok");
            }
            int n = gets.incrementAndGet();
            if (n == 1) {
                return new Reply(200, OPEN);
            }
            if (n == 2) {
                return new Reply(200, "40{\"sid\":\"n1\"}\u001e42{\"not\":\"an array\"}");
            }
            return new Reply(400, "{\"code\":1,\"message\":\"Session ID unknown\"}");
        });
        Socket s = socket("http://127.0.0.1:" + port, IoOptions.builder().transports("polling"));
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        s.on("connect", args -> events.add("connect"));
        s.on("disconnect", args -> events.add("disconnect " + args[0]));
        s.io().on("close", args -> events.add("close " + args[0]));
        s.connect();
        await().atMost(T).until(() -> events.contains("disconnect parse error"));
        assertThat(events).containsExactly("connect", "close parse error", "disconnect parse error");
        // the client said goodbye to the server
        await().atMost(T).until(() -> requests.stream().anyMatch(r -> r.startsWith("POST")));
        assertThat(s.connected()).isFalse();
    }

    @Test
    void aBinaryAttachmentWithNothingToAttachToIsAParseError() throws Exception {
        AtomicInteger gets = new AtomicInteger();
        serve(ex -> {
            if (ex.getRequestMethod().equals("POST")) {
                return new Reply(200, "ok");
            }
            int n = gets.incrementAndGet();
            return n == 1 ? new Reply(200, OPEN)
                    : n == 2 ? new Reply(200, "40{\"sid\":\"n1\"}\u001ebAQID") : new Reply(400, "");
        });
        Socket s = socket("http://127.0.0.1:" + port, IoOptions.builder().transports("polling"));
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        s.on("disconnect", args -> events.add("disconnect " + args[0]));
        s.connect();
        await().atMost(T).until(() -> events.contains("disconnect parse error"));
    }

    @Test
    void refusedConnectionsAndUnknownHostsAreNamed() {
        int free = FreePort.find();
        DuplexClientException refused = firstConnectError(socket("http://127.0.0.1:" + free, IoOptions.builder()
                .transports("websocket")));
        assertThat(refused.kind()).isEqualTo(DuplexClientException.Kind.CONNECT);
        assertThat(refused.getMessage()).contains("cannot connect to 127.0.0.1:" + free);
        DuplexClientException dns = firstConnectError(socket("http://nonexistent.invalid:1234", IoOptions.builder()
                .transports("polling")));
        assertThat(dns.kind()).isEqualTo(DuplexClientException.Kind.DNS);
        assertThat(dns.getMessage()).contains("nonexistent.invalid");
    }

    @Test
    void tlsToAPlainServerIsATlsError() throws Exception {
        serve(ex -> new Reply(200, OPEN));
        DuplexClientException e = firstConnectError(socket("https://127.0.0.1:" + port, IoOptions.builder()
                .transports("polling")));
        assertThat(e.kind()).isEqualTo(DuplexClientException.Kind.TLS);
        assertThat(e.getMessage()).contains("TLS with 127.0.0.1:" + port);
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        serve(ex -> {
            try {
                release.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Reply(500, "");
        });
        try {
            DuplexClientException e = firstConnectError(socket("http://127.0.0.1:" + port, IoOptions.builder()
                    .transports("polling").timeout(Duration.ofMillis(300))));
            assertThat(e.kind()).isEqualTo(DuplexClientException.Kind.TIMEOUT);
            // socket.io's error: message "timeout"; what timed out is in the cause
            assertThat(e.getMessage()).isEqualTo("timeout");
            assertThat(e.getCause()).isInstanceOf(java.util.concurrent.TimeoutException.class)
                    .hasMessageStartingWith("no connection to 127.0.0.1:" + port);
        } finally {
            release.countDown();
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"garbage, transport error", "binary, parse error",
        "silent, ping timeout"})
    void invalidWebSocketFramesAndMissingPingsCloseTheConnection(String bad, String reason) {
        int wsPort = FreePort.find();
        try (dev.duplex.testkit.ManagedProcess node = dev.duplex.testkit.Node.start(
                java.nio.file.Path.of("src/test/node/client/bad-ws-server.js"), java.util.Map.of(),
                String.valueOf(wsPort))) {
            node.awaitPrefix("READY ", T);
            Socket s = socket("http://127.0.0.1:" + wsPort, IoOptions.builder().transports("websocket")
                    .query("bad", bad));
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            s.on("connect", args -> events.add("connect"));
            s.on("disconnect", args -> events.add("disconnect " + args[0]));
            s.connect();
            await().atMost(T).until(() -> events.contains("disconnect " + reason));
            assertThat(events).containsExactly("connect", "disconnect " + reason);
            // the client closed the WebSocket
            node.awaitLine("closed"::equals, T);
        }
    }

    @Test
    void invalidUrlsAndReservedEventsAreRefusedAtOnce() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IO.socket("ftp://x/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scheme");
        Socket s = socket("http://127.0.0.1:1", IoOptions.builder());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.emit("connect"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.emit("x", new Object() {
            @SuppressWarnings("unused")
            public Object getSelf() {
                return this;
            }
        })).isInstanceOf(IllegalArgumentException.class);
    }
}
