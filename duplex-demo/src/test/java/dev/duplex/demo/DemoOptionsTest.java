package dev.duplex.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.server.ServerOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {
    @Test
    void defaultsAreTheCourses() throws Exception {
        DemoOptions o = DemoOptions.parse();
        assertThat(o.port()).isEqualTo(8080);
        assertThat(o.path()).isEqualTo("/socket.io/");
        assertThat(o.serveClient()).isTrue();
        assertThat(o.token()).isEqualTo(DemoOptions.DEFAULT_TOKEN);
        assertThat(o.corsOrigins()).isEmpty();
        assertThat(o.cookie()).isNull();
        ServerOptions s = o.serverOptions();
        assertThat(s.path()).isEqualTo("/socket.io/");
        assertThat(s.pingInterval()).isEqualTo(Duration.ofSeconds(25));
        assertThat(s.pingTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.cors()).isNull();
        assertThat(s.cookie()).isNull();
    }

    @Test
    void everyCourseOptionFromTheCommandLine() throws Exception {
        DemoOptions o = DemoOptions.parse("--port", "9090", "--path=/rt", "--cors-origin", "http://a.test,http://b.test",
                "--cors-methods", "get,post,put", "--cors-credentials", "--serve-client", "false", "--ping-interval",
                "300", "--ping-timeout=200", "--cookie", "--token", "t0k", "--transports", "websocket",
                "--connect-timeout", "1000", "--host", "127.0.0.1", "--stats-interval", "500");
        assertThat(o.port()).isEqualTo(9090);
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.path()).isEqualTo("/rt/");
        assertThat(o.corsOrigins()).containsExactly("http://a.test", "http://b.test");
        assertThat(o.corsMethods()).containsExactly("GET", "POST", "PUT");
        assertThat(o.corsCredentials()).isTrue();
        assertThat(o.serveClient()).isFalse();
        assertThat(o.cookie()).isEqualTo("io");
        assertThat(o.token()).isEqualTo("t0k");
        assertThat(o.statsInterval()).isEqualTo(Duration.ofMillis(500));
        ServerOptions s = o.serverOptions();
        assertThat(s.path()).isEqualTo("/rt/");
        assertThat(s.serveClient()).isFalse();
        assertThat(s.pingInterval()).isEqualTo(Duration.ofMillis(300));
        assertThat(s.pingTimeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofMillis(1000));
        assertThat(s.transports()).containsExactly("websocket");
        assertThat(s.cors().origins()).containsExactly("http://a.test", "http://b.test");
        assertThat(s.cors().methods()).containsExactly("GET", "POST", "PUT");
        assertThat(s.cors().credentials()).isTrue();
        assertThat(s.cookie().name()).isEqualTo("io");

        assertThat(DemoOptions.parse("--cookie", "sid").cookie()).isEqualTo("sid");
        assertThat(DemoOptions.parse("--cookie=false").cookie()).isNull();
        assertThat(DemoOptions.parse("--no-token").token()).isNull();
        assertThat(DemoOptions.parse("--serve-client").serveClient()).isTrue();
        assertThat(DemoOptions.parse("--cors-origin", "*").serverOptions().cors().origin()).isEqualTo("*");
        assertThat(DemoOptions.parse("--port", "0").port()).isZero();
    }

    @Test
    void helpAndErrors() {
        assertThat(DemoOptions.usage()).contains("--port", "--path", "--cors-origin", "--cors-methods",
                "--serve-client", "--ping-interval", "--ping-timeout", "--cookie", "--token", "--help");
        assertThat(List.of("--help", "-h")).allSatisfy(h -> {
            try {
                assertThat(DemoOptions.parse("--port", "1", h)).isNull();
            } catch (DemoOptions.UsageException e) {
                throw new AssertionError(e);
            }
        });
        for (String[] bad : new String[][] {{"--port"}, {"--port", "x"}, {"--port", "70000"}, {"--bogus"},
            {"--serve-client", "maybe"}, {"--ping-interval", "-5"}, {"--transports", "carrier-pigeon"}, {"--path", "/"},
            {"--static", "/no/such/dir"}}) {
            assertThatThrownBy(() -> DemoOptions.parse(bad)).as(String.join(" ", bad))
                    .isInstanceOf(DemoOptions.UsageException.class).hasMessageNotContaining("null");
        }
    }
}
