package dev.duplex.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Malformed Socket.IO input from raw Engine.IO clients: the offending connection is closed with "parse error" and
 * another connected client keeps working; a throwing handler keeps its connection.
 */
class BadInputTest {
    private SocketIoServer io;
    private final Map<String, String> reasons = new ConcurrentHashMap<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private RawEngineClient good;
    private String goodId;

    @BeforeEach
    void start() {
        io = TestServers.start(ServerOptions.builder().connectTimeout(Duration.ofMillis(500)).build());
        io.onConnection(s -> {
            s.onDisconnect(r -> reasons.put(s.id(), r));
            s.onError(errors::add);
            s.on("ping", args -> "pong");
            s.on("boom", (args, ack) -> {
                throw new IllegalStateException("handler failure");
            });
            s.use((packet, next) -> next.accept(packet.event().equals("forbidden")
                    ? new IllegalArgumentException("middleware says no") : null));
        });
        io.of("/other").onConnection(s -> s.onDisconnect(r -> reasons.put(s.id(), r)));
        good = RawEngineClient.connected(io.port(), "/");
        goodId = good.socketId("/");
    }

    @AfterEach
    void stop() {
        if (good != null) {
            good.close();
        }
        io.close();
    }

    private void assertGoodClientStillWorks() {
        int before = (int) good.texts().stream().filter(t -> t.startsWith("43")).count();
        good.sendText("421[\"ping\"]");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> good.texts().stream().filter(t -> t.equals("431[\"pong\"]")).count() > before);
        assertThat(reasons).doesNotContainKey(goodId);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "4abc",                                   // unknown packet type
            "42{}",                                   // event payload not an array
            "42[]",                                   // empty event array
            "42[{}]",                                 // event name not a string
            "42[\"connect\"]",                        // reserved name
            "42[\"disconnecting\",1]",                // reserved name
            "42abc[\"ping\"]",                        // bad ack id
            "42-1[\"ping\"]",                         // negative ack id
            "4299999999999999999999[\"ping\"]",       // ack id out of range
            "43[1]",                                  // ack without id
            "4511-[\"x\"]",                           // too many attachments
            "45x-[\"x\"]",                            // bad attachment count
            "42[\"ping\"",                            // truncated JSON
            "42[\"ping\"]garbage",                    // trailing garbage
            "42/nope,[\"ping\"]",                     // namespace not joined
            "40",                                     // second CONNECT
            "41/other,",                              // DISCONNECT for a namespace not joined
            "44{\"message\":\"x\"}",                  // CONNECT_ERROR from a client
            "40/other,\"not-an-object\"",             // CONNECT payload that is not an object
            "41{}",                                   // DISCONNECT with a payload
            "46-[\"x\"]",                              // BINARY_ACK without id
    })
    void malformedPacketClosesOnlyThatConnectionWithParseError(String frame) {
        RawEngineClient bad = RawEngineClient.connected(io.port(), "/");
        String badId = bad.socketId("/");
        bad.sendText(frame);
        bad.awaitClosed();
        await().atMost(Duration.ofSeconds(10)).until(() -> reasons.containsKey(badId));
        assertThat(reasons.get(badId)).isEqualTo("parse error");
        assertGoodClientStillWorks();
    }

    @Test
    void binaryFrameWithNothingToAttachTo() {
        RawEngineClient bad = RawEngineClient.connected(io.port(), "/");
        String badId = bad.socketId("/");
        bad.sendBinary(new byte[]{1, 2, 3});
        bad.awaitClosed();
        await().atMost(Duration.ofSeconds(10)).until(() -> reasons.containsKey(badId));
        assertThat(reasons.get(badId)).isEqualTo("parse error");
        assertGoodClientStillWorks();
    }

    @Test
    void newTextPacketWhileAttachmentsAreAwaited() {
        RawEngineClient bad = RawEngineClient.connected(io.port(), "/");
        String badId = bad.socketId("/");
        bad.sendText("451-[\"ping\",{\"_placeholder\":true,\"num\":0}]");
        bad.sendText("42[\"ping\"]");
        bad.awaitClosed();
        await().atMost(Duration.ofSeconds(10)).until(() -> reasons.containsKey(badId));
        assertThat(reasons.get(badId)).isEqualTo("parse error");
        assertGoodClientStillWorks();
    }

    @Test
    void everyNamespaceOfTheOffendingConnectionGetsParseError() {
        RawEngineClient bad = RawEngineClient.connected(io.port(), "/");
        String mainId = bad.socketId("/");
        bad.sendText("40/other,");
        String otherId = bad.socketId("/other");
        bad.sendText("4abc");
        bad.awaitClosed();
        await().atMost(Duration.ofSeconds(10)).until(() -> reasons.containsKey(mainId) && reasons.containsKey(otherId));
        assertThat(reasons).containsEntry(mainId, "parse error").containsEntry(otherId, "parse error");
        assertGoodClientStillWorks();
    }

    @Test
    void packetBeforeAnyConnectClosesTheConnection() {
        RawEngineClient bad = new RawEngineClient(io.port());
        bad.sendText("42[\"ping\"]");
        bad.awaitClosed();
        assertGoodClientStillWorks();
    }

    @Test
    void noConnectWithinConnectTimeoutClosesTheConnection() {
        RawEngineClient idle = new RawEngineClient(io.port());
        idle.awaitClosed();
        assertGoodClientStillWorks();
    }

    @Test
    void unknownNamespaceIsRefusedAndTheConnectionStays() {
        good.sendText("40/random,");
        good.awaitText(t -> t.equals("44/random,{\"message\":\"Invalid namespace\"}"));
        assertGoodClientStillWorks();
    }

    @Test
    void throwingHandlerKeepsTheConnectionAndReachesErrorListeners() {
        good.sendText("42[\"boom\"]");
        await().atMost(Duration.ofSeconds(10)).until(() -> !errors.isEmpty());
        assertThat(errors.get(0)).isInstanceOf(IllegalStateException.class).hasMessage("handler failure");
        assertGoodClientStillWorks();
        assertThat(good.closed).isFalse();
    }

    @Test
    void packetMiddlewareErrorReachesErrorListenersAndDropsThePacket() {
        good.sendText("427[\"forbidden\"]");
        await().atMost(Duration.ofSeconds(10)).until(() -> !errors.isEmpty());
        assertThat(errors.get(0)).isInstanceOf(IllegalArgumentException.class).hasMessage("middleware says no");
        assertGoodClientStillWorks();
        assertThat(good.texts()).noneMatch(t -> t.startsWith("437"));
    }
}
