package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The benchmark's broadcast scenario in small: every client joins a room through an acked {@code join} event, then
 * one of them emits {@code bcast} and its handler broadcasts to the room except the sender. Every other member must
 * get every broadcast, in both threading modes.
 */
class RoomBroadcastTest {
    private static final int MEMBERS = 150;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyMemberGetsEveryBroadcast(boolean onEventLoop) {
        SocketIoServer io = TestServers.start(ServerOptions.builder().ioThreads(1).handlersOnEventLoop(onEventLoop)
                .build());
        List<RawEngineClient> clients = new ArrayList<>();
        try {
            io.onConnection(socket -> {
                socket.on("join", (List<JsonNode> a, Ack ack) -> {
                    socket.join(a.get(0).asText());
                    ack.send();
                });
                socket.on("bcast", (List<JsonNode> a, Ack ack) -> socket.to(a.get(0).asText()).emit("bcast", a.get(1)));
            });
            for (int i = 0; i < MEMBERS; i++) {
                clients.add(RawEngineClient.connected(io.port(), "/"));
            }
            for (RawEngineClient c : clients) {
                c.sendText("420[\"join\",\"room-1\"]");
            }
            for (RawEngineClient c : clients) {
                c.awaitText("430[]"::equals);
            }
            RawEngineClient sender = clients.get(0);
            for (int round = 0; round < 3; round++) {
                sender.sendText("42[\"bcast\",\"room-1\",\"m" + round + "\"]");
            }
            String[] expected = {"42[\"bcast\",\"m0\"]", "42[\"bcast\",\"m1\"]", "42[\"bcast\",\"m2\"]"};
            for (RawEngineClient c : clients.subList(1, clients.size())) {
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).atMost(Duration.ofSeconds(10)).until(() -> c.texts().stream()
                        .filter(t -> t.startsWith("42[\"bcast\"")).count() == expected.length);
                assertThat(c.texts().stream().filter(t -> t.startsWith("42[\"bcast\"")).toList())
                        .containsExactly(expected);
            }
            assertThat(sender.texts()).noneMatch(t -> t.startsWith("42[\"bcast\""));
        } finally {
            clients.forEach(RawEngineClient::close);
            io.close();
        }
    }
}
