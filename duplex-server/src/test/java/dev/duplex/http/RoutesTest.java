package dev.duplex.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RoutesTest {
    TestHttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void routesAnswerByMethodAndPath() throws Exception {
        Routes routes = Routes.builder()
                .get("/api/hello", req -> RouteResponse.text("hello " + req.query("name")))
                .post("/api/echo", req -> RouteResponse.json(Map.of("got", req.bodyText(),
                        "type", String.valueOf(req.header("Content-Type")))).withStatus(201))
                .get("/files/*", req -> RouteResponse.text("file " + req.path()).withHeader("X-Kind", "file"))
                .get("/boom", req -> {
                    throw new IllegalStateException("boom");
                })
                .get("/null", req -> null)
                .build();
        server = new TestHttpServer(routes);
        int port = server.port();

        RawHttp.Response hello = RawHttp.get(port, "/api/hello?name=Ana");
        assertThat(hello.status()).isEqualTo(200);
        assertThat(hello.text()).isEqualTo("hello Ana");
        assertThat(hello.header("content-type")).isEqualTo("text/plain; charset=utf-8");

        RawHttp.Response echo = RawHttp.request(port, "POST", "/api/echo", "{\"a\":1}".getBytes(StandardCharsets.UTF_8),
                "Content-Type: application/json");
        assertThat(echo.status()).isEqualTo(201);
        assertThat(echo.text()).contains("\"got\":\"{\\\"a\\\":1}\"").contains("\"type\":\"application/json\"");

        RawHttp.Response file = RawHttp.get(port, "/files/a/b%20c.txt");
        assertThat(file.text()).isEqualTo("file /files/a/b c.txt");
        assertThat(file.header("x-kind")).isEqualTo("file");
        assertThat(RawHttp.get(port, "/files").text()).isEqualTo("file /files");

        RawHttp.Response head = RawHttp.request(port, "HEAD", "/api/hello?name=x", null);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("content-length")).isEqualTo("7");

        RawHttp.Response wrongMethod = RawHttp.request(port, "DELETE", "/api/hello", null);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.header("allow")).isEqualTo("GET, HEAD");

        assertThat(RawHttp.get(port, "/boom").status()).isEqualTo(500);
        assertThat(RawHttp.get(port, "/null").status()).isEqualTo(500);
        assertThat(RawHttp.get(port, "/api/hello/more").text()).isEqualTo(TestHttpServer.NO_HANDLER);
        assertThat(RawHttp.get(port, "/api/hello?name=after-errors").text()).isEqualTo("hello after-errors");
    }

    @Test
    void chainAsksEachHandlerInTurn() throws Exception {
        Routes routes = Routes.builder().get("/api/x", req -> RouteResponse.text("route")).build();
        Routes other = Routes.builder().get("/api/x", req -> RouteResponse.text("shadowed"))
                .get("/api/y", req -> RouteResponse.text("second")).build();
        server = new TestHttpServer(HttpFront.chain(routes, other));
        int port = server.port();
        assertThat(RawHttp.get(port, "/api/x").text()).isEqualTo("route");
        assertThat(RawHttp.get(port, "/api/y").text()).isEqualTo("second");
        assertThat(RawHttp.get(port, "/api/z").text()).isEqualTo(TestHttpServer.NO_HANDLER);
    }
}
