package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The official socket.io-client connecting as browsers do (polling, then the upgrade) while events flow both
 * ways, with handlers on the event loop: after the upgrade the handlers run on the WebSocket's loop, the
 * connection having moved there, and nothing is lost or reordered.
 */
class UpgradeLoopInteropTest extends NodeInteropBase {
    @Test
    void handlersOnTheEventLoopFollowTheUpgradeToTheWebSocketsLoop() {
        int count = 200;
        io = TestServers.start(ServerOptions.builder().handlersOnEventLoop(true).ioThreads(3).build());
        AtomicReference<Socket> socket = new AtomicReference<>();
        AtomicReference<EventLoop> connectedOn = new AtomicReference<>();
        List<Integer> received = new CopyOnWriteArrayList<>();
        List<Thread> handledOn = new CopyOnWriteArrayList<>();
        io.onConnection(s -> {
            connectedOn.set(s.client().conn.eventLoop());
            socket.set(s);
            s.on("seq", (args, ack) -> {
                int i = args.get(0).asInt();
                received.add(i);
                handledOn.add(Thread.currentThread());
                s.emit("seq", i);
            });
        });
        node = new NodeDriver(io.port());
        for (int attempt = 1; ; attempt++) {
            // connections are spread over the loops in turn; with three loops, a client that opens two or three
            // connections (handshake, long-poll, WebSocket) has its WebSocket on another loop than its handshake
            assertThat(attempt).as("a connection with its WebSocket on another loop than its polling").isLessThan(10);
            String name = "c" + attempt;
            received.clear();
            handledOn.clear();
            node.send("connect", "name", name, "nsp", "/", "transports", List.of("polling", "websocket"));
            // no wait: the events flow over polling, during the upgrade and after it
            for (int i = 0; i < count; i++) {
                node.send("emit", "name", name, "event", "seq", "args", List.of(i));
            }
            node.expect("upgrade", name);
            await().atMost(Duration.ofSeconds(20)).until(() -> node.events(name, "seq").size() == count
                    && received.size() == count);
            List<Integer> echoed = new ArrayList<>();
            node.events(name, "seq").forEach(e -> echoed.add(e.get("args").get(0).asInt()));
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                expected.add(i);
            }
            assertThat(received).isEqualTo(expected);
            assertThat(echoed).isEqualTo(expected);
            EventLoop now = socket.get().client().conn.eventLoop();
            if (now == connectedOn.get()) {
                node.send("disconnect", "name", name);
                continue;
            }
            // events emitted once the upgrade is done are handled on the WebSocket's loop
            received.clear();
            handledOn.clear();
            for (int i = 0; i < count; i++) {
                node.send("emit", "name", name, "event", "seq", "args", List.of(i));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == count);
            assertThat(received).isEqualTo(expected);
            assertThat(handledOn).allMatch(now::inEventLoop);
            return;
        }
    }
}
