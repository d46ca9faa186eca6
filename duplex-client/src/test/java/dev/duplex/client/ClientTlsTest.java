package dev.duplex.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;
import dev.duplex.testkit.TestCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Duplex's Java client against a Duplex server that terminates TLS itself ({@code ServerOptions.ssl}). */
class ClientTlsTest {
    private static TestCertificate cert;
    private static SocketIoServer server;

    @BeforeAll
    static void start() {
        cert = TestCertificate.create();
        server = SocketIoServer.create(ServerOptions.builder().serveClient(false)
                .ssl(cert.certificatePem(), cert.privateKeyPem()).build());
        server.onConnection(socket -> socket.on("echo", args -> args.get(0)));
        server.start(0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static SSLContext trusting() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(cert.trustStore());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket", "polling,websocket"})
    void httpsAndWssWithATrustedCertificate(String transports) throws Exception {
        Socket socket = IO.socket("https://localhost:" + server.port(), IoOptions.builder()
                .transports(transports.split(",")).sslContext(trusting()).reconnection(false).build());
        try {
            socket.connect();
            await().atMost(Duration.ofSeconds(20)).until(socket::connected);
            List<JsonNode> answer = socket.timeout(Duration.ofSeconds(10)).emitWithAck("echo", "over tls")
                    .get(20, TimeUnit.SECONDS);
            assertThat(answer.get(0).asText()).isEqualTo("over tls");
        } finally {
            socket.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket"})
    void anUntrustedCertificateFailsWithAClearConnectError(String transport) {
        Socket socket = IO.socket("https://localhost:" + server.port(), IoOptions.builder()
                .transports(transport).reconnection(false).build());
        List<DuplexClientException> errors = Collections.synchronizedList(new ArrayList<>());
        socket.onConnectError(errors::add);
        try {
            socket.connect();
            await().atMost(Duration.ofSeconds(20)).until(() -> !errors.isEmpty());
            DuplexClientException e = errors.get(0);
            assertThat(e.kind()).isEqualTo(DuplexClientException.Kind.TLS);
            assertThat(e.getMessage()).containsIgnoringCase("certificate");
            assertThat(socket.connected()).isFalse();
        } finally {
            socket.close();
        }
    }
}
