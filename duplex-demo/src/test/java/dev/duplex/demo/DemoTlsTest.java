package dev.duplex.demo;

import dev.duplex.testkit.FreePort;
import dev.duplex.testkit.TestCertificate;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code bin/demo --tls-cert FILE --tls-key FILE}: the whole demo over HTTPS. */
class DemoTlsTest {

    @Test
    void theDemoServesHttpsWithPemFilesFromTheCommandLine() throws Exception {
        TestCertificate cert = TestCertificate.create();
        DemoOptions options = DemoOptions.parse("--host", "127.0.0.1", "--port", String.valueOf(FreePort.find()),
                "--tls-cert", cert.certificatePem().toString(), "--tls-key", cert.privateKeyPem().toString());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(cert.trustStore());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient https = HttpClient.newBuilder().sslContext(ssl).build();
        try (DemoServer demo = DemoServer.start(options)) {
            String base = "https://localhost:" + demo.port();
            HttpResponse<String> page = https.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<html");
            HttpResponse<String> handshake = https.send(HttpRequest.newBuilder(
                    URI.create(base + "/socket.io/?EIO=4&transport=polling")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(handshake.body()).startsWith("0{\"sid\":");
        }
    }

    @Test
    void aCertificateWithoutItsKeyIsAUsageError() {
        TestCertificate cert = TestCertificate.create();
        assertThatThrownBy(() -> DemoOptions.parse("--tls-cert", cert.certificatePem().toString()))
                .isInstanceOf(DemoOptions.UsageException.class).hasMessageContaining("--tls-key");
    }
}
