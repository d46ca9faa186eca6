package dev.duplex.redis;

import dev.duplex.redis.ClusterHarness.Clients;
import dev.duplex.redis.ClusterHarness.ClusterNode;
import dev.duplex.redis.ClusterHarness.DuplexNode;
import dev.duplex.redis.ClusterHarness.NodeNode;
import dev.duplex.redis.ShardedRedisAdapterOptions.SubscriptionMode;
import dev.duplex.testkit.Node;
import dev.duplex.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.duplex.redis.ClusterHarness.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The other subscription modes of the sharded adapter, each with a Duplex and a Node node in the same mode:
 * {@code dynamic-private} (a channel per socket id too, used to reach one socket) and {@code static} (the main
 * channel only).
 */
class ShardedSubscriptionModesTest {

    private static long shardNumSub(RedisServer redis, String channel) {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().pubsubShardNumsub(channel).values().stream().mapToLong(Long::longValue).sum();
        } finally {
            client.shutdown();
        }
    }

    private static void run(SubscriptionMode mode) {
        Node.require();
        try (RedisServer redis = RedisServer.startNew();
             DuplexNode d1 = new DuplexNode("d1", ShardedRedisAdapterFactory.create(redis.uri(),
                     ShardedRedisAdapterOptions.builder().subscriptionMode(mode).build()), null);
             NodeNode n1 = new NodeNode("n1", redis.uri(), Map.of("ADAPTER", "sharded",
                     "SUBSCRIPTION_MODE", mode.value()));
             Clients clients = new Clients()) {
            ClusterHarness.awaitServers(redis, 2, true, "socket.io#", "/");
            String cd = clients.connect("cd", d1, "/", "room");
            String cn = clients.connect("cn", n1, "/", "room");
            long perId = mode == SubscriptionMode.DYNAMIC_PRIVATE ? 1 : 0;
            long perRoom = mode == SubscriptionMode.STATIC ? 0 : 2;
            await().atMost(WAIT).until(() -> shardNumSub(redis, "socket.io#/#" + cd + "#") == perId
                    && shardNumSub(redis, "socket.io#/#" + cn + "#") == perId
                    && shardNumSub(redis, "socket.io#/#room#") == perRoom);
            for (ClusterNode from : List.of(d1, n1)) {
                String toCn = "to-cn-" + from.name();
                String toCd = "to-cd-" + from.name();
                String toRoom = "to-room-" + from.name();
                from.emitTo("/", List.of(cn), List.of(), false, false, toCn);
                from.emitTo("/", List.of(cd), List.of(), false, false, toCd);
                from.emitTo("/", List.of("room"), List.of(), false, false, toRoom);
                clients.awaitEvent("cn", toCn);
                clients.awaitEvent("cd", toCd);
                clients.awaitEvent("cn", toRoom);
                clients.awaitEvent("cd", toRoom);
                assertThat(clients.receivers(toCn)).containsExactly("cn");
                assertThat(clients.receivers(toCd)).containsExactly("cd");
            }
        }
    }

    @Test
    void dynamicPrivateUsesSocketIdChannels() {
        run(SubscriptionMode.DYNAMIC_PRIVATE);
    }

    @Test
    void staticUsesTheMainChannelOnly() {
        run(SubscriptionMode.STATIC);
    }
}
