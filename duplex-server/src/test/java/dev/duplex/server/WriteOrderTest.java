package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Writes from the handler lanes and from other threads reach the event loop through one queue per connection,
 * drained in batches: each thread's packets keep their order, and a close requested after them comes after them.
 */
class WriteOrderTest {

    @Test
    void burstsFromTheLaneAndFromOtherThreadsKeepTheirOrderAndPrecedeTheClose() throws Exception {
        SocketIoServer io = TestServers.start(ServerOptions.builder().ioThreads(1).build());
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            io.onConnection(socket -> socket.on("burst", (List<JsonNode> a, Ack ack) -> {
                other.execute(() -> {
                    for (int i = 0; i < 300; i++) {
                        socket.emit("o", i);
                    }
                });
                for (int i = 0; i < 300; i++) {
                    socket.emit("l", i);
                }
                ack.send("done");
            }));
            try (RawEngineClient d = RawEngineClient.connected(io.port(), "/")) {
                d.sendText("421[\"burst\"]");
                d.awaitText("431[\"done\"]"::equals);
                d.awaitText("42[\"o\",299]"::equals);
                List<String> lane = new ArrayList<>();
                List<String> fromOther = new ArrayList<>();
                for (String t : d.texts()) {
                    if (t.startsWith("42[\"l\",")) {
                        lane.add(t);
                    } else if (t.startsWith("42[\"o\",")) {
                        fromOther.add(t);
                    }
                }
                List<String> expectedLane = new ArrayList<>();
                List<String> expectedOther = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    expectedLane.add("42[\"l\"," + i + "]");
                    expectedOther.add("42[\"o\"," + i + "]");
                }
                assertThat(lane).isEqualTo(expectedLane);
                assertThat(fromOther).isEqualTo(expectedOther);
                // the lane's events were all queued before its ack
                assertThat(d.texts().indexOf("431[\"done\"]")).isGreaterThan(d.texts().indexOf("42[\"l\",299]"));
            }

            io.onConnection(socket -> socket.on("bye", (List<JsonNode> a, Ack ack) -> {
                for (int i = 0; i < 200; i++) {
                    socket.emit("b", i);
                }
                socket.disconnect(true);
            }));
            try (RawEngineClient e = RawEngineClient.connected(io.port(), "/")) {
                e.sendText("42[\"bye\"]");
                e.awaitClosed();
                List<String> got = e.texts().stream().filter(t -> t.startsWith("42[\"b\",")).toList();
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    expected.add("42[\"b\"," + i + "]");
                }
                assertThat(got).isEqualTo(expected);
            }
        } finally {
            other.shutdown();
            other.awaitTermination(5, TimeUnit.SECONDS);
            io.close();
        }
    }
}
