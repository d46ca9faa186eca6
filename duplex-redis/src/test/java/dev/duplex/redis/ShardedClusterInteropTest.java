package dev.duplex.redis;

import dev.duplex.redis.ClusterHarness.DuplexNode;
import dev.duplex.redis.ClusterHarness.NodeNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.duplex.redis.ClusterHarness.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cross-node matrix with the sharded adapter: Duplex {@link ShardedRedisAdapter}s and Node servers with
 * {@code @socket.io/redis-adapter} 8.3.0 {@code createShardedAdapter} (subscriptionMode dynamic) on one redis-server.
 */
class ShardedClusterInteropTest extends CrossNodeMatrix {

    @Override
    DuplexNode duplexNode(String name) {
        return new DuplexNode(name, ShardedRedisAdapterFactory.create(redis.uri(), ShardedRedisAdapterOptions.defaults()),
                null);
    }

    @Override
    NodeNode nodeNode(String name) {
        return new NodeNode(name, redis.uri(), Map.of("ADAPTER", "sharded"));
    }

    @Override
    void awaitServers() {
        ClusterHarness.awaitServers(redis, 4, true, "socket.io#", "/", "/chat");
    }

    @Override
    void awaitRoom(String room, int servers) {
        await("servers in " + room).atMost(WAIT).until(() -> shardNumSub("socket.io#/#" + room + "#") == servers);
    }

    private long shardNumSub(String channel) {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().pubsubShardNumsub(channel).values().stream().mapToLong(Long::longValue).sum();
        } finally {
            client.shutdown();
        }
    }

    @Test
    void duplexSubscribesToPublicRoomChannelsOnlyAndLeavesThemWhenEmpty() {
        ShardedRedisAdapter adapter = (ShardedRedisAdapter) d1.io.of("/").adapter();
        assertThat(adapter.roomChannels()).containsExactly("r1");
        assertThat(shardNumSub("socket.io#/#" + ids.get("cd1") + "#")).isZero();
        assertThat(d1.io.of("/").adapter().serverCount().join()).isEqualTo(4);
        String room = event("temp");
        d1.socketsJoin(java.util.List.of("r1"), room);
        awaitRoom(room, 2);
        d1.socketsLeave(java.util.List.of(room), room);
        awaitRoom(room, 0);
        assertThat(adapter.roomChannels()).containsExactly("r1");
    }
}
