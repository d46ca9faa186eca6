package dev.duplex.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;
import dev.duplex.testkit.FreePort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The built UI packed in the jar, served on the server's port when asked ({@link AdminUiOptions#serveUi()}): the
 * page at {@code /admin/} (the bare path redirected), revalidated; its fingerprinted assets cached for a year;
 * correct content types; nothing served when not asked; the Socket.IO path unaffected.
 */
class UiServingTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private SocketIoServer server;
    private AdminUi admin;

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private String start(AdminUiOptions options) {
        server = SocketIoServer.create(ServerOptions.builder().build());
        admin = AdminUi.attach(server, options);
        int port = FreePort.find();
        server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return "http://127.0.0.1:" + port;
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesThePackedUiWithContentTypesAndCaching() throws Exception {
        String base = start(AdminUiOptions.builder().noAuth().serveUi(true).uiPath("/dashboard/").build());

        HttpResponse<String> bare = get(base + "/dashboard");
        assertThat(bare.statusCode()).isEqualTo(301);
        assertThat(bare.headers().firstValue("location")).hasValue("/dashboard/");

        HttpResponse<String> page = get(base + "/dashboard/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("cache-control")).hasValue("no-cache");
        assertThat(page.body()).contains("<title>Socket.IO Admin UI</title>");

        Matcher script = Pattern.compile("src=\"(js/app\\.[0-9a-f]+\\.js)\"").matcher(page.body());
        assertThat(script.find()).isTrue();
        HttpResponse<String> js = get(base + "/dashboard/" + script.group(1));
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(js.headers().firstValue("cache-control")).hasValue("public, max-age=31536000, immutable");
        assertThat(js.headers().firstValue("etag")).isPresent();
        HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(base + "/dashboard/"
                + script.group(1))).header("If-None-Match", js.headers().firstValue("etag").get()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(304);

        Matcher css = Pattern.compile("href=\"(css/app\\.[0-9a-f]+\\.css)\"").matcher(page.body());
        assertThat(css.find()).isTrue();
        assertThat(get(base + "/dashboard/" + css.group(1)).headers().firstValue("content-type"))
                .hasValue("text/css; charset=utf-8");
        assertThat(get(base + "/dashboard/favicon.png").headers().firstValue("content-type"))
                .hasValue("image/png");
        assertThat(get(base + "/dashboard/js/nothing.js").statusCode()).isEqualTo(404);
        assertThat(get(base + "/dashboard/../pom.xml").statusCode()).isEqualTo(404);
        // the Socket.IO endpoint is still the engine's
        assertThat(get(base + "/socket.io/?EIO=4&transport=polling").body()).startsWith("0{");

        admin.close();
        assertThat(get(base + "/dashboard/").statusCode()).isEqualTo(404);
    }

    @Test
    void servesNothingUnlessAsked() throws Exception {
        String base = start(AdminUiOptions.builder().noAuth().build());
        assertThat(get(base + "/admin/").statusCode()).isEqualTo(404);
        assertThat(get(base + "/admin/index.html").statusCode()).isEqualTo(404);
    }
}
