package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The per-delivery work of a room broadcast, counted deterministically (never timed): the bytes the event loop
 * allocates for each further member of a room, from broadcasts to a room of {@value #BIG} and one of {@value #SMALL}
 * WebSocket members (the difference divided by the difference in members, so what a broadcast costs once, such as the
 * encoding and the leak detector of the tests on the first recipients' copies, cancels out), measured around {@code
 * socket.to(room).emit(...)} in a handler on the event loop (every member on the same loop, so every write and flush
 * happens inside the call). The packet is encoded once and the frame is shared; what is left per member is one
 * buffer object for its channel (as the bare-Netty ceiling's {@code retainedDuplicate()}) and the transport's own
 * per-write object. The bound fails the earlier path: a set entry per member to de-duplicate the members of one room,
 * three objects and a reference count per member to wrap the shared direct frame, an iterator over the (empty)
 * attachments: about 300 bytes per member.
 */
class BroadcastDeliveryCostTest {
    private static final int BIG = 100;
    private static final int SMALL = 20;
    private static final int ROUNDS = 30;
    /** Bytes per further member allowed: one small buffer object, the transport's per-write object, some slack. */
    static final long MAX_BYTES_PER_MEMBER = 128;

    @Test
    void aFurtherMemberCostsAtMostOneSmallBufferObject() {
        SocketIoServer io = TestServers.start(ServerOptions.builder().ioThreads(1).handlersOnEventLoop(true).build());
        List<RawEngineClient> clients = new ArrayList<>();
        Map<String, List<Long>> allocated = new ConcurrentHashMap<>();
        AtomicInteger broadcasts = new AtomicInteger();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try {
            io.onConnection(socket -> {
                socket.on("join", (List<JsonNode> a, Ack ack) -> {
                    socket.join(a.get(0).asText());
                    ack.send();
                });
                socket.on("bcast", (List<JsonNode> a, Ack ack) -> {
                    String room = a.get(0).asText();
                    JsonNode payload = a.get(1);
                    long before = threads.getCurrentThreadAllocatedBytes();
                    socket.to(room).emit("bcast", payload);
                    long bytes = threads.getCurrentThreadAllocatedBytes() - before;
                    allocated.computeIfAbsent(room, r -> new CopyOnWriteArrayList<>()).add(bytes);
                    broadcasts.incrementAndGet();
                });
            });
            // the sender (client 0) is in both rooms and excluded from both broadcasts
            for (int i = 0; i <= BIG; i++) {
                clients.add(RawEngineClient.connected(io.port(), "/"));
            }
            for (int i = 0; i < clients.size(); i++) {
                clients.get(i).sendText("420[\"join\",\"big\"]");
                if (i <= SMALL) {
                    clients.get(i).sendText("421[\"join\",\"small\"]");
                }
            }
            for (int i = 0; i < clients.size(); i++) {
                clients.get(i).awaitText("430[]"::equals);
                if (i <= SMALL) {
                    clients.get(i).awaitText("431[]"::equals);
                }
            }
            RawEngineClient sender = clients.get(0);
            for (int round = 0; round < ROUNDS; round++) {
                for (String room : List.of("big", "small")) {
                    int done = broadcasts.get() + 1;
                    sender.sendText("42[\"bcast\",\"" + room + "\",\"" + room + round + "\"]");
                    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
                            .until(() -> broadcasts.get() == done);
                }
            }
            for (int i = 1; i < clients.size(); i++) {
                RawEngineClient c = clients.get(i);
                c.awaitText(("42[\"bcast\",\"big" + (ROUNDS - 1) + "\"]")::equals);
                if (i <= SMALL) {
                    // the last round's small broadcast is sent after its big one: await it too
                    c.awaitText(("42[\"bcast\",\"small" + (ROUNDS - 1) + "\"]")::equals);
                }
                long expected = i <= SMALL ? 2L * ROUNDS : ROUNDS;
                assertThat(c.texts().stream().filter(t -> t.startsWith("42[\"bcast\"")).count()).isEqualTo(expected);
            }
            assertThat(sender.texts()).noneMatch(t -> t.startsWith("42[\"bcast\""));
            // the least of the rounds: the interpreter and the JIT's first tiers allocate what C2 later removes
            long big = allocated.get("big").stream().mapToLong(Long::longValue).min().orElseThrow();
            long small = allocated.get("small").stream().mapToLong(Long::longValue).min().orElseThrow();
            double perMember = (double) (big - small) / (BIG - SMALL);
            System.out.printf("broadcast: %d bytes allocated to %d members, %d to %d: %.1f bytes per further member"
                    + "%n  big rounds: %s%n  small rounds: %s%n", big, BIG, small, SMALL, perMember,
                    allocated.get("big"), allocated.get("small"));
            assertThat(perMember).isLessThanOrEqualTo(MAX_BYTES_PER_MEMBER);
        } finally {
            clients.forEach(RawEngineClient::close);
            io.close();
        }
    }
}
