package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.duplex.testkit.ManagedProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;

/**
 * {@link HandlerMode}: by default a server with one CPU runs handlers on the event loops (a pool cannot run beside
 * them there; each hand-off cost two thread switches per packet), a server with more keeps the pool; a handler that
 * holds an event loop too long is reported.
 */
class HandlerModeTest {

    @Test
    void autoResolvesOnTheCpuCountAndTheUsersChoices() {
        ExecutorService own = Executors.newSingleThreadExecutor();
        try {
            ServerOptions auto = ServerOptions.defaults();
            assertThat(auto.handlerMode()).isEqualTo(HandlerMode.AUTO);
            assertThat(auto.runsHandlersOnEventLoop(1)).isTrue();
            assertThat(auto.runsHandlersOnEventLoop(2)).isFalse();
            assertThat(auto.handlersOnEventLoop()).isFalse();
            // the user chose a pool or an executor: AUTO keeps it even on one CPU
            assertThat(ServerOptions.builder().handlerThreads(3).build().runsHandlersOnEventLoop(1)).isFalse();
            assertThat(ServerOptions.builder().handlerExecutor(own).build().runsHandlersOnEventLoop(1)).isFalse();
            // explicit modes
            assertThat(ServerOptions.builder().handlerMode(HandlerMode.POOL).build().runsHandlersOnEventLoop(1))
                    .isFalse();
            assertThat(ServerOptions.builder().handlerMode(HandlerMode.EVENT_LOOP).build()
                    .runsHandlersOnEventLoop(8)).isTrue();
            assertThat(ServerOptions.builder().handlersOnEventLoop(false).build().handlerMode())
                    .isEqualTo(HandlerMode.POOL);
            assertThat(ServerOptions.builder().handlersOnEventLoop(true).build().toBuilder().build().handlerMode())
                    .isEqualTo(HandlerMode.EVENT_LOOP);
        } finally {
            own.shutdownNow();
        }
    }

    /** The thread that runs a handler in a default server JVM that sees {@code cpus} CPUs. */
    private static String handlerThreadWith(int cpus) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:ActiveProcessorCount=" + cpus, "-Xmx128m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), LoadServer.class.getName(), String.valueOf(8L << 20));
        try (ManagedProcess server = ManagedProcess.start(cmd, null, Map.of())) {
            int port = Integer.parseInt(server.awaitPrefix("PORT ", Duration.ofSeconds(30)).trim());
            try (RawEngineClient c = RawEngineClient.connected(port, "/")) {
                c.sendText("421[\"thread\"]");
                String reply = c.awaitText(t -> t.startsWith("431[\""));
                return reply.substring("431[\"".length(), reply.length() - 2);
            }
        }
    }

    @Test
    void byDefaultOneCpuRunsHandlersOnTheEventLoop() throws Exception {
        assertThat(handlerThreadWith(1)).startsWith("duplex-io");
    }

    @Test
    void byDefaultTwoCpusRunHandlersOnThePool() throws Exception {
        assertThat(handlerThreadWith(2)).startsWith("duplex-handler-");
    }

    @Test
    void aHandlerHoldingTheEventLoopIsReported() {
        SocketIoServer io = TestServers.start(ServerOptions.builder().handlerMode(HandlerMode.EVENT_LOOP).build());
        io.onConnection(socket -> {
            socket.on("fast", (RequestHandler) list -> "ok");
            socket.on("slow", (RequestHandler) list -> {
                try {
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "ok";
            });
        });
        try (RawEngineClient c = RawEngineClient.connected(io.port(), "/")) {
            long before = Lane.slowRunsOnLoop();
            c.sendText("421[\"fast\"]");
            c.awaitText(t -> t.equals("431[\"ok\"]"));
            assertThat(Lane.slowRunsOnLoop()).isEqualTo(before);
            c.sendText("422[\"slow\"]");
            c.awaitText(t -> t.equals("432[\"ok\"]"));
            // counted when the task ends, just after the handler's ack was written
            await().atMost(Duration.ofSeconds(10)).until(() -> Lane.slowRunsOnLoop() == before + 1);
        } finally {
            io.close();
        }
    }
}
