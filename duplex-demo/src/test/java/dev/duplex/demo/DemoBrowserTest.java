package dev.duplex.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.testkit.ExternalProgram;
import dev.duplex.testkit.FreePort;
import dev.duplex.testkit.ManagedProcess;
import dev.duplex.testkit.Node;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Acceptance test of issue #4 in real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core):
 * the demo runs in-process, and {@code src/test/node/demo/browser-e2e.js} opens the pages and reports each step.
 * The script documents which notification each page must see. It asks this test to stop the server and to start
 * it again on the same port, to check the page's disconnect / reconnect_attempt / reconnect display.
 */
class DemoBrowserTest {
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String TOKEN = "s3cret-token";
    private static final List<String> STEPS = List.of(
            "A connected", "A sees \"someone connected\" for B", "B sees \"Alice joined the chat\"",
            "A and B chat", "A sees \"Bob is typing", "rooms:", "the form {nom, age} gets its ack",
            "bad input is refused", "the dashboard numbers move", "a wrong token is refused");

    private volatile DemoServer demo;
    private ManagedProcess browser;

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    private DemoServer startDemo(int port) {
        DemoOptions options = DemoOptions.builder().host("127.0.0.1").port(port).token(TOKEN).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                return DemoServer.start(options);
            } catch (RuntimeException e) {
                // the port of the stopped server may take a moment to be free again
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Test
    @Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
    void theCourseScenarioInHeadlessChromium() {
        ExternalProgram.require(CHROMIUM, "--version", "the browser end-to-end test drives Debian's chromium");
        Node.require();
        int port = FreePort.find();
        demo = startDemo(port);
        browser = Node.start(Path.of("src/test/node/demo/browser-e2e.js"), Map.of(),
                "http://127.0.0.1:" + port, TOKEN);

        for (String step : STEPS) {
            String line = browser.awaitLine(l -> l.startsWith("STEP ") || l.startsWith("FAIL "), Duration.ofSeconds(90));
            assertThat(line).as(String.join("\n", browser.output())).startsWith("STEP " + step);
        }

        String stop = browser.awaitLine(l -> l.equals("STOP_SERVER") || l.startsWith("FAIL "), Duration.ofSeconds(60));
        assertThat(stop).as(String.join("\n", browser.output())).isEqualTo("STOP_SERVER");
        demo.close();
        demo = null;
        browser.send("stopped");

        String down = browser.awaitLine(l -> l.startsWith("STEP ") || l.startsWith("FAIL "), Duration.ofSeconds(90));
        assertThat(down).as(String.join("\n", browser.output()))
                .isEqualTo("STEP both pages show disconnect and reconnect_attempt");
        String start = browser.awaitLine(l -> l.equals("START_SERVER") || l.startsWith("FAIL "), Duration.ofSeconds(60));
        assertThat(start).as(String.join("\n", browser.output())).isEqualTo("START_SERVER");
        demo = startDemo(port);
        browser.send("started");

        for (String step : List.of("both pages show reconnect and are connected again",
                "chat works again after the restart")) {
            String line = browser.awaitLine(l -> l.startsWith("STEP ") || l.startsWith("FAIL "), Duration.ofSeconds(90));
            assertThat(line).as(String.join("\n", browser.output())).isEqualTo("STEP " + step);
        }
        browser.awaitLine(l -> l.equals("DONE") || l.startsWith("FAIL "), Duration.ofSeconds(60));
        assertThat(browser.output()).as(String.join("\n", browser.output())).contains("DONE");
        assertThat(browser.waitFor(Duration.ofSeconds(30))).isZero();
    }
}
