package dev.duplex.micrometer;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class DuplexMetricsTest {

    @Test
    void hooksBecomeMetersInEveryBoundRegistry() {
        DuplexMetrics metrics = new DuplexMetrics(Tags.of("server", "a"));
        // counted before binding, kept
        metrics.connectionOpened("polling");
        metrics.socketConnected("/chat");
        SimpleMeterRegistry first = new SimpleMeterRegistry();
        metrics.bindTo(first);
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        metrics.bindTo(second);

        metrics.upgraded("websocket");
        metrics.connectionOpened("websocket");
        metrics.packetIn("websocket", 10);
        metrics.packetIn("polling", 5);
        metrics.packetOut("websocket", 7);
        metrics.broadcast("/chat");
        metrics.broadcastRecipient();
        metrics.broadcastRecipient();
        metrics.ackSent();
        metrics.ackReceived();
        metrics.ackRoundTrip(TimeUnit.MILLISECONDS.toNanos(3));
        metrics.handlerQueueDelay(1_000);
        metrics.connectError("/nope", "invalid namespace");
        metrics.socketDisconnected("/chat", "client namespace disconnect");
        metrics.connectionClosed("websocket", "transport close");

        for (SimpleMeterRegistry r : new SimpleMeterRegistry[]{first, second}) {
            assertThat(r.get("duplex.connections").tags("server", "a", "transport", "websocket").gauge().value())
                    .isEqualTo(1);
            assertThat(r.get("duplex.connections").tag("transport", "polling").gauge().value()).isZero();
            assertThat(r.get("duplex.connections.opened").tag("transport", "polling").functionCounter().count())
                    .isEqualTo(1);
            assertThat(r.get("duplex.connections.closed").tag("reason", "transport close").functionCounter().count())
                    .isEqualTo(1);
            assertThat(r.get("duplex.upgrades").functionCounter().count()).isEqualTo(1);
            assertThat(r.get("duplex.sockets").tag("namespace", "/chat").gauge().value()).isZero();
            assertThat(r.get("duplex.sockets.connected").tag("namespace", "/chat").functionCounter().count())
                    .isEqualTo(1);
            assertThat(r.get("duplex.sockets.disconnected").tags("namespace", "/chat", "reason",
                    "client namespace disconnect").functionCounter().count()).isEqualTo(1);
            assertThat(r.get("duplex.connect.errors").tag("cause", "invalid namespace").functionCounter().count())
                    .isEqualTo(1);
            assertThat(r.get("duplex.packets.in").tag("transport", "websocket").functionCounter().count()).isEqualTo(1);
            assertThat(r.get("duplex.data.in").tag("transport", "websocket").functionCounter().count()).isEqualTo(10);
            assertThat(r.get("duplex.data.in").tag("transport", "polling").functionCounter().count()).isEqualTo(5);
            assertThat(r.get("duplex.data.out").tag("transport", "websocket").functionCounter().count()).isEqualTo(7);
            assertThat(r.get("duplex.broadcasts").functionCounter().count()).isEqualTo(1);
            assertThat(r.get("duplex.broadcast.recipients").functionCounter().count()).isEqualTo(2);
            assertThat(r.get("duplex.acks.sent").functionCounter().count()).isEqualTo(1);
            assertThat(r.get("duplex.acks.received").functionCounter().count()).isEqualTo(1);
            assertThat(r.get("duplex.ack.round.trip").timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(3);
            assertThat(r.get("duplex.handler.queue.delay").timer().count()).isEqualTo(1);
        }
    }
}
