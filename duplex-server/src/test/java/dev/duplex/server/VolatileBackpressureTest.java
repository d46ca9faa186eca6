package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Volatile packets are dropped while the client's connection is not writable, ordinary ones are not. */
class VolatileBackpressureTest {
    private SocketIoServer io;

    @AfterEach
    void stop() {
        if (io != null) {
            io.close();
        }
    }

    @Test
    void aVolatilePacketIsDroppedWhileTheConnectionIsNotWritable() throws Exception {
        io = TestServers.start(ServerOptions.builder().build());
        CompletableFuture<Socket> connected = new CompletableFuture<>();
        io.onConnection(connected::complete);
        try (HostileWs client = new HostileWs(io.port())) {
            client.send(HostileWs.text("40"));
            Socket socket = connected.get(10, TimeUnit.SECONDS);
            // far more than the client's and the kernel's buffers: the connection stays not writable until it reads
            socket.emit("big", "b".repeat(8 << 20));
            io.volatileFlag().emit("volatile");
            socket.emit("after");
            List<String> texts = client.readTextUntil(t -> t.equals("42[\"after\"]"));
            assertThat(texts).anyMatch(t -> t.startsWith("42[\"big\","));
            assertThat(texts).doesNotContain("42[\"volatile\"]");
            // once it has read, volatile packets reach it again
            io.volatileFlag().emit("volatile");
            assertThat(client.readTextUntil(t -> t.startsWith("42["))).last().isEqualTo("42[\"volatile\"]");
        }
    }
}
