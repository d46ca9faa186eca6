package dev.duplex.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.engine.EngineOptions;
import dev.duplex.engine.EngineServer;
import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP front plugged into the real engine and Socket.IO server: the Socket.IO path always wins. */
class HttpFrontIntegrationTest {
    @TempDir
    Path tmp;
    AutoCloseable server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void staticFilesRoutesAndTheEnginePathOnOnePort() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(root.resolve("index.html"), "<h1>home</h1>");
        Files.writeString(root.resolve("app.js"), "go()");
        Files.writeString(tmp.resolve("secret.txt"), "SECRET");
        Routes routes = Routes.builder()
                .get("/api/hello", req -> RouteResponse.text("hello"))
                .get("/engine.io/*", req -> RouteResponse.text("a route must never shadow the engine"))
                .build();
        EngineServer engine = EngineServer.create(EngineOptions.defaults())
                .before(ClientScriptHandler.forPath(EngineOptions.defaults().path()))
                .fallback(HttpFront.chain(routes, StaticFiles.directory(root).fallbackFile("index.html").build()));
        server = engine;
        engine.start(0);
        int port = engine.port();

        assertThat(RawHttp.get(port, "/app.js").text()).isEqualTo("go()");
        assertThat(RawHttp.get(port, "/some/client/route").text()).isEqualTo("<h1>home</h1>");
        assertThat(RawHttp.get(port, "/api/hello").text()).isEqualTo("hello");
        RawHttp.Response handshake = RawHttp.get(port, "/engine.io/?EIO=4&transport=polling");
        assertThat(handshake.status()).isEqualTo(200);
        assertThat(handshake.text()).startsWith("0{\"sid\":");
        RawHttp.Response bad = RawHttp.get(port, "/engine.io/whatever");
        assertThat(bad.text()).doesNotContain("never shadow").doesNotContain("<h1>home");
        assertThat(RawHttp.get(port, "/engine.io/socket.io.js").header("etag"))
                .isEqualTo("\"" + ClientScriptHandler.clientVersion() + "\"");
        for (String target : List.of("/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..\\secret.txt",
                "//" + tmp.resolve("secret.txt").toString().substring(1))) {
            RawHttp.Response r = RawHttp.get(port, target);
            assertThat(r.status()).as(target).isIn(400, 404);
            assertThat(r.text()).as(target).doesNotContain("SECRET").doesNotContain("<h1>home");
        }
        RawHttp.Response head = RawHttp.request(port, "HEAD", "/app.js", null);
        assertThat(head.header("content-length")).isEqualTo("4");
    }

    @Test
    void socketIoServerServesTheClientThroughForPath() throws Exception {
        SocketIoServer io = SocketIoServer.create(ServerOptions.builder().path("/rt/").build());
        server = io;
        io.fallback(StaticFiles.directory(Files.createDirectories(tmp.resolve("empty"))).build());
        io.start(0);
        RawHttp.Response js = RawHttp.get(io.port(), "/rt/socket.io.min.js", "Accept-Encoding: gzip");
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.header("content-encoding")).isEqualTo("gzip");
        assertThat(js.header("content-type")).isEqualTo("application/javascript; charset=utf-8");
        assertThat(RawHttp.get(io.port(), "/rt/socket.io.js", "If-None-Match: W/\""
                + ClientScriptHandler.clientVersion() + "\"").status()).isEqualTo(304);
    }

    @Test
    void serveClientFalseWithTheDisabledHandlerGives404() throws Exception {
        SocketIoServer io = SocketIoServer.create(ServerOptions.builder().serveClient(false).build());
        server = io;
        io.before(ClientScriptHandler.disabledForPath(io.options().path()));
        io.start(0);
        for (String file : ClientScriptHandler.CLIENT_FILES) {
            assertThat(RawHttp.get(io.port(), "/socket.io/" + file).status()).as(file).isEqualTo(404);
        }
        assertThat(RawHttp.get(io.port(), "/socket.io/?EIO=4&transport=polling").text()).startsWith("0{");
    }
}
