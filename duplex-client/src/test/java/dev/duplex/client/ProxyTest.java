package dev.duplex.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.duplex.testkit.FreePort;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The client through real proxies on loopback ({@link TestProxy}): HTTP CONNECT and SOCKS5, with and without
 * credentials, polling and WebSocket. The server's host name resolves only at the proxy, so a client that went
 * around the proxy could not connect.
 */
class ProxyTest {
    static final Duration T = Duration.ofSeconds(15);

    final DuplexServer server = new DuplexServer();
    int port;
    final List<Socket> sockets = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        port = FreePort.find();
        server.start(port);
    }

    @AfterEach
    void stop() {
        for (Socket s : sockets) {
            s.close();
            s.io().close();
        }
        server.close();
    }

    Socket socket(ClientScenarios.Mode mode, ProxyOptions proxy) {
        Socket s = IO.socket("http://" + TestProxy.TEST_HOST + ":" + port, ClientScenarios.opts(mode)
                .forceNew(true).reconnection(false).proxy(proxy).build());
        sockets.add(s);
        return s;
    }

    @ParameterizedTest(name = "{0} proxy, {1}, user {2}")
    @CsvSource({
        "HTTP, POLLING_ONLY, ", "HTTP, WEBSOCKET_ONLY, ", "HTTP, POLLING_THEN_WEBSOCKET, ",
        "HTTP, POLLING_ONLY, alice", "HTTP, WEBSOCKET_ONLY, alice", "HTTP, POLLING_THEN_WEBSOCKET, alice",
        "SOCKS5, POLLING_ONLY, ", "SOCKS5, WEBSOCKET_ONLY, ", "SOCKS5, POLLING_THEN_WEBSOCKET, ",
        "SOCKS5, POLLING_ONLY, alice", "SOCKS5, WEBSOCKET_ONLY, alice", "SOCKS5, POLLING_THEN_WEBSOCKET, alice"})
    void connectsThroughTheProxy(ProxyOptions.Type type, ClientScenarios.Mode mode, String user) throws Exception {
        try (TestProxy proxy = new TestProxy(type, user, user == null ? null : "s3cret")) {
            Socket s = socket(mode, proxy.options(user, "s3cret"));
            s.connect();
            await().atMost(T).until(s::connected);
            assertThat(ClientScenarios.texts(ClientScenarios.get(s.emitWithAck("echo", "via proxy", new byte[] {7}))))
                    .containsExactly("\"via proxy\"", "\"Bw==\"");
            await().atMost(T).until(() -> mode.finalTransport.equals(s.io().transport()));
            String target = (user == null ? "" : user + "@") + TestProxy.TEST_HOST + ":" + port;
            assertThat(proxy.tunnels).isNotEmpty().allMatch(target::equals);
            assertThat(proxy.relayed.get()).isPositive();
            assertThat(proxy.refusals).isEmpty();
            s.close();
            assertThat(server.awaitPrefix("disconnect / ", T)).isEqualTo("client namespace disconnect");
        }
    }

    /** HTTPS and WSS through the proxy to Node's socket.io over TLS: the TLS session is end to end, in the tunnel. */
    @ParameterizedTest(name = "{0} proxy, TLS")
    @org.junit.jupiter.params.provider.EnumSource(ProxyOptions.Type.class)
    void tlsThroughTheProxy(ProxyOptions.Type type) throws Exception {
        dev.duplex.testkit.Node.require();
        dev.duplex.testkit.TestCertificate cert = dev.duplex.testkit.TestCertificate.create();
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(cert.trustStore());
        javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        try (NodeServer tls = new NodeServer(java.util.Map.of("TLS_PFX", cert.keyStore().toString(),
                "TLS_PASSPHRASE", dev.duplex.testkit.TestCertificate.PASSWORD));
                TestProxy proxy = new TestProxy(type, "alice", "s3cret")) {
            int tlsPort = FreePort.find();
            tls.start(tlsPort);
            Socket s = IO.socket("https://localhost:" + tlsPort, ClientScenarios.opts(
                    ClientScenarios.Mode.POLLING_THEN_WEBSOCKET).forceNew(true).reconnection(false).sslContext(ssl)
                    .proxy(proxy.options("alice", "s3cret")).build());
            sockets.add(s);
            s.connect();
            await().atMost(T).until(s::connected);
            assertThat(ClientScenarios.texts(ClientScenarios.get(s.emitWithAck("echo", "secret")))).containsExactly(
                    "\"secret\"");
            await().atMost(T).until(() -> IoOptions.WEBSOCKET.equals(s.io().transport()));
            assertThat(proxy.tunnels).hasSizeGreaterThanOrEqualTo(2).allMatch(("alice@localhost:" + tlsPort)::equals);
            s.close();
            s.io().close();
        }
    }

    @ParameterizedTest(name = "{0} proxy, {1}, credentials {2}")
    @CsvSource({
        "HTTP, POLLING_ONLY, wrong", "HTTP, WEBSOCKET_ONLY, wrong", "HTTP, WEBSOCKET_ONLY, none",
        "SOCKS5, POLLING_ONLY, wrong", "SOCKS5, WEBSOCKET_ONLY, wrong", "SOCKS5, POLLING_ONLY, none"})
    void wrongCredentialsGiveAClearConnectError(ProxyOptions.Type type, ClientScenarios.Mode mode,
            String credentials) {
        try (TestProxy proxy = new TestProxy(type, "alice", "s3cret")) {
            Socket s = socket(mode, "none".equals(credentials) ? proxy.options(null, null)
                    : proxy.options("alice", "guess"));
            List<DuplexClientException> errors = new CopyOnWriteArrayList<>();
            s.on(Socket.EVENT_CONNECT_ERROR, args -> errors.add((DuplexClientException) args[0]));
            s.connect();
            await().atMost(T).until(() -> !errors.isEmpty());
            DuplexClientException e = errors.get(0);
            assertThat(e.kind()).isEqualTo(DuplexClientException.Kind.PROXY);
            assertThat(e.getMessage()).contains("the proxy refused the connection to " + TestProxy.TEST_HOST + ":"
                    + port).contains(type.name().toLowerCase(java.util.Locale.ROOT) + " proxy 127.0.0.1:"
                    + proxy.port()).contains("(proxy authentication failed: wrong or missing credentials)");
            assertThat(e.getCause()).isInstanceOf(io.netty.handler.proxy.ProxyConnectException.class);
            if (type == ProxyOptions.Type.HTTP) {
                assertThat(e.getMessage()).contains("407 Proxy Authentication Required");
            } else {
                assertThat(e.getMessage()).containsAnyOf("authStatus: FAILURE", "unexpected authMethod");
            }
            assertThat(s.connected()).isFalse();
            assertThat(proxy.tunnels).isEmpty();
            assertThat(proxy.refusals).containsExactly("none".equals(credentials) ? "null" : "alice");
        }
    }
}
