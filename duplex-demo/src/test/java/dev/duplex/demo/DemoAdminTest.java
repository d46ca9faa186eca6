package dev.duplex.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.duplex.testkit.ExternalProgram;
import dev.duplex.testkit.FreePort;
import dev.duplex.testkit.ManagedProcess;
import dev.duplex.testkit.Node;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bin/demo --admin}: the Socket.IO Admin UI attached to the demo with basic auth and served at
 * {@code /admin/} on the demo's port. In headless Chromium the served UI refuses a wrong password, logs in, lists
 * the demo's connected sockets (two Node clients with the demo's token) with their transport, shows one joining a
 * chat room live, and its disconnect button disconnects it. The scripts are duplex-admin-ui's test scripts.
 */
class DemoAdminTest {
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final Path SCRIPTS = Path.of("../duplex-admin-ui/src/test/node");
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private DemoServer demo;

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void adminOptionsFromTheCommandLine() throws Exception {
        DemoOptions o = DemoOptions.parse("--admin", "--admin-user", "boss", "--admin-password", "pw");
        assertThat(o.admin()).isTrue();
        assertThat(o.adminUser()).isEqualTo("boss");
        assertThat(o.adminPassword()).isEqualTo("pw");
        DemoOptions d = DemoOptions.parse("--admin");
        assertThat(d.adminUser()).isEqualTo("admin");
        assertThat(d.adminPassword()).isNull();
        assertThat(DemoOptions.parse().admin()).isFalse();
        assertThatThrownBy(() -> DemoOptions.parse("--admin-password", "pw"))
                .isInstanceOf(DemoOptions.UsageException.class).hasMessageContaining("--admin");
        assertThat(DemoOptions.usage()).contains("--admin");
    }

    @Test
    void withoutAdminThereIsNoAdminUi() throws Exception {
        int port = FreePort.find();
        demo = DemoServer.start(DemoOptions.builder().host("127.0.0.1").port(port).build());
        assertThat(demo.adminPassword()).isNull();
        HttpResponse<String> page = get("http://127.0.0.1:" + port + "/admin/");
        // the demo's own page answers every other path
        assertThat(page.body()).doesNotContain("Socket.IO Admin UI");
        assertThat(demo.io().namespaces()).noneMatch(n -> n.name().equals("/admin"));
    }

    @Test
    @Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
    void theServedAdminUiWatchesTheDemoInHeadlessChromium() throws Exception {
        ExternalProgram.require(CHROMIUM, "--version", "the browser test drives Debian's chromium");
        Node.require();
        int port = FreePort.find();
        demo = DemoServer.start(DemoOptions.builder().host("127.0.0.1").port(port).admin(true).build());
        String base = "http://127.0.0.1:" + port;
        String password = demo.adminPassword();
        assertThat(password).hasSizeGreaterThanOrEqualTo(16);
        HttpResponse<String> ui = get(base + "/admin/");
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).contains("<title>Socket.IO Admin UI</title>");
        assertThat(get(base + "/").body()).doesNotContain("Socket.IO Admin UI");

        ManagedProcess watched = user(base);
        ManagedProcess other = user(base);
        String a = watched.awaitPrefix("USER_CONNECT ", Duration.ofSeconds(30));
        String b = other.awaitPrefix("USER_CONNECT ", Duration.ofSeconds(30));

        ManagedProcess browser = Node.start(SCRIPTS.resolve("admin-browser.js"), Map.of(), base + "/admin/", base,
                "admin", password, password + "-wrong", a + "," + b, a);
        toClose.add(browser);
        step(browser, "STEP refused");
        step(browser, "STEP logged-in");
        assertThat(step(browser, "STEP listed "))
                .isEqualTo("{\"" + a + "\":\"WebSocket\",\"" + b + "\":\"WebSocket\"}");
        step(browser, "STEP socket-page ");
        step(browser, "READY_FOR_JOIN");
        // the demo's own "join room" event
        watched.send("{\"cmd\":\"user-emit\",\"event\":\"join room\",\"args\":[\"lobby\"]}");
        step(browser, "STEP joined-live");
        step(browser, "STEP clicked-disconnect");
        assertThat(watched.awaitPrefix("USER_DISCONNECT ", Duration.ofSeconds(30))).isEqualTo("io server disconnect");
        await().atMost(Duration.ofSeconds(20)).until(() -> !demo.io().sockets().sockets().containsKey(a));
        assertThat(demo.io().sockets().sockets()).containsKey(b);
        step(browser, "STEP row-gone");
        step(browser, "DONE");
    }

    private ManagedProcess user(String base) {
        ManagedProcess p = Node.start(SCRIPTS.resolve("admin-driver.js"), Map.of(), base);
        toClose.add(p);
        p.awaitLine("READY"::equals, Duration.ofSeconds(30));
        p.send("{\"cmd\":\"user\",\"auth\":{\"token\":\"" + DemoOptions.DEFAULT_TOKEN + "\"}}");
        return p;
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String step(ManagedProcess browser, String expected) {
        String line = browser.awaitLine(l -> l.startsWith("STEP ") || l.startsWith("READY_FOR_JOIN")
                || l.startsWith("DONE") || l.startsWith("FAIL "), Duration.ofSeconds(90));
        assertThat(line).as(String.join("\n", browser.output())).startsWith(expected);
        return line.substring(expected.length());
    }
}
