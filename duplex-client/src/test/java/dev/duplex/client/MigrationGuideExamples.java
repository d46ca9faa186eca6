package dev.duplex.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.testkit.FreePort;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Duplex examples of docs/migration-from-socket.io-client-java.md, run against a server (subclasses: the
 * Duplex server and Node's socket.io 4.8.4). Each example below is the guide's code block as written there, except
 * that the guide's {@code "http://localhost:3000"} is {@code url} here and its proxy port 3128 is
 * {@code proxyPort}; {@link #everyExampleOfTheGuideIsHereVerbatim()} checks that the two do not drift apart.
 */
abstract class MigrationGuideExamples {
    static final Duration T = Duration.ofSeconds(15);
    static final Path GUIDE = Path.of("..", "docs", "migration-from-socket.io-client-java.md");
    static final Path SOURCE = Path.of("src", "test", "java", "dev", "duplex", "client",
            "MigrationGuideExamples.java");

    abstract ServerUnderTest newServer();

    ServerUnderTest server;
    String url;
    final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void startServer() {
        server = newServer();
        int port = FreePort.find();
        server.start(port);
        url = "http://127.0.0.1:" + port;
    }

    @AfterEach
    void stopAll() {
        for (Socket s : sockets) {
            s.close();
            s.io().close();
        }
        server.close();
    }

    @Test
    void everyExampleOfTheGuideIsHereVerbatim() throws IOException {
        String guide = Files.readString(GUIDE);
        String source = squash(Files.readString(SOURCE));
        Matcher m = Pattern.compile("<!-- tested -->\\s*```java\\n(.*?)```", Pattern.DOTALL).matcher(guide);
        int n = 0;
        while (m.find()) {
            n++;
            String block = m.group(1).replace("\"http://localhost:3000\"", "url").replace("3128", "proxyPort");
            assertThat(source.contains(squash(block))).as("example %d of the guide is in this test:%n%s", n, block)
                    .isTrue();
        }
        assertThat(n).as("tested examples in the guide").isGreaterThanOrEqualTo(9);
    }

    private static String squash(String s) {
        return s.replaceAll("\\s+", " ").trim();
    }

    @Test
    void theReadmeExample() {
        Socket[] made = new Socket[1];
        {
            Socket socket = IO.socket(url);
            socket.on(Socket.EVENT_CONNECT, new Emitter.Listener() {
                @Override
                public void call(Object... args) {
                    socket.emit("foo", "hi");
                    socket.disconnect();
                }
            }).on("event", new Emitter.Listener() {
                @Override
                public void call(Object... args) {
                }
            }).on(Socket.EVENT_DISCONNECT, new Emitter.Listener() {
                @Override
                public void call(Object... args) {
                }
            });
            socket.connect();
            made[0] = socket;
        }
        sockets.add(made[0]);
        assertThat(server.awaitPrefix("event ", T)).isEqualTo("/ foo [\"hi\"]");
        assertThat(server.awaitPrefix("disconnect ", T)).isEqualTo("/ client namespace disconnect");
    }

    @Test
    void optionsAsFields() {
        IO.Options opts = new IO.Options();
        opts.forceNew = true;
        opts.reconnection = false;
        opts.transports = new String[] {"websocket"};
        opts.query = "q=hello";
        opts.extraHeaders = Map.of("x-test", List.of("from-java"));
        Socket socket = IO.socket(url, opts);
        socket.connect();

        sockets.add(socket);
        assertThat(server.awaitPrefix("handshake ", T)).isEqualTo("/ hello from-java");
        await().atMost(T).until(socket::connected);
        assertThat(socket.io().transport()).isEqualTo("websocket");
    }

    @Test
    void optionsWithTheBuilder() {
        IO.Options options = IO.Options.builder()
                .setForceNew(true)
                .setAuth(Map.of("token", "abc"))
                .build();
        Socket socket = IO.socket(URI.create(url), options);
        socket.connect();

        sockets.add(socket);
        assertThat(server.awaitPrefix("connection ", T)).isEqualTo("/ {\"token\":\"abc\"}");
    }

    @Test
    void acknowledgementsBothWays() throws Exception {
        Socket socket = IO.socket(url, IoOptions.builder().forceNew(true).build());
        sockets.add(socket);
        socket.connect();
        List<String> answers = new CopyOnWriteArrayList<>();

        socket.emit("echo", 1, "two", (Ack) args -> answers.add(args[1].toString()));
        socket.emit("echo", new Object[] {"three"}, new AckWithTimeout(5000) {
            @Override
            public void onSuccess(Object... args) {
                answers.add(((JsonNode) args[0]).asText());
            }

            @Override
            public void onTimeout() {
                answers.add("timeout");
            }
        });
        socket.on("question", args -> {
            Ack ack = (Ack) args[args.length - 1];
            ack.call("42");
        });
        socket.emit("ask", "what is the answer?");
        List<JsonNode> answer = socket.timeout(Duration.ofSeconds(5)).emitWithAck("echo", "x").get();

        assertThat(answer).extracting(JsonNode::asText).containsExactly("x");
        await().atMost(T).until(() -> answers.size() == 2);
        assertThat(answers).containsExactlyInAnyOrder("\"two\"", "three");
        assertThat(server.awaitPrefix("answer ", T)).isEqualTo("/ [\"42\"]");
    }

    @Test
    void aRefusedConnection() {
        List<String> errors = new CopyOnWriteArrayList<>();

        Socket socket = IO.socket(url, IoOptions.builder()
                .forceNew(true)
                .auth(Map.of("token", "bad"))
                .build());
        socket.on(Socket.EVENT_CONNECT_ERROR, args -> {
            DuplexClientException err = (DuplexClientException) args[0];
            errors.add(err.getMessage() + " " + err.data());
        });
        socket.connect();

        sockets.add(socket);
        await().atMost(T).until(() -> !errors.isEmpty());
        assertThat(errors).containsExactly("not authorized {\"reason\":\"bad token\"}");
    }

    @Test
    void retryingWithNewCredentials() {
        IO.Options options = new IO.Options();
        options.auth = new HashMap<>(Map.of("token", "bad"));
        Socket socket = IO.socket(url, options);
        socket.on(Socket.EVENT_CONNECT_ERROR, args -> {
            options.auth.put("token", "good");
            socket.connect();
        });
        socket.connect();

        sockets.add(socket);
        await().atMost(T).until(socket::connected);
        assertThat(server.awaitPrefix("connection ", T)).isEqualTo("/ {\"token\":\"good\"}");
    }

    @Test
    void managerEventsAndArguments() {
        List<String> events = new CopyOnWriteArrayList<>();
        Socket socket = IO.socket(url, IoOptions.builder().forceNew(true).build());
        sockets.add(socket);

        socket.io().on(Manager.EVENT_OPEN, args -> events.add("open"));
        socket.onAnyIncoming(args -> events.add("any " + args[0]));
        socket.on("message-back", args -> events.add("back " + socket.convert(args[0], String.class)));
        socket.connect();
        socket.send("hello");

        await().atMost(T).until(() -> events.size() == 3);
        assertThat(events).containsExactly("open", "any message-back", "back hello");
        assertThat(socket.isActive()).isTrue();
    }

    @Test
    void sharedThreadsProxyAndRotatingHeaders() throws Exception {
        try (TestProxy proxy = new TestProxy(ProxyOptions.Type.HTTP, "alice", "s3cret")) {
            int proxyPort = proxy.port();
            Iterator<String> tokens = IntStream.iterate(1, i -> i + 1).mapToObj(i -> "t" + i).iterator();

            EventLoopGroup shared = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
            ExecutorService listeners = Executors.newFixedThreadPool(2);
            IoOptions options = IoOptions.builder()
                    .eventLoopGroup(shared)
                    .eventExecutor(listeners)
                    .proxy(ProxyOptions.http("127.0.0.1", proxyPort).credentials("alice", "s3cret"))
                    .requestHeaders((transport, headers) -> headers.put("x-test", List.of(tokens.next())))
                    .build();
            Socket socket = IO.socket(url, options);
            socket.connect();

            assertThat(server.awaitPrefix("handshake ", T)).isEqualTo("/ - t1");
            await().atMost(T).until(socket::connected);

            socket.close();
            shared.shutdownGracefully();
            listeners.shutdown();

            assertThat(proxy.tunnels).isNotEmpty().allMatch(t -> t.equals("alice@" + url.substring(7)));
            assertThat(shared.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(listeners.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
    }
}
