package dev.duplex.redis;

import dev.duplex.redis.ClusterHarness.DuplexNode;
import dev.duplex.redis.ClusterHarness.NodeNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cross-node matrix with the streams adapter: Duplex {@link RedisStreamsAdapter}s and Node servers with
 * {@code @socket.io/redis-streams-adapter} 0.3.1 on one redis-server.
 */
class StreamsClusterInteropTest extends CrossNodeMatrix {

    @Override
    DuplexNode duplexNode(String name) {
        return new DuplexNode(name, RedisStreamsAdapterFactory.create(redis.uri(), RedisStreamsAdapterOptions.builder()
                .blockTime(Duration.ofSeconds(1)).build()), null);
    }

    @Override
    NodeNode nodeNode(String name) {
        return new NodeNode(name, redis.uri(), Map.of("ADAPTER", "streams"));
    }

    @Override
    void awaitServers() {
        ClusterHarness.awaitServers(redis, 4, false, "socket.io#", "/", "/chat");
    }

    @Test
    void broadcastsAreEntriesOfTheStream() {
        String ev = event("in-stream");
        d1.emit(ev, 1);
        assertReceivers(d1, ev, ALL);
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            assertThat(c.sync().xrevrange("socket.io", io.lettuce.core.Range.create("-", "+"),
                    io.lettuce.core.Limit.from(200)).stream().anyMatch(e -> e.getBody().getOrDefault("data", "")
                    .contains(ev) && e.getBody().get("uid").equals(d1.io.of("/").adapter() instanceof
                    RedisStreamsAdapter a ? a.uid() : "?"))).isTrue();
        } finally {
            client.shutdown();
        }
    }

    @Test
    void malformedEntriesAndMessagesAreIgnored() {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().xadd("socket.io", Map.of("uid", "x", "type", "3"));
            c.sync().xadd("socket.io", Map.of("uid", "x", "nsp", "/", "type", "three"));
            c.sync().xadd("socket.io", Map.of("uid", "x", "nsp", "/", "type", "3", "data", "{not json"));
            c.sync().xadd("socket.io", Map.of("uid", "x", "nsp", "/", "type", "3", "data", "!!not base64"));
            c.sync().xadd("socket.io", Map.of("uid", "x", "nsp", "/", "type", "4", "data", "[1,2]"));
            c.sync().publish("socket.io#/#", "{\"type\":9}");
            c.sync().publish("socket.io#/#", "\u00c1garbage");
        } finally {
            client.shutdown();
        }
        String ev = event("after-junk");
        d2.emit(ev, "ok");
        assertReceivers(d2, ev, ALL);
    }
}
