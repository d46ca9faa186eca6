package dev.duplex.engine;

import dev.duplex.testkit.ManagedProcess;
import dev.duplex.testkit.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** engine.io's {@code initial_headers} and {@code headers} events: {@link EngineServer#onInitialHeaders}, {@link EngineServer#onHeaders}. */
class EngineHeadersTest {
    private EngineServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void cookiesSetOnTheHandshakeComeBackFromTheOfficialClientWithCredentials() {
        List<String> cookies = new CopyOnWriteArrayList<>();
        server = EngineServer.create(EngineOptions.builder().build())
                .onInitialHeaders((h, req) -> h.add("Set-Cookie", List.of("1=1", "2=2")))
                .onHeaders((h, req) -> {
                    if (req.query("sid") != null) {
                        cookies.add(String.valueOf(req.header("cookie")));
                    }
                })
                .onConnection(s -> s.setListener(new EngineSocket.Listener() {
                    @Override
                    public void onMessage(String text) {
                        // the cookie header of the request that carried this message
                        s.send("cookie=" + cookies.get(cookies.size() - 1));
                    }
                }));
        server.start(0);
        try (ManagedProcess client = Node.start(Path.of("src/test/node/engine/eio-cookies.js"),
                Map.of("SERVER_URL", "http://localhost:" + server.port()))) {
            String line = client.awaitLine(l -> l.startsWith("{\"type\""), Duration.ofSeconds(30));
            assertThat(line).isEqualTo("{\"type\":\"message\",\"data\":\"cookie=1=1; 2=2\"}");
        }
    }

    @Test
    void initialHeadersGoOnTheHandshakeOnlyAndHeadersOnEveryResponseAndThe101() throws Exception {
        server = EngineServer.create(EngineOptions.builder().build())
                .onInitialHeaders((h, req) -> h.set("X-Initial", "yes"))
                .onHeaders((h, req) -> h.set("X-Every", req.method()));
        server.start(0);
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + server.port() + "/engine.io/?EIO=4&transport=polling";
        HttpResponse<String> open = http.send(HttpRequest.newBuilder(URI.create(base)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(open.headers().firstValue("X-Initial")).hasValue("yes");
        assertThat(open.headers().firstValue("X-Every")).hasValue("GET");
        String sid = open.body().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");

        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "&sid=" + sid))
                .POST(HttpRequest.BodyPublishers.ofString("4hi")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.headers().firstValue("X-Every")).hasValue("POST");
        assertThat(post.headers().firstValue("X-Initial")).isEmpty();

        assertThat(upgradeResponse("/engine.io/?EIO=4&transport=websocket&sid=" + sid))
                .contains("101").contains("x-every: get").doesNotContain("x-initial");
        assertThat(upgradeResponse("/engine.io/?EIO=4&transport=websocket"))
                .contains("101").contains("x-every: get").contains("x-initial: yes");
    }

    /** The head of the response to a WebSocket upgrade request, lower-cased. */
    private String upgradeResponse(String uri) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + uri + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            return head.toString().toLowerCase();
        }
    }
}
