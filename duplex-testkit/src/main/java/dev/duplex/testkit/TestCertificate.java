package dev.duplex.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made by the JDK's own {@code keytool}
 * in a temporary folder, with its PEM files (certificate, PKCS#8 key) and a PKCS#12 key store.
 */
public final class TestCertificate {
    /** The password of {@link #keyStore()}. */
    public static final String PASSWORD = "changeit";

    private final Path dir;
    private final Path keyStore;
    private final Path certificatePem;
    private final Path privateKeyPem;

    private TestCertificate(Path dir) {
        this.dir = dir;
        this.keyStore = dir.resolve("server.p12");
        this.certificatePem = dir.resolve("cert.pem");
        this.privateKeyPem = dir.resolve("key.pem");
    }

    /** Makes a new key pair and certificate (valid for two days), in a new temporary folder. */
    public static TestCertificate create() {
        try {
            TestCertificate c = new TestCertificate(Files.createTempDirectory("duplex-tls"));
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                    "-validity", "2", "-storetype", "PKCS12", "-keystore", c.keyStore.toString(),
                    "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("keytool failed: " + out);
            }
            KeyStore ks = c.load();
            Certificate cert = ks.getCertificate("server");
            Key key = ks.getKey("server", PASSWORD.toCharArray());
            Files.writeString(c.certificatePem, pem("CERTIFICATE", cert.getEncoded()));
            Files.writeString(c.privateKeyPem, pem("PRIVATE KEY", key.getEncoded()));
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** The PKCS#12 key store (alias {@code server}, password {@link #PASSWORD}). */
    public Path keyStore() {
        return keyStore;
    }

    /** The key store, loaded. */
    public KeyStore load() throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    /** A trust store holding only this certificate. */
    public KeyStore trustStore() throws IOException, GeneralSecurityException {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("server", load().getCertificate("server"));
        return ts;
    }

    /** The certificate, PEM. */
    public Path certificatePem() {
        return certificatePem;
    }

    /** The private key, PEM (PKCS#8, unencrypted). */
    public Path privateKeyPem() {
        return privateKeyPem;
    }

    /** The folder holding the files. */
    public Path dir() {
        return dir;
    }
}
