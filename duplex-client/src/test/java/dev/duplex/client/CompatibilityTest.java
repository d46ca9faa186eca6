package dev.duplex.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.duplex.testkit.FreePort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** socket.io-client-java 2.x's names and overloads, and their behaviour, against the Duplex server. */
class CompatibilityTest {
    static final Duration T = Duration.ofSeconds(15);

    final DuplexServer server = new DuplexServer();
    String url;
    final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() {
        int port = FreePort.find();
        server.start(port);
        url = "http://127.0.0.1:" + port;
    }

    @AfterEach
    void stop() {
        for (Socket s : sockets) {
            s.close();
            s.io().close();
        }
        server.close();
    }

    Socket connected(IoOptions o) {
        Socket s = IO.socket(url, o);
        sockets.add(s);
        s.connect();
        await().atMost(T).until(s::connected);
        return s;
    }

    @Test
    void theirConstantsHaveSocketIoNames() {
        assertThat(List.of(Socket.EVENT_CONNECT, Socket.EVENT_DISCONNECT, Socket.EVENT_CONNECT_ERROR,
                Socket.EVENT_MESSAGE)).containsExactly("connect", "disconnect", "connect_error", "message");
        assertThat(List.of(Manager.EVENT_OPEN, Manager.EVENT_CLOSE, Manager.EVENT_ERROR, Manager.EVENT_PING,
                Manager.EVENT_RECONNECT, Manager.EVENT_RECONNECT_ATTEMPT, Manager.EVENT_RECONNECT_ERROR,
                Manager.EVENT_RECONNECT_FAILED)).containsExactly("open", "close", "error", "ping", "reconnect",
                        "reconnect_attempt", "reconnect_error", "reconnect_failed");
    }

    @Test
    void ioOptionsFieldsMapToIoOptionsWithTheirDefaults() {
        IoOptions d = new IO.Options().toIoOptions();
        assertThat(d.transports()).containsExactly("polling", "websocket");
        assertThat(d.reconnectionAttempts).isEqualTo(Integer.MAX_VALUE);
        assertThat(d.reconnectionDelay).isEqualTo(1000);
        assertThat(d.reconnectionDelayMax).isEqualTo(5000);
        assertThat(d.randomizationFactor).isEqualTo(0.5);
        assertThat(d.timeout).isEqualTo(Duration.ofSeconds(20));
        assertThat(d.multiplex).isTrue();
        assertThat(d.forceNew).isFalse();

        IO.Options o = IO.Options.builder().setTransports(new String[] {"websocket"}).setPath("/io")
                .setQuery("a=1&b=x%20y").setExtraHeaders(Map.of("x-multi", List.of("1", "2")))
                .setReconnectionAttempts(3).setTimeout(-1).setAuth(Map.of("token", "t")).build();
        IoOptions c = o.toIoOptions();
        assertThat(c.transports()).containsExactly("websocket");
        assertThat(c.path()).isEqualTo("/io/");
        assertThat(c.query).containsOnly(Map.entry("a", "1"), Map.entry("b", "x y"));
        assertThat(c.extraHeaders).containsExactly(Map.entry("x-multi", "1, 2"));
        assertThat(c.reconnectionAttempts).isEqualTo(3);
        assertThat(c.timeout).isNull();
        assertThat(c.auth.get()).isEqualTo(Map.of("token", "t"));
    }

    @Test
    void theArrayOverloadSendsTheArgumentsAndAckWithTimeoutTimesOut() {
        Socket s = connected(IoOptions.builder().forceNew(true).build());
        List<String> got = new CopyOnWriteArrayList<>();
        s.emit("echo", new Object[] {1, "two"}, args -> got.add("answer " + args.length + " " + args[1]));
        await().atMost(T).until(() -> got.size() == 1);
        assertThat(got).containsExactly("answer 2 \"two\"");
        assertThat(server.awaitPrefix("event / echo ", T)).isEqualTo("[1,\"two\"]");

        s.emit("no-answer", "x", new AckWithTimeout(200) {
            @Override
            public void onSuccess(Object... args) {
                got.add("success");
            }

            @Override
            public void onTimeout() {
                got.add("timeout");
            }
        });
        await().atMost(T).until(() -> got.size() == 2);
        assertThat(got.get(1)).isEqualTo("timeout");
    }

    @Test
    void catchAllListenersWithTheEventNameFirst() {
        Socket s = connected(IoOptions.builder().forceNew(true).build());
        List<String> in = new CopyOnWriteArrayList<>();
        List<String> out = new CopyOnWriteArrayList<>();
        Emitter.Listener removed = args -> in.add("removed");
        s.onAnyIncoming(args -> in.add(args[0] + " " + args[1]));
        s.onAnyIncoming(removed).offAnyIncoming(removed);
        s.onAnyOutgoing(args -> out.add(args[0] + " " + args[1]));
        s.send("hi");
        await().atMost(T).until(() -> in.size() == 1 && out.size() == 1);
        assertThat(out).containsExactly("message hi");
        assertThat(in).containsExactly("message-back \"hi\"");
        assertThat(s.isActive()).isTrue();
        assertThat(s.listeners("message-back")).isEmpty();
    }

    /** A listener executor shared by managers, with several threads: one manager's events stay in order. */
    @Test
    void aSharedMultiThreadedListenerExecutorKeepsEachManagersEventsInOrder() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            IoOptions o = IoOptions.builder().forceNew(true).transports("websocket").eventExecutor(pool).build();
            List<List<Integer>> seen = new ArrayList<>();
            List<Socket> mine = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                List<Integer> order = new CopyOnWriteArrayList<>();
                seen.add(order);
                Socket s = connected(o);
                s.on("message-back", args -> order.add(((com.fasterxml.jackson.databind.JsonNode) args[0]).asInt()));
                mine.add(s);
            }
            for (int i = 0; i < 300; i++) {
                for (Socket s : mine) {
                    s.send(i);
                }
            }
            await().atMost(T).until(() -> seen.stream().allMatch(l -> l.size() == 300));
            for (List<Integer> order : seen) {
                assertThat(order).isSorted();
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
