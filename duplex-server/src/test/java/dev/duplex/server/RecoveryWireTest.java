package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.adapter.InMemoryAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Connection state recovery at the packet level, with a raw Engine.IO WebSocket client. */
class RecoveryWireTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private SocketIoServer io;
    private final List<RawEngineClient> clients = new ArrayList<>();
    private final Map<String, String> reasons = new ConcurrentHashMap<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        clients.forEach(RawEngineClient::close);
        if (io != null) {
            io.close();
        }
    }

    private void start(ServerOptions.Builder options) {
        io = TestServers.start(options.build());
        io.onConnection(s -> {
            s.onError(errors::add);
            s.onDisconnect(r -> reasons.put(s.id(), r));
            if (!s.recovered()) {
                s.join("r");
            }
            s.on("direct", (args, ack) -> s.emit("d", 1));
            s.on("kick", (args, ack) -> s.disconnect(args.get(0).asBoolean()));
        });
    }

    private RawEngineClient open() {
        RawEngineClient c = new RawEngineClient(io.port());
        clients.add(c);
        return c;
    }

    /**
     * The CONNECT reply, once the socket's connection handlers have run: they run on the handler pool after the
     * reply is written, so a broadcast to "r" made as soon as the reply arrives could miss a socket not in it yet.
     */
    private JsonNode connectReply(RawEngineClient c) throws Exception {
        JsonNode reply = JSON.readTree(c.awaitText(t -> t.startsWith("40{")).substring(2));
        String sid = reply.path("sid").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Socket s = io.sockets().sockets().get(sid);
            return s != null && (s.recovered() || s.rooms().contains("r"));
        });
        return reply;
    }

    private void awaitGone(String sid) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !io.sockets().sockets().containsKey(sid)
                && reasons.containsKey(sid));
    }

    @Test
    void withoutRecoveryTheConnectReplyHasNoPidAndBroadcastsNoOffset() throws Exception {
        start(ServerOptions.builder());
        RawEngineClient c = open();
        c.sendText("40");
        JsonNode reply = connectReply(c);
        assertThat(reply.size()).isEqualTo(1);
        assertThat(reply.path("sid").asText()).hasSize(20);
        io.emit("m", 1);
        c.awaitText(t -> t.equals("42[\"m\",1]"));
    }

    @Test
    void connectReplyCarriesThePidAndOnlyBroadcastsWithoutAckAndNotVolatileCarryAnOffset() throws Exception {
        start(ServerOptions.builder().connectionStateRecovery(ConnectionStateRecovery.defaults()));
        RawEngineClient c = open();
        c.sendText("40");
        JsonNode reply = connectReply(c);
        assertThat(reply.fieldNames()).toIterable().containsExactly("sid", "pid");
        assertThat(reply.path("pid").asText()).hasSize(20).isNotEqualTo(reply.path("sid").asText());
        io.emit("m", 1);
        io.to("r").emit("m", 2);
        io.volatileFlag().emit("m", 3);
        io.timeout(Duration.ofSeconds(1)).emitWithAck("m", 4);
        c.sendText("42[\"direct\"]");
        io.to("r").emit("bin", new byte[]{1, 2});
        String o1 = offsetOf(c.awaitText(t -> t.startsWith("42[\"m\",1,")), 2);
        String o2 = offsetOf(c.awaitText(t -> t.startsWith("42[\"m\",2,")), 2);
        c.awaitText(t -> t.equals("42[\"m\",3]"));
        c.awaitText(t -> t.matches("42\\d+\\[\"m\",4]"));
        c.awaitText(t -> t.equals("42[\"d\",1]"));
        String bin = c.awaitText(t -> t.startsWith("451-[\"bin\""));
        assertThat(offsetOf(bin.substring(2), 2)).isNotEmpty();
        assertThat(o1).isNotEqualTo(o2);
    }

    private static String offsetOf(String text, int index) throws Exception {
        JsonNode array = JSON.readTree(text.substring(text.indexOf('[')));
        assertThat(array.size()).isEqualTo(index + 1);
        assertThat(array.get(index).isTextual()).isTrue();
        return array.get(index).asText();
    }

    @Test
    void aSessionLostByPingTimeoutComesBackWithTheMissedPacketsBeforeTheConnectReply() throws Exception {
        start(ServerOptions.builder().connectionStateRecovery(ConnectionStateRecovery.defaults())
                .pingInterval(Duration.ofMillis(200)).pingTimeout(Duration.ofMillis(200)));
        RawEngineClient c = open();
        c.sendText("40");
        JsonNode reply = connectReply(c);
        String sid = reply.path("sid").asText();
        String pid = reply.path("pid").asText();
        io.emit("m", 1);
        String offset = offsetOf(c.awaitText(t -> t.startsWith("42[\"m\",1,")), 2);
        c.answerPings = false;
        awaitGone(sid);
        assertThat(reasons.get(sid)).isEqualTo("ping timeout");
        io.to("r").emit("m", 2);
        io.to(sid).emit("m", 3);
        c.close();

        RawEngineClient back = open();
        back.sendText("40{\"pid\":\"" + pid + "\",\"offset\":\"" + offset + "\",\"token\":\"t\"}");
        JsonNode again = connectReply(back);
        assertThat(again.path("sid").asText()).isEqualTo(sid);
        assertThat(again.path("pid").asText()).isEqualTo(pid);
        io.emit("m", 4);
        back.awaitText(t -> t.startsWith("42[\"m\",4,"));
        List<String> texts = back.texts().stream().filter(t -> t.startsWith("4")).toList();
        assertThat(texts).hasSize(4);
        assertThat(texts.get(0)).startsWith("42[\"m\",2,");
        assertThat(texts.get(1)).startsWith("42[\"m\",3,");
        assertThat(texts.get(2)).startsWith("40{");
        assertThat(texts.get(3)).startsWith("42[\"m\",4,");
        assertThat(io.sockets().sockets().get(sid).recovered()).isTrue();
        assertThat(io.sockets().sockets().get(sid).handshake().auth().path("token").asText()).isEqualTo("t");
    }

    @Test
    void aServerSideDisconnectKeepsNoSessionAndBadPidsOrOffsetsGiveNewSessions() throws Exception {
        start(ServerOptions.builder().connectionStateRecovery(ConnectionStateRecovery.defaults()));
        InMemoryAdapter adapter = (InMemoryAdapter) io.sockets().adapter();
        for (boolean close : new boolean[]{false, true}) {
            RawEngineClient c = open();
            c.sendText("40");
            JsonNode reply = connectReply(c);
            io.emit("m", 1);
            String offset = offsetOf(c.awaitText(t -> t.startsWith("42[\"m\",1,")), 2);
            c.sendText("42[\"kick\"," + close + "]");
            awaitGone(reply.path("sid").asText());
            assertThat(reasons.get(reply.path("sid").asText())).isEqualTo("server namespace disconnect");
            assertThat(adapter.keptSessions()).isZero();
            RawEngineClient back = open();
            back.sendText("40{\"pid\":\"" + reply.path("pid").asText() + "\",\"offset\":\"" + offset + "\"}");
            assertThat(connectReply(back).path("sid").asText()).isNotEqualTo(reply.path("sid").asText());
        }
        String huge = "x".repeat(100_000);
        List<String> bad = List.of("{\"pid\":1,\"offset\":\"0\"}", "{\"pid\":\"p\",\"offset\":2}",
                "{\"pid\":{\"a\":1},\"offset\":[1]}", "{\"pid\":\"" + huge + "\",\"offset\":\"" + huge + "\"}",
                "{\"pid\":null,\"offset\":null}", "{\"pid\":\"p\"}", "{\"pid\":\"p\",\"offset\":\"-1\"}",
                "{\"pid\":\"p\",\"offset\":\"zzzzzzzzzzzzzzzzzzz\"}");
        for (String auth : bad) {
            RawEngineClient c = open();
            c.sendText("40" + auth);
            assertThat(connectReply(c).path("sid").asText()).hasSize(20);
        }
        assertThat(io.sockets().sockets().values()).noneMatch(Socket::recovered);
        assertThat(errors).isEmpty();
    }

    /**
     * While its middleware holds a recovered socket, it gets more broadcasts than {@link Recovery#MAX}: once
     * connected its connection is closed, and it recovers again from the adapter's store, ending with every event
     * once and in order.
     */
    @Test
    void pastTheHeldBroadcastBoundTheConnectionClosesAndTheClientRecoversAgain() throws Exception {
        io = TestServers.start(ServerOptions.builder().connectionStateRecovery(
                ConnectionStateRecovery.builder().skipMiddlewares(false).build()).build());
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicBoolean held = new AtomicBoolean();
        io.use((socket, next) -> {
            if (socket.recovered() && held.compareAndSet(false, true)) {
                new Thread(() -> {
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    next.accept(null);
                }).start();
            } else {
                next.accept(null);
            }
        });
        io.onConnection(s -> {
            s.onDisconnect(r -> reasons.put(s.id(), r));
            if (!s.recovered()) {
                s.join("r");
            }
        });
        RawEngineClient c = open();
        c.sendText("40");
        JsonNode reply = connectReply(c);
        String sid = reply.path("sid").asText();
        String pid = reply.path("pid").asText();
        io.to("r").emit("n", 0);
        String offset = offsetOf(c.awaitText(t -> t.startsWith("42[\"n\",0,")), 2);
        c.close();
        awaitGone(sid);
        reasons.remove(sid);

        int total = Recovery.MAX + 100;
        RawEngineClient second = open();
        second.sendText("40{\"pid\":\"" + pid + "\",\"offset\":\"" + offset + "\"}");
        await().atMost(Duration.ofSeconds(10)).until(held::get);
        for (int i = 1; i <= total; i++) {
            io.to("r").emit("n", i);
        }
        release.countDown();
        awaitGone(sid); // closed once connected
        List<Integer> got = new ArrayList<>();
        for (String text : second.texts()) {
            if (text.startsWith("42[\"n\"")) {
                JsonNode array = JSON.readTree(text.substring(2));
                got.add(array.get(1).asInt());
                offset = array.get(2).asText();
            }
        }
        assertThat(second.texts()).anyMatch(t -> t.startsWith("40{\"sid\":\"" + sid));

        RawEngineClient third = open();
        third.sendText("40{\"pid\":\"" + pid + "\",\"offset\":\"" + offset + "\"}");
        assertThat(connectReply(third).path("sid").asText()).isEqualTo(sid);
        io.to("r").emit("n", total + 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> third.texts().stream()
                .anyMatch(t -> t.startsWith("42[\"n\"," + (total + 1) + ",")));
        for (String text : third.texts()) {
            if (text.startsWith("42[\"n\"")) {
                got.add(JSON.readTree(text.substring(2)).get(1).asInt());
            }
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= total + 1; i++) {
            expected.add(i);
        }
        assertThat(got).isEqualTo(expected);
    }

    /**
     * Two threads broadcast numbered events to the client's room without pause while the client is cut off and
     * comes back five times: it ends with every event of each thread exactly once and in order.
     */
    @Test
    void noEventIsLostOrDoubledWhileBroadcastsRaceWithTheRecovery() throws Exception {
        start(ServerOptions.builder().connectionStateRecovery(ConnectionStateRecovery.defaults()));
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> emitters = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int thread = t;
            Thread e = new Thread(() -> {
                int i = 0;
                while (running.get()) {
                    io.to("r").emit("n", thread, i++);
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(300));
                }
                io.to("r").emit("end", thread, i);
            });
            emitters.add(e);
        }
        List<JsonNode> events = new ArrayList<>();
        String sid = null;
        String pid = null;
        String offset = null;
        try {
            for (int round = 0; round <= 5; round++) {
                RawEngineClient c = open();
                c.sendText(pid == null ? "40" : "40{\"pid\":\"" + pid + "\",\"offset\":\"" + offset + "\"}");
                JsonNode reply = connectReply(c);
                if (sid == null) {
                    sid = reply.path("sid").asText();
                    pid = reply.path("pid").asText();
                    emitters.forEach(Thread::start);
                } else {
                    assertThat(reply.path("sid").asText()).as("round " + round).isEqualTo(sid);
                }
                if (round == 5) {
                    running.set(false);
                    for (Thread e : emitters) {
                        e.join(10_000);
                    }
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> c.texts().stream().filter(x -> x.startsWith("42[\"end\"")).count() == 2);
                } else {
                    int before = c.texts().size();
                    await().atMost(Duration.ofSeconds(10)).until(() -> c.texts().size() > before + 50);
                    c.close();
                    String gone = sid;
                    awaitGone(gone);
                    reasons.remove(gone);
                }
                for (String text : c.texts()) {
                    if (text.startsWith("42[\"n\"")) {
                        JsonNode array = JSON.readTree(text.substring(2));
                        events.add(array);
                        offset = array.get(3).asText();
                    } else if (text.startsWith("42[\"end\"")) {
                        events.add(JSON.readTree(text.substring(2)));
                    }
                }
            }
        } finally {
            running.set(false);
        }
        Map<Integer, Integer> next = new HashMap<>();
        Map<Integer, Integer> ends = new HashMap<>();
        for (JsonNode e : events) {
            int thread = e.get(1).asInt();
            if (e.get(0).asText().equals("end")) {
                ends.put(thread, e.get(2).asInt());
                continue;
            }
            int expected = next.getOrDefault(thread, 0);
            assertThat(e.get(2).asInt()).as("thread " + thread).isEqualTo(expected);
            next.put(thread, expected + 1);
        }
        assertThat(next).isEqualTo(ends);
        assertThat(next.get(0)).isGreaterThan(100);
    }
}
