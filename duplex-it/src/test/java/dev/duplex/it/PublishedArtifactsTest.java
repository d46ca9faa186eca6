package dev.duplex.it;

import dev.duplex.server.SocketIoServer;
import dev.duplex.testkit.ManagedProcess;
import dev.duplex.testkit.Node;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The published artifacts as an application sees them: this module depends on the BOM and duplex-server only
 * (without duplex-client-js) and runs on the module path.
 */
class PublishedArtifactsTest {

    @Test
    void theServerRunsOnTheModulePathUnderItsStableModuleName() {
        Module server = SocketIoServer.class.getModule();
        assertTrue(server.isNamed(), "duplex-server is on the module path");
        assertEquals("dev.duplex.server", server.getName());
        assertTrue(EchoApp.class.getModule().isNamed(), "the application is a named module");
        assertTrue(ModuleLayer.boot().findModule("dev.duplex.clientjs").isEmpty(),
                "the bundle artifact is left out of this application");
    }

    @Test
    void withoutTheBundleArtifactTheOfficialClientConnectsOverPollingAndWebSocket() throws Exception {
        try (EchoApp app = EchoApp.start(0)) {
            HttpURLConnection script = (HttpURLConnection) URI.create(
                    "http://127.0.0.1:" + app.port() + "/socket.io/socket.io.js").toURL().openConnection();
            try {
                assertEquals(404, script.getResponseCode(), "serveClient(false): no client script");
            } finally {
                script.disconnect();
            }

            for (String transports : List.of("polling", "websocket", "polling,websocket")) {
                Node.require();
                try (ManagedProcess client = Node.start(Path.of("src/test/node/echo-client.js"),
                        Map.of("SERVER_URL", "http://127.0.0.1:" + app.port(), "TRANSPORTS", transports))) {
                    String line = client.awaitLine(l -> l.contains("\"type\""), Duration.ofSeconds(30));
                    assertTrue(line.contains("\"answer\":[\"hello\",42]"), transports + ": " + line);
                }
            }
        }
    }

    @Test
    void theServerJarHoldsNoTestMainsNoDemoAssetsAndNamesItsModule() throws IOException {
        Path jar = Path.of(URI.create(SocketIoServer.class.getProtectionDomain().getCodeSource().getLocation()
                .toString()));
        assertTrue(Files.isRegularFile(jar) && jar.toString().endsWith(".jar"), "resolved to the packaged jar: " + jar);
        List<String> offending = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            assertEquals("dev.duplex.server",
                    file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"));
            file.stream().map(e -> e.getName())
                    .filter(n -> n.startsWith("dev/duplex/conformance/") || n.toLowerCase().contains("uplot")
                            || n.startsWith("dev/duplex/clientjs/") || n.startsWith("dev/duplex/demo/")
                            || n.endsWith("Test.class") || n.endsWith(".js"))
                    .forEach(offending::add);
        }
        assertEquals(List.of(), offending, "test mains, demo assets or bundles in " + jar);
    }
}
