package dev.duplex.spring;

import dev.duplex.micrometer.DuplexMetrics;
import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class DuplexAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DuplexMetricsAutoConfiguration.class,
                    DuplexAutoConfiguration.class))
            .withPropertyValues("duplex.port=0", "duplex.address=127.0.0.1");

    @Test
    void propertiesBecomeServerOptions() {
        runner.withPropertyValues("duplex.path=/io/", "duplex.ping-interval=5s", "duplex.ping-timeout=3s",
                "duplex.transports=websocket", "duplex.serve-client=false", "duplex.cors.origins=https://a.example",
                "duplex.cors.credentials=true", "duplex.cookie.name=io", "duplex.connect-timeout=7s",
                "duplex.max-http-buffer-size=1000", "duplex.handler-threads=3", "duplex.allow-eio3=true",
                "duplex.cleanup-empty-child-namespaces=true",
                "duplex.connection-state-recovery.enabled=true",
                "duplex.connection-state-recovery.max-disconnection-duration=30s",
                "duplex.connection-state-recovery.skip-middlewares=false").run(context -> {
                    assertThat(context).hasNotFailed();
                    ServerOptions o = context.getBean(SocketIoServer.class).options();
                    assertThat(o.path()).isEqualTo("/io/");
                    assertThat(o.pingInterval()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(o.pingTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(o.transports()).isEqualTo(Set.of("websocket"));
                    assertThat(o.serveClient()).isFalse();
                    assertThat(o.cors().origin()).isEqualTo("https://a.example");
                    assertThat(o.cors().credentials()).isTrue();
                    assertThat(o.cookie().name()).isEqualTo("io");
                    assertThat(o.connectTimeout()).isEqualTo(Duration.ofSeconds(7));
                    assertThat(o.maxHttpBufferSize()).isEqualTo(1000);
                    assertThat(o.handlerThreads()).isEqualTo(3);
                    assertThat(o.allowEIO3()).isTrue();
                    assertThat(o.cleanupEmptyChildNamespaces()).isTrue();
                    assertThat(o.connectionStateRecovery().maxDisconnectionDuration())
                            .isEqualTo(Duration.ofSeconds(30));
                    assertThat(o.connectionStateRecovery().skipMiddlewares()).isFalse();
                    // started with the context, on a free port
                    assertThat(context.getBean(DuplexServerLifecycle.class).isRunning()).isTrue();
                    assertThat(context.getBean(SocketIoServer.class).port()).isPositive();
                });
    }

    @Test
    void customizersRunAfterTheProperties() {
        runner.withPropertyValues("duplex.max-attachments=3")
                .withBean(ServerOptionsCustomizer.class, () -> b -> b.maxAttachments(2))
                .run(context -> assertThat(context.getBean(ServerOptions.class).maxAttachments()).isEqualTo(2));
    }

    @Test
    void metricsAreTheServersInstrumentationWhenMicrometerIsThere() {
        runner.run(context -> {
            DuplexMetrics metrics = context.getBean(DuplexMetrics.class);
            assertThat(context.getBean(ServerOptions.class).instrumentation()).isSameAs(metrics);
        });
        runner.withClassLoader(new FilteredClassLoader(DuplexMetrics.class)).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean("duplexMetrics");
            assertThat(context.getBean(ServerOptions.class).instrumentation()).isNull();
        });
        runner.withPropertyValues("duplex.metrics.enabled=false").run(context ->
                assertThat(context.getBean(ServerOptions.class).instrumentation()).isNull());
    }

    @Test
    void disabledOrUnknownAdapter() {
        runner.run(context -> assertThat(context.getBean(ServerOptions.class).connectionStateRecovery()).isNull());
        runner.withPropertyValues("duplex.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean(SocketIoServer.class));
        runner.withPropertyValues("duplex.adapter.type=hazelcast").run(context ->
                assertThat(context).hasFailed().getFailure().hasStackTraceContaining("duplex.adapter.type=hazelcast"));
    }

    @Test
    void configurationMetadataForIdes() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(json).contains("\"duplex.port\"", "\"duplex.cors.origins\"", "\"duplex.ssl.certificate\"",
                    "\"duplex.ping-interval\"", "\"duplex.metrics.enabled\"", "\"duplex.adapter.type\"");
        }
    }
}
