package dev.duplex.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.duplex.testkit.FreePort;
import dev.duplex.testkit.ManagedProcess;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client scenarios against the official Node socket.io 4.8.4 server, plus TLS and cookies. */
class NodeServerTest extends ClientScenarios {
    @Override
    ServerUnderTest newServer() {
        dev.duplex.testkit.Node.require();
        return new NodeServer();
    }

    @Test
    void cookiesAreSentBackWithCredentials() throws Exception {
        Socket s = socket("/", opts(Mode.POLLING_ONLY).withCredentials(true).build());
        s.connect();
        await().atMost(T).until(s::connected);
        assertThat(texts(get(s.emitWithAck("echo", 1)))).containsExactly("1");
        assertThat(server.awaitPrefix("cookie ", T)).isEqualTo("sticky=abc");
    }

    /**
     * extraHeaders go with every request, the WebSocket upgrade included, and the requestHeaders hook runs for
     * each one (a token that changes every time reaches the server every time).
     */
    @Test
    void extraHeadersAndTheRequestHookReachEveryRequestAndTheUpgrade() throws Exception {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        Socket s = socket("/", opts(Mode.POLLING_THEN_WEBSOCKET).extraHeader("x-test", "fixed")
                .requestHeaders((transport, headers) -> {
                    assertThat(headers).containsEntry("x-test", List.of("fixed"));
                    headers.put("x-token", List.of(transport + "-" + n.incrementAndGet()));
                }).build());
        s.connect();
        await().atMost(T).until(s::connected);
        await().atMost(T).until(() -> IoOptions.WEBSOCKET.equals(s.io().transport()));
        assertThat(texts(get(s.emitWithAck("echo", 1)))).containsExactly("1");
        List<String> seen = ((NodeServer) server).output().stream()
                .filter(l -> l.startsWith("request ") || l.startsWith("upgrade ")).toList();
        // the polling handshake (GET), the namespace CONNECT (POST), polls, then the upgrade
        assertThat(seen).hasSizeGreaterThanOrEqualTo(3);
        assertThat(seen.get(0)).startsWith("request GET polling fixed polling-");
        assertThat(seen).anyMatch(l -> l.startsWith("request POST polling fixed polling-"));
        assertThat(seen).filteredOn(l -> l.startsWith("upgrade ")).singleElement().asString()
                .matches("upgrade GET websocket fixed websocket-\\d+");
        assertThat(seen).allMatch(l -> l.contains(" fixed "));
        List<String> tokens = seen.stream().map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
        assertThat(tokens).doesNotHaveDuplicates();
    }

    /**
     * addTrailingSlash(false) sends {@code /socket.io?EIO=4...}: Node's server with {@code addTrailingSlash: false}
     * takes it, the default one does not (it only takes {@code /socket.io/...}), so the client did drop the slash.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Mode.class, names = {"POLLING_ONLY", "WEBSOCKET_ONLY"})
    void addTrailingSlashFalseReachesOnlyAServerWithoutTheSlash(Mode mode) throws Exception {
        try (NodeServer lenient = new NodeServer(Map.of("NO_TRAILING_SLASH", "1"))) {
            int lenientPort = FreePort.find();
            lenient.start(lenientPort);
            Socket s = IO.socket("http://127.0.0.1:" + lenientPort, opts(mode).forceNew(true).reconnection(false)
                    .addTrailingSlash(false).build());
            sockets.add(s);
            s.connect();
            await().atMost(T).until(s::connected);
            assertThat(texts(get(s.emitWithAck("echo", 7)))).containsExactly("7");
        }
        List<Object> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        Socket strict = socket("/", opts(mode).forceNew(true).reconnection(false).timeout(Duration.ofSeconds(3))
                .addTrailingSlash(false).build());
        strict.on("connect_error", errors::add);
        strict.connect();
        await().atMost(T).until(() -> !errors.isEmpty());
        assertThat(strict.connected()).isFalse();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Mode.class)
    void answersTheServersPingsAndReportsThem(Mode mode) throws Exception {
        try (NodeServer fast = new NodeServer(Map.of("PING_INTERVAL", "150", "PING_TIMEOUT", "10000"))) {
            int fastPort = FreePort.find();
            fast.start(fastPort);
            Socket s = IO.socket("http://127.0.0.1:" + fastPort, opts(mode).forceNew(true).build());
            sockets.add(s);
            java.util.concurrent.atomic.AtomicInteger pings = new java.util.concurrent.atomic.AtomicInteger();
            List<Object> disconnects = new java.util.concurrent.CopyOnWriteArrayList<>();
            s.io().on("ping", args -> pings.incrementAndGet());
            s.on("disconnect", disconnects::add);
            s.connect();
            await().atMost(T).until(() -> pings.get() >= 5);
            assertThat(s.connected()).isTrue();
            assertThat(disconnects).isEmpty();
            assertThat(texts(get(s.emitWithAck("echo", "alive")))).containsExactly("\"alive\"");
            await().atMost(T).until(() -> mode.finalTransport.equals(s.io().transport()));
        }
    }

    @Test
    void tlsWithACustomSslContext(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        ManagedProcess gen = ManagedProcess.start(List.of(keytool.toString(), "-genkeypair", "-alias", "duplex",
                "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "secret", "-keypass", "secret"), dir, Map.of());
        assertThat(gen.waitFor(Duration.ofSeconds(60))).as("keytool: %s", gen.output()).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "secret".toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);

        try (NodeServer tls = new NodeServer(Map.of("TLS_PFX", store.toString(), "TLS_PASSPHRASE", "secret"))) {
            int tlsPort = FreePort.find();
            tls.start(tlsPort);
            for (Mode mode : Mode.values()) {
                Socket s = IO.socket("https://127.0.0.1:" + tlsPort, opts(mode).forceNew(true).sslContext(ctx)
                        .build());
                sockets.add(s);
                s.connect();
                await().atMost(T).until(s::connected);
                assertThat(texts(get(s.emitWithAck("echo", "secure", new byte[] {1, 2}))))
                        .containsExactly("\"secure\"", "\"AQI=\"");
                await().atMost(T).until(() -> mode.finalTransport.equals(s.io().transport()));
                s.close();
            }
            // without the custom context the self-signed certificate is refused, and the error says TLS
            Socket untrusted = IO.socket("https://127.0.0.1:" + tlsPort, opts(Mode.POLLING_ONLY).forceNew(true)
                    .reconnection(false).build());
            sockets.add(untrusted);
            List<DuplexClientException> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
            untrusted.onConnectError(errors::add);
            untrusted.connect();
            await().atMost(T).until(() -> !errors.isEmpty());
            assertThat(errors.get(0).kind()).isEqualTo(DuplexClientException.Kind.TLS);
        }
    }
}
