package dev.duplex.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.duplex.protocol.socketio.SocketPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cluster-adapter base on an in-process transport: request ids, responses counted against the server count,
 * timeouts with partial results, own messages ignored, broadcast acks counted per server (zero included).
 */
class ClusterAdapterTest {
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService wire = Executors.newSingleThreadExecutor();
    private final List<Loopback> bus = new CopyOnWriteArrayList<>();
    private final AtomicInteger silentMembers = new AtomicInteger();
    private volatile RuntimeException countFailure;

    @AfterEach
    void stop() {
        bus.forEach(Loopback::close);
        scheduler.shutdownNow();
        wire.shutdownNow();
    }

    /** A namespace with no local socket that records server-side events and answers acks with its name. */
    private static final class Host implements AdapterHost {
        final String name;
        final List<List<JsonNode>> events = new CopyOnWriteArrayList<>();

        Host(String name) {
            this.name = name;
        }

        @Override
        public String namespace() {
            return "/";
        }

        @Override
        public LocalSocket socket(String id) {
            return null;
        }

        @Override
        public PreparedPacket prepare(SocketPacket packet) {
            return () -> packet;
        }

        @Override
        public int nextAckId() {
            return 1;
        }

        @Override
        public void onServerSideEmit(List<JsonNode> args) {
            events.add(args);
        }

        @Override
        public void onServerSideEmit(List<JsonNode> args, Consumer<JsonNode> ack) {
            events.add(args);
            ack.accept(TextNode.valueOf("pong-from-" + name));
        }
    }

    /** A transport that hands every message to every other member (asynchronously, as a broker would). */
    private final class Loopback extends ClusterAdapter {
        final Host host;

        Loopback(Host host) {
            super(host, host.name, scheduler, TIMEOUT);
            this.host = host;
            bus.add(this);
        }

        private void deliver(ClusterMessage m) {
            for (Loopback other : bus) {
                if (other != this || m.type().isResponse()) {
                    // wire format: what a peer receives is JSON, not the sender's Java objects
                    wire.execute(() -> other.onMessage(m.args() == null ? m : new ClusterMessage(m.type(), m.uid(),
                            m.requestId(), toJson(m.args()), m.opts(), m.rooms(), m.close(), m.sockets(), m.reply(),
                            m.clientCount())));
                }
            }
        }

        @Override
        protected void publish(ClusterMessage message) {
            deliver(message);
        }

        @Override
        protected void publishResponse(String requesterUid, ClusterMessage response) {
            deliver(response);
        }

        @Override
        public CompletableFuture<Integer> serverCount() {
            RuntimeException failure = countFailure;
            return failure != null ? CompletableFuture.failedFuture(failure)
                    : CompletableFuture.completedFuture(bus.size() + silentMembers.get());
        }
    }

    private static List<Object> toJson(List<?> args) {
        List<Object> list = new ArrayList<>();
        for (Object o : args) {
            list.add(o instanceof JsonNode n ? n : TextNode.valueOf(String.valueOf(o)));
        }
        return list;
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("succeeded");
    }

    @Test
    void serverSideEmitWithAckCollectsOneReplyPerOtherServer() throws Exception {
        Loopback a = new Loopback(new Host("a"));
        Loopback b = new Loopback(new Host("b"));
        Loopback c = new Loopback(new Host("c"));
        List<JsonNode> replies = a.serverSideEmitWithAck(List.of("ev", "x")).get(10, TimeUnit.SECONDS);
        assertThat(replies).extracting(JsonNode::asText).containsExactlyInAnyOrder("pong-from-b", "pong-from-c");
        assertThat(a.host.events).isEmpty();
        assertThat(b.host.events).hasSize(1);
        assertThat(c.host.events.get(0)).extracting(JsonNode::asText).containsExactly("ev", "x");
        assertThat(a.pendingRequests()).isZero();

        a.serverSideEmit(List.of("plain"));
        await().atMost(Duration.ofSeconds(10)).until(() -> b.host.events.size() == 2 && c.host.events.size() == 2);
        assertThat(a.host.events).isEmpty();
    }

    @Test
    void aServerThatDoesNotAnswerMakesTheRequestTimeOutWithThePartialReplies() throws Exception {
        Loopback a = new Loopback(new Host("a"));
        new Loopback(new Host("b"));
        silentMembers.set(1); // counted by the server count, never answers (e.g. killed after being counted)
        Throwable error = failure(a.serverSideEmitWithAck(List.of("ev")));
        assertThat(error).isInstanceOf(ClusterTimeoutException.class)
                .hasMessageContaining("serverSideEmitWithAck").hasMessageContaining("1 of 2");
        assertThat(((ClusterTimeoutException) error).partial()).extracting(o -> ((JsonNode) o).asText())
                .containsExactly("pong-from-b");
        Throwable fetch = failure(a.fetchSockets(BroadcastOptions.all()));
        assertThat(fetch).isInstanceOf(ClusterTimeoutException.class).hasMessageContaining("fetchSockets");
        assertThat(failure(a.allRooms())).isInstanceOf(ClusterTimeoutException.class);
        assertThat(a.pendingRequests()).isZero();
    }

    @Test
    void requestsFailAtOnceWithATimeoutErrorWhenTheServersCannotBeCounted() throws Exception {
        Loopback a = new Loopback(new Host("a"));
        new Loopback(new Host("b"));
        countFailure = new IllegalStateException("broker unreachable");
        Throwable error = failure(a.fetchSockets(BroadcastOptions.all()));
        assertThat(error).isInstanceOf(ClusterTimeoutException.class).hasMessageContaining("broker unreachable")
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(a.pendingRequests()).isZero();
    }

    @Test
    void aClusterOfOneAnswersLocallyWithoutPublishing() throws Exception {
        Loopback a = new Loopback(new Host("a"));
        assertThat(a.serverSideEmitWithAck(List.of("ev")).get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(a.fetchSockets(BroadcastOptions.all()).get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(a.allRooms().get(10, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void everyOtherServerReportsItsClientCountOfABroadcastWithAcksEvenZero() throws Exception {
        Loopback a = new Loopback(new Host("a"));
        new Loopback(new Host("b"));
        new Loopback(new Host("c"));
        List<Integer> counts = new CopyOnWriteArrayList<>();
        a.broadcastWithAck(SocketPacket.event("/", List.of("ev"), null),
                new BroadcastOptions(Set.of(), Set.of(), new BroadcastFlags(false, true, false, false,
                        Duration.ofSeconds(5))), counts::add, ack -> { });
        // the local count, then one per other server
        await().atMost(Duration.ofSeconds(10)).until(() -> counts.size() == 3);
        assertThat(counts).containsExactly(0, 0, 0);
    }
}
