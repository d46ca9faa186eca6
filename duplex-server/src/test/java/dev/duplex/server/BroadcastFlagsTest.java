package dev.duplex.server;

import dev.duplex.adapter.AdapterHost;
import dev.duplex.adapter.BroadcastOptions;
import dev.duplex.adapter.InMemoryAdapter;
import dev.duplex.protocol.socketio.SocketPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the broadcast operators hand to the adapter: rooms, exceptions and flags; one adapter per namespace. */
class BroadcastFlagsTest {
    private final Map<String, List<BroadcastOptions>> seen = new ConcurrentHashMap<>();
    private final List<SocketPacket> packets = new CopyOnWriteArrayList<>();
    private SocketIoServer io;

    private final class RecordingAdapter extends InMemoryAdapter {
        RecordingAdapter(AdapterHost host) {
            super(host);
        }

        @Override
        public void broadcast(SocketPacket packet, BroadcastOptions opts) {
            seen.computeIfAbsent(host.namespace(), k -> new CopyOnWriteArrayList<>()).add(opts);
            packets.add(packet);
            super.broadcast(packet, opts);
        }
    }

    @AfterEach
    void tearDown() {
        if (io != null) {
            io.close();
        }
    }

    @Test
    void operatorsPassRoomsExceptionsAndFlagsToTheNamespaceAdapter() {
        io = SocketIoServer.create(ServerOptions.builder().adapter(RecordingAdapter::new).build());
        io.emit("plain");
        io.to("a").to(List.of("b", "c")).except("x").local().volatileFlag().compress(false).emit("flags", 1);
        io.of("/chat").in("room").emit("chat");
        BroadcastOptions plain = seen.get("/").get(0);
        assertThat(plain.rooms()).isEmpty();
        assertThat(plain.except()).isEmpty();
        assertThat(plain.flags().volatileFlag()).isFalse();
        assertThat(plain.flags().local()).isFalse();
        assertThat(plain.flags().compress()).isTrue();
        BroadcastOptions flagged = seen.get("/").get(1);
        assertThat(flagged.rooms()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(flagged.except()).containsExactly("x");
        assertThat(flagged.flags().local()).isTrue();
        assertThat(flagged.flags().volatileFlag()).isTrue();
        assertThat(flagged.flags().compress()).isFalse();
        assertThat(seen.get("/chat")).singleElement().satisfies(o -> assertThat(o.rooms()).containsExactly("room"));
        assertThat(packets).extracting(SocketPacket::namespace).containsExactly("/", "/", "/chat");
        assertThat(packets.get(1).data()).isEqualTo(List.of("flags", 1));
        assertThat(io.of("/chat").adapter()).isInstanceOf(RecordingAdapter.class)
                .isNotSameAs(io.sockets().adapter());
    }

    @Test
    void operatorsAreImmutable() {
        io = SocketIoServer.create(ServerOptions.builder().adapter(RecordingAdapter::new).build());
        BroadcastOperator base = io.to("a");
        base.to("b").except("c").timeout(Duration.ofSeconds(1));
        base.emit("e");
        BroadcastOptions opts = seen.get("/").get(0);
        assertThat(opts.rooms()).containsExactly("a");
        assertThat(opts.except()).isEmpty();
        assertThat(opts.flags().timeout()).isNull();
    }

    @Test
    void namespaceNamesAndEvents() {
        io = SocketIoServer.create(ServerOptions.defaults());
        assertThat(io.of("chat").name()).isEqualTo("/chat");
        assertThat(io.of("/chat")).isSameAs(io.of("chat"));
        assertThat(io.sockets().name()).isEqualTo("/");
        assertThatThrownBy(() -> io.of("/").on("message", s -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(io.sockets().sockets()).isEmpty();
        assertThat(io.sockets().adapter().rooms()).isEqualTo(Map.of());
        assertThat(Set.copyOf(List.of(io.of("/a").name(), io.of("/b").name()))).hasSize(2);
    }
}
