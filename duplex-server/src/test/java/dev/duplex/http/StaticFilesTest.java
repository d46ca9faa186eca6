package dev.duplex.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StaticFilesTest {
    private static final String SECRET = "TOP-SECRET-CONTENT";
    private static final String INDEX = "<!doctype html><title>home</title>";

    @TempDir
    Path tmp;
    Path root;
    Path outside;
    TestHttpServer server;

    @BeforeEach
    void files() throws IOException {
        root = Files.createDirectories(tmp.resolve("www"));
        outside = Files.createDirectories(tmp.resolve("private"));
        Files.writeString(outside.resolve("secret.txt"), SECRET);
        Files.writeString(tmp.resolve("secret.txt"), SECRET);
        Files.writeString(root.resolve("index.html"), INDEX);
        Files.writeString(root.resolve("app.js"), "console.log('hi');");
        Files.writeString(root.resolve("style.css"), "body{color:red}");
        Files.writeString(root.resolve("data.json"), "{\"a\":1}");
        Files.write(root.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Files.write(root.resolve("blob.unknownext"), new byte[] {1, 2, 3});
        Files.writeString(root.resolve("caf\u00e9 menu.txt"), "menu");
        Files.writeString(root.resolve(".env"), SECRET);
        Path sub = Files.createDirectories(root.resolve("sub"));
        Files.writeString(sub.resolve("index.html"), "<p>sub</p>");
        Files.writeString(sub.resolve("page.html"), "<p>page</p>");
        Files.createSymbolicLink(root.resolve("out"), outside);
        Files.createSymbolicLink(root.resolve("outfile.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("inside.txt"), sub.resolve("page.html"));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int start(StaticFiles handler) throws InterruptedException {
        server = new TestHttpServer(handler);
        return server.port();
    }

    @Test
    void servesFilesWithTheirContentTypes() throws Exception {
        int port = start(StaticFiles.directory(root).build());
        assertType(port, "/index.html", "text/html; charset=utf-8");
        assertType(port, "/app.js", "text/javascript; charset=utf-8");
        assertType(port, "/style.css", "text/css; charset=utf-8");
        assertType(port, "/data.json", "application/json; charset=utf-8");
        assertType(port, "/logo.png", "image/png");
        assertType(port, "/blob.unknownext", "application/octet-stream");
        RawHttp.Response r = RawHttp.get(port, "/app.js");
        assertThat(r.text()).isEqualTo("console.log('hi');");
        assertThat(r.header("content-length")).isEqualTo("18");
        assertThat(r.header("cache-control")).isEqualTo("public, max-age=0");
        assertThat(r.header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(r.header("last-modified")).isNotBlank();
        assertThat(RawHttp.get(port, "/caf%C3%A9%20menu.txt").text()).isEqualTo("menu");
        assertThat(RawHttp.get(port, "/app.js?v=3#frag").text()).isEqualTo("console.log('hi');");
    }

    private static void assertType(int port, String path, String type) throws IOException {
        RawHttp.Response r = RawHttp.get(port, path);
        assertThat(r.status()).as(path).isEqualTo(200);
        assertThat(r.header("content-type")).as(path).isEqualTo(type);
    }

    @Test
    void rootAndFoldersServeTheirIndexAndFoldersWithoutSlashAreRedirected() throws Exception {
        int port = start(StaticFiles.directory(root).build());
        assertThat(RawHttp.get(port, "/").text()).isEqualTo(INDEX);
        assertThat(RawHttp.get(port, "/sub/").text()).isEqualTo("<p>sub</p>");
        RawHttp.Response r = RawHttp.get(port, "/sub?x=1");
        assertThat(r.status()).isEqualTo(301);
        assertThat(r.header("location")).isEqualTo("/sub/?x=1");
        assertThat(RawHttp.get(port, "/sub/page.html/").text()).isEqualTo(TestHttpServer.NO_HANDLER);
        assertThat(RawHttp.get(port, "/inside.txt").text()).as("a link inside the root is fine")
                .isEqualTo("<p>page</p>");
    }

    @Test
    void etagAndLastModifiedGive304() throws Exception {
        Files.setLastModifiedTime(root.resolve("app.js"), FileTime.from(Instant.parse("2024-01-02T03:04:05Z")));
        int port = start(StaticFiles.directory(root).build());
        RawHttp.Response first = RawHttp.get(port, "/app.js");
        String etag = first.header("etag");
        assertThat(etag).isNotBlank();
        assertThat(first.header("last-modified")).isEqualTo("Tue, 02 Jan 2024 03:04:05 GMT");

        RawHttp.Response cached = RawHttp.get(port, "/app.js", "If-None-Match: " + etag);
        assertThat(cached.status()).isEqualTo(304);
        assertThat(cached.body()).isEmpty();
        assertThat(cached.header("etag")).isEqualTo(etag);
        assertThat(RawHttp.get(port, "/app.js", "If-None-Match: \"other\", " + etag).status()).isEqualTo(304);
        assertThat(RawHttp.get(port, "/app.js", "If-None-Match: \"other\"").status()).isEqualTo(200);

        assertThat(RawHttp.get(port, "/app.js", "If-Modified-Since: Tue, 02 Jan 2024 03:04:05 GMT").status())
                .isEqualTo(304);
        assertThat(RawHttp.get(port, "/app.js", "If-Modified-Since: Mon, 01 Jan 2024 00:00:00 GMT").status())
                .isEqualTo(200);
        assertThat(RawHttp.get(port, "/app.js", "If-Modified-Since: garbage").status()).isEqualTo(200);

        Files.writeString(root.resolve("app.js"), "console.log('changed!');");
        RawHttp.Response changed = RawHttp.get(port, "/app.js", "If-None-Match: " + etag);
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.text()).isEqualTo("console.log('changed!');");
    }

    @Test
    void headHasTheHeadersButNoBody() throws Exception {
        int port = start(StaticFiles.directory(root).build());
        RawHttp.Response r = RawHttp.request(port, "HEAD", "/style.css", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-length")).isEqualTo("15");
        assertThat(r.header("content-type")).isEqualTo("text/css; charset=utf-8");
        assertThat(r.body()).isEmpty();
    }

    @Test
    void otherMethodsAndMissingFilesAreLeftToTheNextHandler() throws Exception {
        int port = start(StaticFiles.directory(root).build());
        RawHttp.Response post = RawHttp.request(port, "POST", "/index.html", "x".getBytes(StandardCharsets.UTF_8));
        assertThat(post.status()).isEqualTo(404);
        assertThat(post.text()).isEqualTo(TestHttpServer.NO_HANDLER);
        assertThat(RawHttp.get(port, "/nope.html").text()).isEqualTo(TestHttpServer.NO_HANDLER);
    }

    @Test
    void fallbackFileAnswersEveryUnknownGet() throws Exception {
        int port = start(StaticFiles.directory(root).fallbackFile("index.html").build());
        for (String path : new String[] {"/chat", "/rooms/42?x=1", "/deep/a/b/c", "/missing.js"}) {
            RawHttp.Response r = RawHttp.get(port, path);
            assertThat(r.status()).as(path).isEqualTo(200);
            assertThat(r.text()).as(path).isEqualTo(INDEX);
            assertThat(r.header("content-type")).isEqualTo("text/html; charset=utf-8");
            assertThat(r.header("cache-control")).isEqualTo("no-cache");
        }
        assertThat(RawHttp.get(port, "/app.js").text()).isEqualTo("console.log('hi');");
        assertThat(RawHttp.request(port, "POST", "/chat", new byte[0]).text()).isEqualTo(TestHttpServer.NO_HANDLER);
    }

    @Test
    void mountPointLimitsTheHandler() throws Exception {
        int port = start(StaticFiles.directory(root).mount("/static").build());
        assertThat(RawHttp.get(port, "/static/app.js").text()).isEqualTo("console.log('hi');");
        assertThat(RawHttp.get(port, "/app.js").text()).isEqualTo(TestHttpServer.NO_HANDLER);
        assertThat(RawHttp.get(port, "/staticx/app.js").text()).isEqualTo(TestHttpServer.NO_HANDLER);
        RawHttp.Response r = RawHttp.get(port, "/static");
        assertThat(r.status()).isEqualTo(301);
        assertThat(r.header("location")).isEqualTo("/static/");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/../secret.txt", "/../private/secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt", "/.%2e/secret.txt", "/%2e%2e%2fsecret.txt", "/..%2fsecret.txt", "/..%2Fsecret.txt",
        "/..\\secret.txt", "/%5c..%5csecret.txt", "/..%5csecret.txt", "/sub/..%5c..%5csecret.txt",
        "//etc/passwd", "///etc/passwd", "/%2fetc%2fpasswd", "/C:/Windows/win.ini", "/c:%5cwindows%5cwin.ini",
        "/out/secret.txt", "/outfile.txt", "/.env", "/%2eenv", "/sub/./page.html", "/./index.html",
        "/%00index.html", "/index.html%00.png", "/%c0%ae%c0%ae/secret.txt", "/%e0%80%ae%e0%80%ae/secret.txt",
        "/%", "/%zz", "/a%2", "/sub//page.html", "/..", "/.", "/%2e"})
    void traversalAttemptsAre404EvenWithAFallback(String target) throws Exception {
        int port = start(StaticFiles.directory(root).fallbackFile("index.html").build());
        RawHttp.Response r = RawHttp.get(port, target);
        assertThat(r.status()).as(target).isEqualTo(404);
        assertThat(r.text()).as(target).doesNotContain(SECRET).doesNotContain("<title>home");
    }

    @Test
    void absolutePathOfAFileOutsideTheRootIs404() throws Exception {
        int port = start(StaticFiles.directory(root).build());
        String abs = tmp.resolve("secret.txt").toAbsolutePath().toString();
        RawHttp.Response r = RawHttp.get(port, abs);
        assertThat(r.text()).doesNotContain(SECRET);
        assertThat(r.status()).isEqualTo(404);
        RawHttp.Response doubleEncoded = RawHttp.get(port, "/%252e%252e/secret.txt");
        assertThat(doubleEncoded.text()).as("a file literally named %2e%2e, which does not exist")
                .isEqualTo(TestHttpServer.NO_HANDLER);
        RawHttp.Response doubled = RawHttp.get(port, "/" + abs);
        assertThat(doubled.status()).isEqualTo(404);
        assertThat(doubled.text()).doesNotContain(SECRET);
    }

    @Test
    void badInputDoesNotHurtTheNextRequest() throws Exception {
        int port = start(StaticFiles.directory(root).build());
        for (String bad : new String[] {"/%", "/..", "/%c0", "/\u0001"}) {
            RawHttp.get(port, bad);
        }
        assertThat(RawHttp.get(port, "/app.js").status()).isEqualTo(200);
    }

    @Test
    void servesFromAFolderOnTheClassPath() throws Exception {
        Path cp = Files.createDirectories(tmp.resolve("cp/web/site"));
        Files.writeString(cp.resolve("index.html"), INDEX);
        Files.writeString(cp.resolve("app.js"), "x()");
        Files.createDirectories(cp.resolve("inner"));
        Files.writeString(cp.resolve("inner/index.html"), "inner");
        Files.writeString(tmp.resolve("cp/web/secret.txt"), SECRET);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {tmp.resolve("cp").toUri().toURL()}, null)) {
            checkClasspath(StaticFiles.classpath("/web/site/").classLoader(loader).fallbackFile("index.html").build());
        }
    }

    @Test
    void servesFromAJarOnTheClassPath() throws Exception {
        Path jar = tmp.resolve("site.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String dir : new String[] {"web/", "web/site/", "web/site/inner/"}) {
                out.putNextEntry(new JarEntry(dir));
                out.closeEntry();
            }
            put(out, "web/site/index.html", INDEX);
            put(out, "web/site/app.js", "x()");
            put(out, "web/site/inner/index.html", "inner");
            put(out, "web/secret.txt", SECRET);
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            checkClasspath(StaticFiles.classpath("web/site").classLoader(loader).fallbackFile("index.html").build());
        }
    }

    private static void put(JarOutputStream out, String name, String text) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }

    private void checkClasspath(StaticFiles handler) throws Exception {
        int port = start(handler);
        RawHttp.Response js = RawHttp.get(port, "/app.js");
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.text()).isEqualTo("x()");
        assertThat(js.header("content-type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(RawHttp.get(port, "/app.js", "If-None-Match: " + js.header("etag")).status()).isEqualTo(304);
        assertThat(RawHttp.get(port, "/").text()).isEqualTo(INDEX);
        assertThat(RawHttp.get(port, "/inner/").text()).isEqualTo("inner");
        assertThat(RawHttp.get(port, "/inner").status()).isEqualTo(301);
        assertThat(RawHttp.get(port, "/any/route").text()).isEqualTo(INDEX);
        for (String bad : new String[] {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "//web/secret.txt"}) {
            RawHttp.Response r = RawHttp.get(port, bad);
            assertThat(r.status()).as(bad).isEqualTo(404);
            assertThat(r.text()).as(bad).doesNotContain(SECRET);
        }
        server.close();
        server = null;
    }

    @Test
    void filesOverTheSizeLimitAreNotServed() throws Exception {
        int port = start(StaticFiles.directory(root).maxFileSize(15).build());
        assertThat(RawHttp.get(port, "/style.css").status()).isEqualTo(200);
        RawHttp.Response big = RawHttp.get(port, "/app.js");
        assertThat(big.status()).isEqualTo(404);
        assertThat(big.text()).doesNotContain("console.log");
    }

    @Test
    void builderRefusesBadOptions() {
        assertThatThrownBy(() -> StaticFiles.directory(tmp.resolve("missing"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StaticFiles.classpath("/")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StaticFiles.directory(root).fallbackFile("../secret.txt"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StaticFiles.directory(root).indexFile("a/b.html"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StaticFiles.directory(root).classLoader(getClass().getClassLoader()))
                .isInstanceOf(IllegalStateException.class);
    }
}
