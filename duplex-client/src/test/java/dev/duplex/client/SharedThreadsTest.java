package dev.duplex.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;
import dev.duplex.testkit.FreePort;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Thousands of clients in one JVM on a few shared threads ({@link IoOptions.Builder#eventLoopGroup},
 * {@link IoOptions.Builder#eventExecutor}).
 */
class SharedThreadsTest {
    static final int CLIENTS = 2000;
    static final int BATCH = 250;
    static final Duration T = Duration.ofSeconds(60);

    @Test
    void twoThousandClientsShareATwoThreadEventLoopGroup() throws Exception {
        // a load test: paranoid leak tracking (the build's setting) of 4,000 connections' buffers is too slow here
        io.netty.util.ResourceLeakDetector.Level leakLevel = io.netty.util.ResourceLeakDetector.getLevel();
        io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.SIMPLE);
        try {
            run();
        } finally {
            io.netty.util.ResourceLeakDetector.setLevel(leakLevel);
        }
    }

    private void run() throws Exception {
        int port = FreePort.find();
        SocketIoServer server = SocketIoServer.create(ServerOptions.builder().build());
        AtomicInteger serverConnections = new AtomicInteger();
        server.onConnection(socket -> {
            serverConnections.incrementAndGet();
            socket.on("echo", args -> args.get(0));
        });
        server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        Set<String> before = threadNames();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, new java.util.concurrent.ThreadFactory() {
                    final AtomicInteger n = new AtomicInteger();

                    @Override
                    public Thread newThread(Runnable r) {
                        Thread t = new Thread(r, "shared-io-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    }
                },
                NioIoHandler.newFactory());
        ExecutorService listeners = Executors.newSingleThreadExecutor(r -> new Thread(r, "shared-listeners"));
        try {
            IoOptions opts = IoOptions.builder().forceNew(true).transports(IoOptions.WEBSOCKET).reconnection(false)
                    .timeout(T).eventLoopGroup(group).eventExecutor(listeners).build();
            AtomicInteger connects = new AtomicInteger();
            AtomicInteger disconnects = new AtomicInteger();
            Set<String> listenerThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
            List<Socket> sockets = new ArrayList<>(CLIENTS);
            long t0 = System.nanoTime();
            // connect in batches so that the loopback backlog and two cores are not flooded at once
            for (int start = 0; start < CLIENTS; start += BATCH) {
                for (int i = start; i < start + BATCH; i++) {
                    Socket s = IO.socket("http://127.0.0.1:" + port, opts);
                    s.on(Socket.EVENT_CONNECT, args -> {
                        listenerThreads.add(Thread.currentThread().getName());
                        connects.incrementAndGet();
                    });
                    s.on(Socket.EVENT_DISCONNECT, args -> disconnects.incrementAndGet());
                    sockets.add(s);
                    s.connect();
                }
                int expected = start + BATCH;
                await().atMost(T).until(() -> connects.get() >= expected);
            }
            System.out.println("connected in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            assertThat(serverConnections.get()).isEqualTo(CLIENTS);
            assertThat(sockets).allMatch(Socket::connected);
            // every client is connected now: the client side runs on the group's two threads and the listener one
            assertThat(newClientThreads(before)).containsExactlyInAnyOrder("shared-io-1", "shared-io-2",
                    "shared-listeners");
            assertThat(listenerThreads).containsExactly("shared-listeners");

            List<CompletableFuture<List<JsonNode>>> answers = new ArrayList<>(CLIENTS);
            for (int i = 0; i < CLIENTS; i++) {
                answers.add(sockets.get(i).timeout(T).emitWithAck("echo", i));
            }
            CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])).get(T.toSeconds(),
                    TimeUnit.SECONDS);
            for (int i = 0; i < CLIENTS; i++) {
                assertThat(answers.get(i).get().get(0).asInt()).isEqualTo(i);
            }

            System.out.println("answered in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            for (Socket s : sockets) {
                s.disconnect();
            }
            await().atMost(T).until(() -> disconnects.get() == CLIENTS);
            await().atMost(T).until(() -> sockets.stream().noneMatch(s -> s.io().loop() != null));
            System.out.println("closed in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            assertThat(newClientThreads(before)).containsExactlyInAnyOrder("shared-io-1", "shared-io-2",
                    "shared-listeners");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            listeners.shutdown();
            server.close();
        }
        assertThat(group.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(listeners.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(T).untilAsserted(() -> assertThat(newClientThreads(before)).isEmpty());
    }

    /** A shared group without a listener executor: listeners run on the group's threads, no other thread starts. */
    @Test
    void aSharedGroupWithoutExecutorRunsListenersOnItsThreads() throws Exception {
        int port = FreePort.find();
        SocketIoServer server = SocketIoServer.create(ServerOptions.builder().build());
        server.onConnection(socket -> socket.on("echo", args -> args.get(0)));
        server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        Set<String> before = threadNames();
        java.util.concurrent.ThreadFactory named = r -> new Thread(r, "one-shared-io");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, named, NioIoHandler.newFactory());
        try {
            IoOptions opts = IoOptions.builder().forceNew(true).eventLoopGroup(group).reconnection(false).build();
            Set<String> listenerThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Socket s = IO.socket("http://127.0.0.1:" + port, opts);
                s.on(Socket.EVENT_CONNECT, args -> listenerThreads.add(Thread.currentThread().getName()));
                sockets.add(s);
                s.connect();
            }
            await().atMost(T).until(() -> sockets.stream().allMatch(Socket::connected));
            for (Socket s : sockets) {
                assertThat(s.timeout(T).emitWithAck("echo", "x").get(T.toSeconds(), TimeUnit.SECONDS).get(0)
                        .asText()).isEqualTo("x");
            }
            await().atMost(T).until(() -> listenerThreads.size() == 1);
            assertThat(listenerThreads).containsExactly("one-shared-io");
            assertThat(newClientThreads(before)).containsExactly("one-shared-io");
            sockets.forEach(Socket::close);
            await().atMost(T).until(() -> sockets.stream().noneMatch(s -> s.io().loop() != null));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            server.close();
        }
        assertThat(group.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    static Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .collect(Collectors.toSet());
    }

    /** Threads started since {@code before}, except the in-process server's. */
    static Set<String> newClientThreads(Set<String> before) {
        Set<String> now = threadNames();
        now.removeAll(before);
        // the in-process test server's threads, and Netty's global executor (a JVM-wide singleton that ends
        // by itself when idle) are not the client's
        now.removeIf(n -> n.startsWith("duplex-io-") || n.startsWith("duplex-handler-")
                || n.startsWith("duplex-timer-") || n.startsWith("duplex-watchdog-") || n.startsWith("awaitility")
                || n.startsWith("globalEventExecutor-"));
        return now;
    }
}
