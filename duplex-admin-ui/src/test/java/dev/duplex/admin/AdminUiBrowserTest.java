package dev.duplex.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.duplex.engine.CorsOptions;
import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;
import dev.duplex.testkit.ExternalProgram;
import dev.duplex.testkit.FreePort;
import dev.duplex.testkit.ManagedProcess;
import dev.duplex.testkit.Node;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The official Admin UI page in Debian's headless Chromium ({@code src/test/node/admin-browser.js}, through
 * playwright-core) against a Duplex server with {@link AdminUi}: a wrong password shows the refusal, the right one
 * logs in, the sockets of two Node clients are listed with their transport, a room the watched socket joins shows
 * live on its page, and the page's disconnect button disconnects it. Once with the page served by Duplex
 * ({@link AdminUiOptions#serveUi()}), once served from Node's package by a small static server on another origin
 * (the UI is only a client: Duplex then needs CORS with credentials for that origin).
 */
class AdminUiBrowserTest {
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String PASSWORD = "d4shboard!";
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private SocketIoServer server;

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
    void uiServedByDuplex() {
        ExternalProgram.require(CHROMIUM, "--version", "the browser test drives Debian's chromium");
        Node.require();
        int port = FreePort.find();
        startServer(port, ServerOptions.builder().build());
        scenario("http://127.0.0.1:" + port + "/admin/", "http://127.0.0.1:" + port);
    }

    @Test
    @Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
    void uiServedFromNodePackage() {
        ExternalProgram.require(CHROMIUM, "--version", "the browser test drives Debian's chromium");
        Node.require();
        int uiPort = FreePort.find();
        String uiOrigin = "http://127.0.0.1:" + uiPort;
        ManagedProcess statics = Node.start(Path.of("src/test/node/static-server.js"), Map.of(),
                String.valueOf(uiPort));
        toClose.add(statics);
        statics.awaitPrefix("LISTENING ", Duration.ofSeconds(30));
        int port = FreePort.find();
        startServer(port, ServerOptions.builder()
                .cors(CorsOptions.builder().origin(uiOrigin).credentials(true).build()).build());
        scenario(uiOrigin + "/", "http://127.0.0.1:" + port);
    }

    private void startServer(int port, ServerOptions options) {
        server = SocketIoServer.create(options);
        server.onConnection(socket -> socket.on("join", (args, ack) -> {
            socket.join(args.get(0).asText());
            ack.send("joined");
        }));
        toClose.add(AdminUi.attach(server, AdminUiOptions.builder()
                .basicAuth("admin", AdminUi.hashPassword(PASSWORD)).serveUi(true).build()));
        server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    private void scenario(String uiUrl, String serverUrl) {
        AdminDriver watched = new AdminDriver(serverUrl);
        toClose.add(watched);
        AdminDriver other = new AdminDriver(serverUrl);
        toClose.add(other);
        watched.send("cmd", "user");
        other.send("cmd", "user");
        String a = watched.await("USER_CONNECT ");
        String b = other.await("USER_CONNECT ");

        ManagedProcess browser = Node.start(Path.of("src/test/node/admin-browser.js"), Map.of(), uiUrl, serverUrl,
                "admin", PASSWORD, "not-the-password", a + "," + b, a);
        toClose.add(browser);
        step(browser, "STEP refused");
        step(browser, "STEP logged-in");
        String listed = step(browser, "STEP listed ");
        assertThat(AdminDriver.parse(listed).toString())
                .isEqualTo("{\"" + a + "\":\"WebSocket\",\"" + b + "\":\"WebSocket\"}");
        assertThat(step(browser, "STEP socket-page ")).isEqualTo("[\"" + a + "\"]");
        step(browser, "READY_FOR_JOIN");
        watched.send("cmd", "user-emit", "event", "join", "args", List.of("lobby"));
        step(browser, "STEP joined-live");
        step(browser, "STEP clicked-disconnect");
        assertThat(watched.await("USER_DISCONNECT ")).isEqualTo("io server disconnect");
        await().atMost(Duration.ofSeconds(20)).until(() -> !server.sockets().sockets().containsKey(a));
        assertThat(server.sockets().sockets()).containsKey(b);
        step(browser, "STEP row-gone");
        step(browser, "DONE");
    }

    /** The rest of the browser's next step line, which must be {@code expected}; fails on its FAIL line. */
    private static String step(ManagedProcess browser, String expected) {
        String line = browser.awaitLine(l -> l.startsWith("STEP ") || l.startsWith("READY_FOR_JOIN")
                || l.startsWith("DONE") || l.startsWith("FAIL "), Duration.ofSeconds(90));
        assertThat(line).as(String.join("\n", browser.output())).startsWith(expected);
        return line.substring(expected.length());
    }
}
