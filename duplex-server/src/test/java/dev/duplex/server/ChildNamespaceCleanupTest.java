package dev.duplex.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** socket.io's cleanupEmptyChildNamespaces. */
class ChildNamespaceCleanupTest {
    private SocketIoServer io;

    @AfterEach
    void tearDown() {
        if (io != null) {
            io.close();
        }
    }

    @Test
    void emptyChildOfADynamicNamespaceIsRemovedWhenEnabled() {
        io = TestServers.start(ServerOptions.builder().cleanupEmptyChildNamespaces(true).build());
        List<String> connected = new CopyOnWriteArrayList<>();
        List<String> disconnected = new CopyOnWriteArrayList<>();
        Namespace parent = io.of(Pattern.compile("/dyn-\\d+"));
        parent.onConnection(s -> {
            connected.add(s.nsp().name());
            s.onDisconnect(r -> disconnected.add(s.nsp().name()));
        });
        io.of("/static").onConnection(s -> s.onDisconnect(r -> disconnected.add("/static")));
        try (RawEngineClient a = RawEngineClient.connected(io.port(), "/dyn-1");
             RawEngineClient b = RawEngineClient.connected(io.port(), "/dyn-1")) {
            a.sendText("40/static,");
            a.awaitText(t -> t.startsWith("40/static,{"));
            Namespace first = io.existingNamespace("/dyn-1");
            assertThat(first).isNotNull();
            assertThat(parent.targets()).containsExactly(first);

            a.sendText("41/dyn-1,");
            await().atMost(Duration.ofSeconds(10)).until(() -> disconnected.size() == 1);
            assertThat(io.existingNamespace("/dyn-1")).as("one socket left").isSameAs(first);

            b.sendText("41/dyn-1,");
            a.sendText("41/static,");
            await().atMost(Duration.ofSeconds(10)).until(() -> disconnected.size() == 3);
            assertThat(io.existingNamespace("/dyn-1")).isNull();
            assertThat(parent.targets()).isEmpty();
            assertThat(io.existingNamespace("/static")).as("only children of dynamic namespaces").isNotNull();

            // a later connection creates the child again, with the parent's listeners
            a.sendText("40/dyn-1,");
            await().atMost(Duration.ofSeconds(10)).until(() -> connected.size() == 3);
            Namespace second = io.existingNamespace("/dyn-1");
            assertThat(second).isNotNull().isNotSameAs(first);
            assertThat(parent.targets()).containsExactly(second);
            assertThat(second.sockets()).hasSize(1);
        }
    }

    @Test
    void childrenAreKeptByDefault() {
        io = TestServers.start(ServerOptions.builder().build());
        List<String> disconnected = new CopyOnWriteArrayList<>();
        Namespace parent = io.of(Pattern.compile("/dyn-\\d+"));
        parent.onConnection(s -> s.onDisconnect(disconnected::add));
        try (RawEngineClient a = RawEngineClient.connected(io.port(), "/dyn-2")) {
            Namespace child = io.existingNamespace("/dyn-2");
            a.sendText("41/dyn-2,");
            await().atMost(Duration.ofSeconds(10)).until(() -> disconnected.size() == 1);
            assertThat(io.existingNamespace("/dyn-2")).isSameAs(child);
            assertThat(parent.targets()).containsExactly(child);
        }
    }
}
