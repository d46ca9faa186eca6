package dev.duplex.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientScriptHandlerTest {
    TestHttpServer server;
    int port;

    @BeforeEach
    void start() throws Exception {
        server = new TestHttpServer(ClientScriptHandler.forPath("/socket.io/"));
        port = server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void everyFileNameStartsWithThePrefixTheQuickRejectTests() {
        // handle() passes on any request whose name after the path does not start with "socket.io." without
        // looking further: every file served must start so
        assertThat(ClientScriptHandler.CLIENT_FILES).allMatch(f -> f.startsWith("socket.io."));
    }

    private static byte[] resource(String file) throws IOException {
        try (InputStream in = ClientScriptHandler.class.getClassLoader()
                .getResourceAsStream(ClientScriptHandler.RESOURCE_DIR + file)) {
            assertThat(in).as("bundle file %s on the class path (module duplex-client-js)", file).isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void theBundleComesFromTheOfficialPackage() throws Exception {
        assertThat(ClientScriptHandler.clientVersion()).startsWith("4.8.");
        String js = new String(resource("socket.io.js"), StandardCharsets.UTF_8);
        assertThat(js).contains("Socket.IO v" + ClientScriptHandler.clientVersion());
        assertThat(new String(resource("LICENSE"), StandardCharsets.UTF_8)).contains("MIT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"socket.io.js", "socket.io.min.js", "socket.io.esm.min.js", "socket.io.msgpack.min.js"})
    void servesEachScriptLikeNode(String file) throws Exception {
        RawHttp.Response r = RawHttp.get(port, "/socket.io/" + file);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("application/javascript; charset=utf-8");
        assertThat(r.header("cache-control")).isEqualTo("public, max-age=0");
        assertThat(r.header("etag")).isEqualTo("\"" + ClientScriptHandler.clientVersion() + "\"");
        assertThat(r.header("content-encoding")).isNull();
        assertThat(r.body()).isEqualTo(resource(file));
    }

    @ParameterizedTest
    @ValueSource(strings = {"socket.io.js.map", "socket.io.min.js.map", "socket.io.esm.min.js.map",
        "socket.io.msgpack.min.js.map"})
    void servesTheSourceMapsAsJson(String file) throws Exception {
        RawHttp.Response r = RawHttp.get(port, "/socket.io/" + file);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("application/json; charset=utf-8");
        assertThat(r.body()).isEqualTo(resource(file));
        assertThat(r.text()).startsWith("{");
    }

    @Test
    void etagMatchGives304() throws Exception {
        String etag = "\"" + ClientScriptHandler.clientVersion() + "\"";
        RawHttp.Response strong = RawHttp.get(port, "/socket.io/socket.io.js", "If-None-Match: " + etag);
        assertThat(strong.status()).isEqualTo(304);
        assertThat(strong.body()).isEmpty();
        assertThat(RawHttp.get(port, "/socket.io/socket.io.min.js", "If-None-Match: W/" + etag).status())
                .isEqualTo(304);
        assertThat(RawHttp.get(port, "/socket.io/socket.io.js.map", "If-None-Match: " + etag).status())
                .isEqualTo(304);
        RawHttp.Response stale = RawHttp.get(port, "/socket.io/socket.io.js", "If-None-Match: \"4.0.0\"");
        assertThat(stale.status()).isEqualTo(200);
        assertThat(stale.body()).isEqualTo(resource("socket.io.js"));
    }

    @Test
    void gzipWhenAccepted() throws Exception {
        RawHttp.Response r = RawHttp.get(port, "/socket.io/socket.io.js", "Accept-Encoding: gzip, deflate, br");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-encoding")).isEqualTo("gzip");
        assertThat(r.header("etag")).isEqualTo("\"" + ClientScriptHandler.clientVersion() + "\"");
        assertThat(r.body().length).isLessThan(resource("socket.io.js").length / 2);
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(resource("socket.io.js"));
        }
    }

    /** Each file as Node's socket.io 4.8.4 serves it to {@code Accept-Encoding: br}: brotli, the same bytes inside. */
    @ParameterizedTest
    @ValueSource(strings = {"socket.io.js", "socket.io.min.js", "socket.io.esm.min.js", "socket.io.msgpack.min.js",
        "socket.io.js.map", "socket.io.min.js.map", "socket.io.esm.min.js.map", "socket.io.msgpack.min.js.map"})
    void brotliWhenAccepted(String file) throws Exception {
        RawHttp.Response r = RawHttp.get(port, "/socket.io/" + file, "Accept-Encoding: br");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-encoding")).isEqualTo("br");
        assertThat(r.header("vary")).containsIgnoringCase("accept-encoding");
        assertThat(r.body().length).isLessThan(resource(file).length / 2);
        try (InputStream in = new org.brotli.dec.BrotliInputStream(new ByteArrayInputStream(r.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(resource(file));
        }
    }

    /** The coding Node's socket.io 4.8.4 picks for each header (checked against it: `accepts`/negotiator 0.6). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "br | br", "gzip, deflate, br, zstd | gzip", "gzip;q=0.8, br | br", "br;q=0.5, gzip | gzip", "* | br",
        "deflate, br | deflate"})
    void theCodingIsNodesChoice(String acceptEncoding, String expected) throws Exception {
        RawHttp.Response r = RawHttp.get(port, "/socket.io/socket.io.min.js", "Accept-Encoding: " + acceptEncoding);
        assertThat(r.header("content-encoding")).isEqualTo(expected);
    }

    @Test
    void deflateWhenPreferred() throws Exception {
        RawHttp.Response r = RawHttp.get(port, "/socket.io/socket.io.min.js", "Accept-Encoding: gzip;q=0.5, deflate");
        assertThat(r.header("content-encoding")).isEqualTo("deflate");
        try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(r.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(resource("socket.io.min.js"));
        }
    }

    @Test
    void identityWhenNothingUsableIsAccepted() throws Exception {
        for (String ae : new String[] {"identity", "gzip;q=0, deflate;q=0, br;q=0", "*;q=0", "zstd"}) {
            RawHttp.Response r = RawHttp.get(port, "/socket.io/socket.io.js", "Accept-Encoding: " + ae);
            assertThat(r.header("content-encoding")).as(ae).isNull();
            assertThat(r.body()).as(ae).isEqualTo(resource("socket.io.js"));
        }
    }

    @Test
    void headAndQueryString() throws Exception {
        RawHttp.Response head = RawHttp.request(port, "HEAD", "/socket.io/socket.io.js", null);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("content-length")).isEqualTo(String.valueOf(resource("socket.io.js").length));
        assertThat(RawHttp.get(port, "/socket.io/socket.io.js?v=4.8.4").body()).isEqualTo(resource("socket.io.js"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/socket.io/", "/socket.io/other.js", "/socket.io/socket.io.jsx", "/socket.io/LICENSE",
        "/socket.io/package.json", "/socket.io/../socket.io/socket.io.js", "/socket.io/%73ocket.io.js",
        "/socket.io/?EIO=4&transport=polling", "/socket.io.js", "/other/socket.io.js", "/socket.iosocket.io.js"})
    void everythingElseIsLeftToTheNextHandler(String target) throws Exception {
        RawHttp.Response r = RawHttp.get(port, target);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.text()).isEqualTo(TestHttpServer.NO_HANDLER);
    }

    @Test
    void disabledHandlerAnswers404ToTheBundlePathsOnly() throws Exception {
        server.close();
        server = new TestHttpServer(ClientScriptHandler.disabledForPath("/socket.io/"));
        port = server.port();
        for (String file : ClientScriptHandler.CLIENT_FILES) {
            RawHttp.Response r = RawHttp.get(port, "/socket.io/" + file);
            assertThat(r.status()).as(file).isEqualTo(404);
            assertThat(r.text()).as(file).isEqualTo("Not Found");
        }
        assertThat(RawHttp.get(port, "/socket.io/?EIO=4&transport=polling").text())
                .isEqualTo(TestHttpServer.NO_HANDLER);
    }

    @Test
    void corsHeadersWhenConfigured() throws Exception {
        server.close();
        server = new TestHttpServer(ClientScriptHandler.forPath("/socket.io/", dev.duplex.engine.CorsOptions.builder()
                .origins(java.util.List.of("http://a.test")).credentials(true).build()));
        port = server.port();
        RawHttp.Response allowed = RawHttp.get(port, "/socket.io/socket.io.js", "Origin: http://a.test");
        assertThat(allowed.header("access-control-allow-origin")).isEqualTo("http://a.test");
        assertThat(allowed.header("access-control-allow-credentials")).isEqualTo("true");
        RawHttp.Response other = RawHttp.get(port, "/socket.io/socket.io.js", "Origin: http://evil.test");
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.header("access-control-allow-origin")).isNull();
        assertThat(RawHttp.get(port, "/socket.io/socket.io.js").header("access-control-allow-origin")).isNull();

        server.close();
        server = new TestHttpServer(ClientScriptHandler.forPath("/socket.io/", dev.duplex.engine.CorsOptions.allowAll()));
        port = server.port();
        String etag = "\"" + ClientScriptHandler.clientVersion() + "\"";
        RawHttp.Response any = RawHttp.get(port, "/socket.io/socket.io.js", "Origin: http://b.test", "If-None-Match: " + etag);
        assertThat(any.status()).isEqualTo(304);
        assertThat(any.header("access-control-allow-origin")).isEqualTo("*");
    }

    @Test
    void pathIsNormalised() throws Exception {
        server.close();
        server = new TestHttpServer(ClientScriptHandler.forPath("custom"));
        port = server.port();
        assertThat(((ClientScriptHandler) ClientScriptHandler.forPath("custom")).path()).isEqualTo("/custom/");
        assertThat(RawHttp.get(port, "/custom/socket.io.js").status()).isEqualTo(200);
        assertThat(RawHttp.get(port, "/socket.io/socket.io.js").text()).isEqualTo(TestHttpServer.NO_HANDLER);
    }
}
