package dev.duplex.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.server.Ack;
import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;
import dev.duplex.testkit.FreePort;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scale scenario's generator against an in-process Duplex server with the contender's handlers and a short
 * heartbeat: it answers every ping, every broadcast reaches every other connection, and a generator that does not
 * answer pings is reported with heartbeat misses.
 */
class ScaleLoadTest {
    private static SocketIoServer server(int port, Duration pingInterval, Duration pingTimeout) {
        SocketIoServer server = SocketIoServer.create(ServerOptions.builder().ioThreads(1)
                .pingInterval(pingInterval).pingTimeout(pingTimeout).build());
        server.onConnection(socket -> {
            socket.on("join", (List<JsonNode> a, Ack ack) -> {
                socket.join(a.get(0).asText());
                if (ack != null) {
                    ack.send();
                }
            });
            socket.on("bcast", (List<JsonNode> a, Ack ack) -> socket.to(a.get(0).asText()).emit("bcast", a.get(1)));
        });
        server.start(new InetSocketAddress("127.0.0.1", port));
        return server;
    }

    private static ScaleLoad.Settings settings(int connections, Duration hold, Duration deadline, boolean answer) {
        return new ScaleLoad.Settings(connections, 50, 2, Duration.ofSeconds(10), Duration.ofSeconds(30), hold,
                Duration.ofMillis(500), Duration.ofMillis(200), deadline, answer);
    }

    @Test
    void holdsTheConnectionsAnswersEveryPingAndEveryBroadcastReachesEveryoneElse() {
        int port = FreePort.find();
        SocketIoServer server = server(port, Duration.ofMillis(400), Duration.ofSeconds(3));
        try (ScaleLoad load = new ScaleLoad(new InetSocketAddress("127.0.0.1", port),
                settings(300, Duration.ofSeconds(3), Duration.ofSeconds(10), true))) {
            ScaleLoad.Result r = load.run(() -> true, line -> { });
            assertThat(r.reached()).isEqualTo(300);
            assertThat(r.connectFailures()).isZero();
            assertThat(r.openAtEnd()).isEqualTo(300);
            assertThat(r.heartbeatMisses()).isZero();
            assertThat(r.pings()).isPositive().isEqualTo(r.pongs());
            assertThat(r.minPings()).isPositive();
            assertThat(r.broadcasts()).hasSizeGreaterThanOrEqualTo(3)
                    .allSatisfy(b -> {
                        assertThat(b.receivers()).isEqualTo(299);
                        assertThat(b.complete()).isTrue();
                    });
            assertThat(r.reachMillis()).hasSize(r.broadcasts().size());
            for (double ms : r.reachMillis()) {
                assertThat(ms).isPositive();
            }
            assertThat(r.broadcasts()).allSatisfy(b -> assertThat(b.firstMillis()).isPositive()
                    .isLessThanOrEqualTo(b.reachMillis()));
            assertThat(r.selfDeliveries()).isZero();
        } finally {
            server.close();
        }
    }

    @Test
    void connectionsClosedForUnansweredPingsAreHeartbeatMisses() {
        int port = FreePort.find();
        // the first ping 2 s after the handshake, so that the ramp of 40 connections is over before any is dropped
        SocketIoServer server = server(port, Duration.ofSeconds(2), Duration.ofMillis(500));
        try (ScaleLoad load = new ScaleLoad(new InetSocketAddress("127.0.0.1", port),
                settings(40, Duration.ofSeconds(5), Duration.ofSeconds(30), false))) {
            ScaleLoad.Result r = load.run(() -> true, line -> { });
            assertThat(r.closedDuringHold() + r.connectFailures()).isEqualTo(40);
            assertThat(r.closedDuringHold()).isPositive();
            assertThat(r.heartbeatMisses()).isEqualTo(r.closedDuringHold());
            assertThat(r.openAtEnd()).isZero();
            assertThat(r.pongs()).isZero();
            assertThat(r.pings()).isPositive();
        } finally {
            server.close();
        }
    }
}
