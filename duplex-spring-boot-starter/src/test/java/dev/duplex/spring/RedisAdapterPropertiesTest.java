package dev.duplex.spring;

import dev.duplex.redis.RedisAdapterFactory;
import dev.duplex.server.SocketIoServer;
import dev.duplex.testkit.RedisServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code duplex.adapter.type=redis}: two auto-configured servers on one real redis-server form a cluster. */
class RedisAdapterPropertiesTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DuplexAutoConfiguration.class))
            .withPropertyValues("duplex.port=0", "duplex.address=127.0.0.1");

    @Test
    void twoServersOnOneRedisSeeEachOther() {
        RedisServer.require();
        try (RedisServer redis = RedisServer.startNew()) {
            ApplicationContextRunner clustered = runner.withPropertyValues("duplex.adapter.type=redis",
                    "duplex.adapter.redis.url=" + redis.uri(), "duplex.adapter.redis.key=spring-test",
                    "duplex.adapter.redis.requests-timeout=3s");
            clustered.run(first -> clustered.run(second -> {
                assertThat(first).hasNotFailed();
                RedisAdapterFactory factory = first.getBean(RedisAdapterFactory.class);
                assertThat(factory.options().key()).isEqualTo("spring-test");
                assertThat(factory.options().requestsTimeout()).isEqualTo(Duration.ofSeconds(3));
                assertThat(first.getBean(SocketIoServer.class).options().adapter()).isSameAs(factory);
                // the in-memory adapter counts one server; here each node sees the other
                Integer count = first.getBean(SocketIoServer.class).sockets().adapter().serverCount()
                        .get(20, TimeUnit.SECONDS);
                assertThat(count).isEqualTo(2);
                List<?> none = second.getBean(SocketIoServer.class).fetchSockets().get(20, TimeUnit.SECONDS);
                assertThat(none).isEmpty();
            }));
        }
    }

    @Test
    void redisWithoutTheModuleFailsClearly() {
        runner.withPropertyValues("duplex.adapter.type=redis")
                .withClassLoader(new FilteredClassLoader(RedisAdapterFactory.class))
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("needs dev.duplex:duplex-redis"));
    }
}
