package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.testkit.ManagedProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the first connections of a fresh server JVM need is prepared when the server starts, not on their first
 * packets: the classes loaded by the server while its first clients (polling and WebSocket) connect and exchange
 * their first events are counted; without the warm-up, hundreds of classes (codecs, Jackson, the WebSocket
 * handshake...) load there, each costing the first clients time (with a short heartbeat, a ping timeout).
 */
class ColdStartTest {
    private static final int MAX_CLASSES_ON_FIRST_PACKETS = 120;

    @Test
    void theFirstClientsLoadFewClassesOnTheServer() throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                LoadServer.class.getName(), String.valueOf(8L << 20));
        try (ManagedProcess server = ManagedProcess.start(cmd, null, Map.of())) {
            int port = Integer.parseInt(server.awaitPrefix("PORT ", Duration.ofSeconds(30)).trim());
            server.send("classes");
            long before = Long.parseLong(server.awaitPrefix("CLASSES ", Duration.ofSeconds(10)).trim());
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> open = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(open.body()).startsWith("0{\"sid\":");
            try (RawEngineClient a = RawEngineClient.connected(port, "/");
                 RawEngineClient b = RawEngineClient.connected(port, "/")) {
                for (int i = 1; i <= 3; i++) {
                    a.sendText("42" + i + "[\"echo\",{\"n\":" + i + ",\"s\":\"x\",\"l\":[1.5,true,null]}]");
                    b.sendText("42" + i + "[\"echo\"," + i + "]");
                }
                a.awaitText(t -> t.startsWith("433["));
                b.awaitText(t -> t.equals("433[3]"));
            }
            server.send("classes");
            long after = Long.parseLong(server.awaitPrefix("CLASSES ", Duration.ofSeconds(10)).trim());
            System.out.printf("classes loaded by the first clients: %d%n", after - before);
            assertThat(after - before).isLessThan(MAX_CLASSES_ON_FIRST_PACKETS);
        }
    }
}
