package dev.duplex.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.testkit.FreePort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The scenario list of the Java client (issue #5), run against a {@link ServerUnderTest}. Subclasses pick the
 * server.
 */
abstract class ClientScenarios {
    static final Duration T = Duration.ofSeconds(15);

    /** The three ways to connect. */
    enum Mode {
        POLLING_THEN_WEBSOCKET(IoOptions.WEBSOCKET, IoOptions.POLLING, IoOptions.WEBSOCKET),
        WEBSOCKET_ONLY(IoOptions.WEBSOCKET, IoOptions.WEBSOCKET),
        POLLING_ONLY(IoOptions.POLLING, IoOptions.POLLING);

        final String finalTransport;
        final String[] transports;

        Mode(String finalTransport, String... transports) {
            this.finalTransport = finalTransport;
            this.transports = transports;
        }
    }

    abstract ServerUnderTest newServer();

    ServerUnderTest server;
    int port;
    final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void startServer() {
        server = newServer();
        for (int attempt = 1;; attempt++) {
            port = FreePort.find();
            try {
                server.start(port);
                return;
            } catch (AssertionError | RuntimeException e) {
                // another process took the port between FreePort.find() and the server's bind
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    @AfterEach
    void stopAll() {
        for (Socket s : sockets) {
            s.close();
            s.io().close();
        }
        if (server != null) {
            server.close();
        }
    }

    String url(String nsp) {
        return "http://127.0.0.1:" + port + nsp;
    }

    static IoOptions.Builder opts(Mode mode) {
        return IoOptions.builder().transports(mode.transports).reconnectionDelay(100).reconnectionDelayMax(400)
                .timeout(Duration.ofSeconds(10));
    }

    Socket socket(String nsp, IoOptions o) {
        Socket s = IO.socket(url(nsp), o);
        sockets.add(s);
        return s;
    }

    /** Records events of sockets and managers as strings. */
    static final class Recorder {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());

        Listener rec(String name) {
            return args -> events.add(args.length == 0 ? name : name + " " + render(args));
        }

        static String render(Object[] args) {
            return java.util.Arrays.stream(args).map(a -> a instanceof DuplexClientException
                    ? ((DuplexClientException) a).kind() + ":" + ((DuplexClientException) a).getMessage()
                    : String.valueOf(a)).collect(Collectors.joining(" "));
        }

        void awaitEvent(String event) {
            await().atMost(T).until(() -> snapshot().contains(event));
        }

        void awaitPrefix(String prefix) {
            await().atMost(T).until(() -> !starting(prefix).isEmpty());
        }

        List<String> snapshot() {
            synchronized (events) {
                return new ArrayList<>(events);
            }
        }

        List<String> starting(String prefix) {
            return snapshot().stream().filter(e -> e.startsWith(prefix)).collect(Collectors.toList());
        }
    }

    static List<String> texts(List<JsonNode> nodes) {
        return nodes.stream().map(JsonNode::toString).collect(Collectors.toList());
    }

    static <T> T get(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return f.get(T.toMillis(), TimeUnit.MILLISECONDS);
    }

    // -----------------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Mode.class)
    void connectsToRootAndANamespaceOverOneConnection(Mode mode) throws Exception {
        IoOptions o = opts(mode).build();
        Socket root = socket("/", o);
        Socket chat = socket("/chat", o);
        assertThat(chat.io()).isSameAs(root.io());
        Recorder r = new Recorder();
        root.on("connect", r.rec("root-connect"));
        chat.on("connect", r.rec("chat-connect"));
        assertThat(root.id()).isNull();
        root.connect();
        chat.connect();
        r.awaitEvent("root-connect");
        r.awaitEvent("chat-connect");
        assertThat(root.connected()).isTrue();
        assertThat(chat.connected()).isTrue();
        assertThat(root.id()).isNotNull().isNotEqualTo(chat.id());
        assertThat(server.awaitPrefix("connection ", T)).isIn("/ {}", "/chat {}");
        assertThat(server.awaitPrefix("connection ", T)).isIn("/ {}", "/chat {}");
        assertThat(texts(get(root.emitWithAck("echo", "on root")))).containsExactly("\"on root\"");
        assertThat(texts(get(chat.emitWithAck("echo", "on chat")))).containsExactly("\"on chat\"");
        await().atMost(T).until(() -> mode.finalTransport.equals(root.io().transport()));
        assertThat(texts(get(chat.emitWithAck("echo", 1, 2)))).containsExactly("1", "2");
        assertThat(root.io().transport()).isEqualTo(mode.finalTransport);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void authIsSentAndAccepted(Mode mode) {
        Socket s = socket("/chat", opts(mode).auth(Map.of("token", "ok")).build());
        Recorder r = new Recorder();
        s.on("connect", r.rec("connect"));
        s.connect();
        r.awaitEvent("connect");
        assertThat(server.awaitPrefix("connection ", T)).isEqualTo("/chat {\"token\":\"ok\"}");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void refusedAuthGivesTheServersMessageAndData(Mode mode) {
        int[] calls = {0};
        Socket s = socket("/", opts(mode).authSupplier(() -> {
            calls[0]++;
            return Map.of("token", "bad");
        }).build());
        List<DuplexClientException> errors = Collections.synchronizedList(new ArrayList<>());
        s.onConnectError(errors::add);
        s.connect();
        await().atMost(T).until(() -> !errors.isEmpty());
        DuplexClientException e = errors.get(0);
        assertThat(e.kind()).isEqualTo(DuplexClientException.Kind.SERVER);
        assertThat(e.getMessage()).isEqualTo("not authorized");
        assertThat(e.data().toString()).isEqualTo("{\"reason\":\"bad token\"}");
        assertThat(calls[0]).isEqualTo(1);
        // a refusal stops the socket: no reconnection, the manager closes
        await().atMost(T).until(() -> !s.active() && !s.io().isOpen() && !s.io().isReconnecting());
        assertThat(s.connected()).isFalse();
        assertThat(errors).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void eventsAndAcksBothWays(Mode mode) throws Exception {
        Socket s = socket("/", opts(mode).build());
        Recorder r = new Recorder();
        s.on("connect", r.rec("connect"));
        s.on("message-back", r.rec("message-back"));
        s.on("question", args -> {
            ((Ack) args[args.length - 1]).call("answer to " + ((JsonNode) args[0]).asText(), Map.of("n", 7));
        });
        s.connect();
        r.awaitEvent("connect");
        // client -> server event
        s.emit("message", "hello", 42, Map.of("k", List.of(true, "é")));
        r.awaitEvent("message-back \"hello\" 42 {\"k\":[true,\"é\"]}");
        assertThat(server.awaitPrefix("event / message ", T)).isEqualTo("[\"hello\",42,{\"k\":[true,\"é\"]}]");
        // client -> server with ack, future and callback styles
        assertThat(texts(get(s.emitWithAck("echo", "x", Map.of("a", 1))))).containsExactly("\"x\"", "{\"a\":1}");
        List<Object> viaCallback = Collections.synchronizedList(new ArrayList<>());
        s.emit("echo", "cb", (Ack) res -> viaCallback.addAll(List.of(res)));
        await().atMost(T).until(() -> viaCallback.size() == 1);
        assertThat(viaCallback.get(0).toString()).isEqualTo("\"cb\"");
        // server -> client with ack
        s.emit("ask", "life");
        assertThat(server.awaitPrefix("answer / ", T)).isEqualTo("[\"answer to life\",{\"n\":7}]");
    }

    record Form(String name, int age) {
    }

    @Test
    void typedArguments() throws Exception {
        Socket s = socket("/", opts(Mode.WEBSOCKET_ONLY).build());
        List<Form> forms = Collections.synchronizedList(new ArrayList<>());
        s.on("message-back", Form.class, forms::add);
        s.connect();
        s.emit("message", new Form("Ada", 36));
        await().atMost(T).until(() -> forms.size() == 1);
        assertThat(forms.get(0)).isEqualTo(new Form("Ada", 36));
        JsonNode echoed = get(s.emitWithAck("echo", new Form("Bob", 7))).get(0);
        assertThat(s.convert(echoed, Form.class)).isEqualTo(new Form("Bob", 7));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void ackTimeout(Mode mode) throws Exception {
        Socket s = socket("/", opts(mode).build());
        s.connect();
        await().atMost(T).until(s::connected);
        var f = s.timeout(Duration.ofMillis(300)).emitWithAck("no-answer", 1);
        assertThatThrownBy(() -> get(f)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(DuplexClientException.class).hasMessage("operation has timed out")
                .matches(e -> ((DuplexClientException) e).kind() == DuplexClientException.Kind.TIMEOUT);
        assertThat(server.awaitPrefix("event / no-answer ", T)).isEqualTo("[1]");
        // the same with a callback: it gets the error
        List<Object> got = Collections.synchronizedList(new ArrayList<>());
        s.timeout(Duration.ofMillis(200)).emit("no-answer", 2, (Ack) res -> got.addAll(List.of(res)));
        await().atMost(T).until(() -> got.size() == 1);
        assertThat(got.get(0)).isInstanceOf(DuplexClientException.class);
        // an answer within the timeout still arrives
        assertThat(texts(get(s.timeout(Duration.ofSeconds(10)).emitWithAck("echo", "fast")))).containsExactly(
                "\"fast\"");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void binaryBothWays(Mode mode) throws Exception {
        Socket s = socket("/", opts(mode).build());
        List<Object[]> back = Collections.synchronizedList(new ArrayList<>());
        s.on("message-back", back::add);
        s.connect();
        byte[] a = {1, 2, 3, (byte) 0xff};
        byte[] b = new byte[3000];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) i;
        }
        List<JsonNode> res = get(s.emitWithAck("echo", a, Map.of("nested", List.of(java.nio.ByteBuffer.wrap(b))),
                "text"));
        assertThat(res.get(0).binaryValue()).isEqualTo(a);
        assertThat(res.get(1).get("nested").get(0).binaryValue()).isEqualTo(b);
        assertThat(res.get(2).asText()).isEqualTo("text");
        assertThat(server.awaitPrefix("event / echo ", T)).startsWith("[{\"$bin\":\"010203ff\"},{\"nested\":[{\"$bin\":\"000102");
        s.emit("message", new byte[] {9, 8});
        await().atMost(T).until(() -> back.size() == 1);
        assertThat(((JsonNode) back.get(0)[0]).binaryValue()).isEqualTo(new byte[] {9, 8});
    }

    @Test
    void onAnyAndOnAnyOutgoing() {
        Socket s = socket("/", opts(Mode.POLLING_THEN_WEBSOCKET).build());
        Recorder r = new Recorder();
        s.onAny((event, args) -> r.events.add("in " + event + " " + Recorder.render(args)));
        s.onAnyOutgoing((event, args) -> r.events.add("out " + event + " " + Recorder.render(args)));
        s.on("message-back", r.rec("listener"));
        s.connect();
        s.emit("message", "a", 1);
        r.awaitEvent("listener \"a\" 1");
        assertThat(r.snapshot()).containsExactly("out message a 1", "in message-back \"a\" 1",
                "listener \"a\" 1");
        AnyListener extra = (event, args) -> r.events.add("extra " + event);
        s.onAny(extra).offAny(extra);
        s.emit("message", "b");
        r.awaitEvent("listener \"b\"");
        assertThat(r.starting("extra")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void emitsBeforeConnectAreBufferedAndSentInOrder(Mode mode) throws Exception {
        Socket s = socket("/", opts(mode).build());
        s.emit("first", 1);
        s.emit("second", 2);
        var ack = s.emitWithAck("echo", 3);
        s.asVolatile().emit("dropped", 4);
        s.connect();
        assertThat(texts(get(ack))).containsExactly("3");
        assertThat(server.awaitPrefix("event / ", T)).isEqualTo("first [1]");
        assertThat(server.awaitPrefix("event / ", T)).isEqualTo("second [2]");
        assertThat(server.awaitPrefix("event / ", T)).isEqualTo("echo [3]");
        s.emit("after", 5);
        assertThat(server.awaitPrefix("event / ", T)).isEqualTo("after [5]");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void reconnectsAfterAServerRestartAndSendsTheBufferedEmits(Mode mode) throws Exception {
        Socket s = socket("/", opts(mode).build());
        Recorder r = new Recorder();
        s.on("connect", r.rec("connect"));
        s.on("disconnect", r.rec("disconnect"));
        s.io().on("reconnect_attempt", r.rec("reconnect_attempt"));
        s.io().on("reconnect", r.rec("reconnect"));
        s.connect();
        r.awaitEvent("connect");
        await().atMost(T).until(() -> mode.finalTransport.equals(s.io().transport()));
        String firstId = s.id();
        server.stop();
        await().atMost(T).until(() -> r.snapshot().stream().anyMatch(e -> e.startsWith("disconnect ")));
        assertThat(r.starting("disconnect ").get(0)).isIn("disconnect transport close",
                "disconnect transport error");
        assertThat(s.id()).isNull();
        s.emit("while-down", 1);
        var answer = s.emitWithAck("echo", "buffered");
        r.awaitEvent("reconnect_attempt 2");
        server.start(port);
        r.awaitPrefix("reconnect ");
        assertThat(r.starting("reconnect_attempt")).startsWith("reconnect_attempt 1", "reconnect_attempt 2");
        await().atMost(T).until(() -> r.starting("connect").size() == 2);
        assertThat(s.id()).isNotNull().isNotEqualTo(firstId);
        assertThat(server.awaitPrefix("event / ", T)).isEqualTo("while-down [1]");
        assertThat(server.awaitPrefix("event / ", T)).isEqualTo("echo [\"buffered\"]");
        assertThat(texts(get(answer))).containsExactly("\"buffered\"");
        int attempts = r.starting("reconnect_attempt").size();
        assertThat(r.snapshot()).contains("reconnect " + attempts);
    }

    @Test
    void reconnectFailedAfterReconnectionAttempts() {
        server.stop();
        Socket s = socket("/", opts(Mode.WEBSOCKET_ONLY).reconnectionAttempts(2).build());
        Recorder r = new Recorder();
        s.io().on("reconnect_attempt", r.rec("reconnect_attempt"));
        s.io().on("reconnect_error", args -> r.events.add("reconnect_error"));
        s.io().on("reconnect_failed", r.rec("reconnect_failed"));
        s.io().on("error", args -> r.events.add("error"));
        List<DuplexClientException> errors = Collections.synchronizedList(new ArrayList<>());
        s.onConnectError(errors::add);
        s.connect();
        await().atMost(T).until(() -> r.snapshot().size() == 8 && errors.size() == 3);
        assertThat(r.snapshot()).containsExactly("error", "reconnect_attempt 1", "error", "reconnect_error",
                "reconnect_attempt 2", "error", "reconnect_failed", "reconnect_error");
        assertThat(errors).hasSize(3);
        assertThat(errors.get(0).kind()).isEqualTo(DuplexClientException.Kind.CONNECT);
        assertThat(errors.get(0).getMessage()).contains("127.0.0.1:" + port);
        assertThat(s.connected()).isFalse();
        assertThat(s.io().isReconnecting()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void serverSideDisconnectDoesNotReconnect(Mode mode) {
        Socket s = socket("/", opts(mode).build());
        Recorder r = new Recorder();
        s.on("connect", r.rec("connect"));
        s.on("disconnect", r.rec("disconnect"));
        s.io().on("reconnect_attempt", r.rec("reconnect_attempt"));
        s.connect();
        r.awaitEvent("connect");
        s.emit("kick");
        r.awaitEvent("disconnect io server disconnect");
        assertThat(server.awaitPrefix("disconnect / ", T)).isEqualTo("server namespace disconnect");
        // the socket is no longer active, so the manager closed for good: nothing can schedule a reconnection
        await().atMost(T).until(() -> !s.active() && !s.io().isOpen() && !s.io().isReconnecting());
        assertThat(r.starting("reconnect_attempt")).isEmpty();
        assertThat(s.connected()).isFalse();
        assertThat(s.id()).isNull();
        // connecting again by hand works
        s.connect();
        await().atMost(T).until(() -> r.starting("connect").size() == 2);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void clientDisconnectTellsTheServer(Mode mode) {
        Socket s = socket("/", opts(mode).build());
        Recorder r = new Recorder();
        s.on("connect", r.rec("connect"));
        s.on("disconnect", r.rec("disconnect"));
        s.connect();
        r.awaitEvent("connect");
        s.disconnect();
        r.awaitEvent("disconnect io client disconnect");
        assertThat(server.awaitPrefix("disconnect / ", T)).isIn("client namespace disconnect", "transport close");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void queryAndExtraHeadersReachTheServer(Mode mode) {
        Socket s = socket("/chat?q=from-url", opts(mode).extraHeader("X-Test", "hello").build());
        s.connect();
        assertThat(server.awaitPrefix("handshake ", T)).isEqualTo("/chat from-url hello");
    }

    @Test
    void retriesResendUntilAnswered() throws Exception {
        Socket s = socket("/", opts(Mode.WEBSOCKET_ONLY).retries(2).ackTimeout(Duration.ofMillis(300)).build());
        s.connect();
        await().atMost(T).until(s::connected);
        var f = s.emitWithAck("no-answer", "r");
        assertThatThrownBy(() -> get(f)).cause().isInstanceOf(DuplexClientException.class)
                .hasMessage("operation has timed out");
        for (int i = 0; i < 3; i++) {
            assertThat(server.awaitPrefix("event / ", T)).isEqualTo("no-answer [\"r\"]");
        }
        // the queue moves on: the next emit is answered at the first try
        assertThat(texts(get(s.emitWithAck("echo", "ok")))).containsExactly("\"ok\"");
        assertThat(server.awaitPrefix("event / ", T)).isEqualTo("echo [\"ok\"]");
    }

    @Test
    void onceAndOff() {
        Socket s = socket("/", opts(Mode.WEBSOCKET_ONLY).build());
        Recorder r = new Recorder();
        s.once("message-back", r.rec("once"));
        Listener removed = r.rec("removed");
        s.on("message-back", removed).off("message-back", removed);
        s.on("message-back", r.rec("always"));
        s.connect();
        s.emit("message", 1);
        s.emit("message", 2);
        r.awaitEvent("always 2");
        assertThat(r.snapshot()).containsExactly("once 1", "always 1", "always 2");
    }

    @Test
    void listenersMayWaitForAcknowledgements() {
        Socket s = socket("/", opts(Mode.WEBSOCKET_ONLY).build());
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        s.on("connect", args -> {
            try {
                got.add(get(s.emitWithAck("echo", "inside")).get(0).asText());
            } catch (Exception e) {
                got.add(e.toString());
            }
        });
        s.connect();
        await().atMost(T).until(() -> got.size() == 1);
        assertThat(got).containsExactly("inside");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void noThreadOfTheClientIsAliveAfterClose(Mode mode) throws Exception {
        Set<String> before = threadNames();
        Socket root = socket("/", opts(mode).build());
        Socket chat = socket("/chat", opts(mode).build());
        root.connect();
        chat.connect();
        await().atMost(T).until(() -> root.connected() && chat.connected());
        assertThat(texts(get(chat.emitWithAck("echo", "x")))).containsExactly("\"x\"");
        await().atMost(T).until(() -> mode.finalTransport.equals(root.io().transport()));
        assertThat(newClientThreads(before)).isNotEmpty();
        root.close();
        chat.close();
        await().atMost(T).untilAsserted(() -> assertThat(newClientThreads(before)).isEmpty());
        assertThat(server.awaitPrefix("disconnect ", T)).isNotEmpty();
    }

    static Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .collect(Collectors.toSet());
    }

    Set<String> newClientThreads(Set<String> before) {
        Set<String> now = threadNames();
        now.removeAll(before);
        now.removeIf(server::ownsThread);
        // threads of the test kit (process output pumps) and of the JVM are not the client's
        now.removeIf(n -> n.startsWith("output-of-") || n.equals("process reaper") || n.startsWith("awaitility"));
        return now;
    }
}
