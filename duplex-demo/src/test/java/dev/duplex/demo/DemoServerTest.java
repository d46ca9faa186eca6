package dev.duplex.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.http.ClientScriptHandler;
import dev.duplex.testkit.FreePort;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The demo's HTTP front on the real Socket.IO server: page, fallback, client script, options, traversal. */
class DemoServerTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private DemoServer demo;

    @AfterEach
    void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    private int start(DemoOptions.Builder options) {
        demo = DemoServer.start(options.host("127.0.0.1").port(FreePort.find()).build());
        return demo.port();
    }

    private HttpResponse<byte[]> get(int port, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static byte[] bundle(String file) throws IOException {
        try (InputStream in = ClientScriptHandler.class.getClassLoader()
                .getResourceAsStream(ClientScriptHandler.RESOURCE_DIR + file)) {
            assertThat(in).isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void servesThePageForEveryRouteLikeTheCourse() throws Exception {
        int port = start(DemoOptions.builder());
        HttpResponse<byte[]> index = get(port, "/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(text(index)).contains("<title>Duplex").contains("/app.js");
        HttpResponse<byte[]> route = get(port, "/chat/room/42");
        assertThat(route.statusCode()).isEqualTo(200);
        assertThat(text(route)).isEqualTo(text(index));
        assertThat(get(port, "/app.js").headers().firstValue("content-type"))
                .hasValue("text/javascript; charset=utf-8");
        assertThat(get(port, "/app.css").statusCode()).isEqualTo(200);
        String etag = index.headers().firstValue("etag").orElseThrow();
        assertThat(get(port, "/index.html", "If-None-Match", etag).statusCode()).isEqualTo(304);
        assertThat(text(get(port, "/config.js")))
                .isEqualTo("window.DUPLEX_DEMO = {\"path\":\"/socket.io/\",\"serveClient\":true,"
                        + "\"defaultToken\":\"duplex\"};\n");
        HttpResponse<byte[]> uplot = get(port, "/vendor/uplot/uPlot.iife.min.js");
        assertThat(uplot.statusCode()).isEqualTo(200);
        assertThat(text(uplot)).contains("uPlot");
        assertThat(text(get(port, "/vendor/uplot/LICENSE"))).contains("MIT");
        assertThat(text(get(port, "/vendor/socket.io-client/LICENSE"))).contains("MIT");
    }

    @Test
    void servesTheOfficialClientScriptLikeNode() throws Exception {
        int port = start(DemoOptions.builder());
        String version = ClientScriptHandler.clientVersion();
        HttpResponse<byte[]> js = get(port, "/socket.io/socket.io.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("content-type")).hasValue("application/javascript; charset=utf-8");
        assertThat(js.headers().firstValue("etag")).hasValue("\"" + version + "\"");
        assertThat(js.body()).isEqualTo(bundle("socket.io.js"));
        assertThat(get(port, "/socket.io/socket.io.min.js", "If-None-Match", "\"" + version + "\"").statusCode())
                .isEqualTo(304);
        HttpResponse<byte[]> gz = get(port, "/socket.io/socket.io.esm.min.js", "Accept-Encoding", "gzip");
        assertThat(gz.headers().firstValue("content-encoding")).hasValue("gzip");
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(bundle("socket.io.esm.min.js"));
        }
        HttpResponse<byte[]> map = get(port, "/socket.io/socket.io.msgpack.min.js.map");
        assertThat(map.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    }

    @Test
    void serveClientFalseGives404AndThePageUsesItsOwnCopy() throws Exception {
        int port = start(DemoOptions.builder().serveClient(false));
        for (String f : ClientScriptHandler.CLIENT_FILES) {
            assertThat(get(port, "/socket.io/" + f).statusCode()).as(f).isEqualTo(404);
        }
        assertThat(text(get(port, "/config.js"))).contains("\"serveClient\":false");
        assertThat(get(port, "/vendor/socket.io-client/socket.io.min.js").body())
                .isEqualTo(bundle("socket.io.min.js"));
    }

    @Test
    void customPathMovesTheClientScriptAndTheEndpoint() throws Exception {
        int port = start(DemoOptions.builder().path("/realtime"));
        assertThat(get(port, "/realtime/socket.io.js").statusCode()).isEqualTo(200);
        assertThat(text(get(port, "/config.js"))).contains("\"path\":\"/realtime/\"");
        HttpResponse<byte[]> handshake = get(port, "/realtime/?EIO=4&transport=polling");
        assertThat(handshake.statusCode()).isEqualTo(200);
        assertThat(text(handshake)).startsWith("0{\"sid\":");
        // the old path is now an ordinary route: the page answers it
        assertThat(text(get(port, "/socket.io/socket.io.js"))).contains("<title>Duplex");
    }

    @Test
    void corsOriginAndMethodsReachTheEngine() throws Exception {
        int port = start(DemoOptions.builder().corsOrigins(java.util.List.of("http://example.com"))
                .corsMethods(java.util.List.of("GET", "POST", "PUT")));
        HttpResponse<byte[]> r = get(port, "/socket.io/?EIO=4&transport=polling", "Origin", "http://example.com");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("http://example.com");
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://example.com").header("Access-Control-Request-Method", "PUT").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.headers().firstValue("access-control-allow-methods").orElse(""))
                .contains("GET").contains("POST").contains("PUT");
    }

    @Test
    void cookieOptionSetsTheEngineCookie() throws Exception {
        int port = start(DemoOptions.builder().cookie("duplexsid"));
        HttpResponse<byte[]> r = get(port, "/socket.io/?EIO=4&transport=polling");
        assertThat(r.headers().allValues("set-cookie")).anySatisfy(c -> assertThat(c).startsWith("duplexsid="));
    }

    @Test
    void traversalNeverLeavesThePage() throws Exception {
        int port = start(DemoOptions.builder());
        for (String target : new String[] {"/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
            "/..%2f..%2fetc%2fpasswd", "/..\\..\\etc\\passwd", "//etc/passwd", "/vendor/uplot/../../../../etc/passwd",
            "/vendor/uplot/%2e%2e/%2e%2e/dev/duplex/demo/Chat.class", "/vendor/socket.io-client/../uplot/LICENSE",
            "/socket.io/../../etc/passwd"}) {
            String answer = raw(port, target);
            assertThat(answer).as(target).doesNotContain("root:x:0:0").doesNotContain("\u00ca\u00fe\u00ba\u00be")
                    .doesNotContain("<title>Duplex");
            assertThat(answer).as(target).matches("(?s)HTTP/1\\.1 (400|404) .*");
        }
        assertThat(get(port, "/").statusCode()).isEqualTo(200);
    }

    private static String raw(int port, String target) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
