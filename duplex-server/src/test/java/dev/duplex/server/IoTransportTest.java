package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.engine.IoTransport;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The server works the same on each Netty transport; by default it takes the fastest the machine offers. */
class IoTransportTest {

    @Test
    void theDefaultIsTheFastestTransportThisMachineOffers() {
        assertThat(ServerOptions.defaults().ioTransport()).isEqualTo(IoTransport.AUTO);
        IoTransport expected = IoUring.isAvailable() ? IoTransport.IO_URING
                : Epoll.isAvailable() ? IoTransport.EPOLL : IoTransport.NIO;
        assertThat(IoTransport.AUTO.resolve()).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(value = IoTransport.class, names = {"IO_URING", "EPOLL", "NIO"})
    void pollingWebSocketAcksLargeFramesAndBroadcastsWork(IoTransport transport) throws Exception {
        assumeTrue(transport.isAvailable(), transport + " is not available on this machine");
        SocketIoServer io = TestServers.start(ServerOptions.builder().ioThreads(1).ioTransport(transport).build());
        try {
            io.onConnection(socket -> {
                socket.join("all");
                socket.on("echo", (List<JsonNode> a, Ack ack) -> ack.send(a.get(0)));
                socket.on("shout", (List<JsonNode> a, Ack ack) -> socket.to("all").emit("heard", a.get(0)));
            });

            HttpResponse<String> open = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + io.port() + "/socket.io/?EIO=4&transport=polling"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(open.statusCode()).isEqualTo(200);
            assertThat(open.body()).startsWith("0{\"sid\":\"");

            try (RawEngineClient a = RawEngineClient.connected(io.port(), "/");
                 RawEngineClient b = RawEngineClient.connected(io.port(), "/")) {
                a.sendText("421[\"echo\",\"hi\"]");
                a.awaitText("431[\"hi\"]"::equals);
                // larger than a socket buffer: written and read in several parts
                String big = "x".repeat(600_000);
                a.sendText("422[\"echo\",\"" + big + "\"]");
                assertThat(a.awaitText(t -> t.startsWith("432["))).isEqualTo("432[\"" + big + "\"]");
                a.sendText("42[\"shout\",\"hello\"]");
                b.awaitText("42[\"heard\",\"hello\"]"::equals);
                assertThat(a.texts()).doesNotContain("42[\"heard\",\"hello\"]");
            }
        } finally {
            io.close();
        }
    }
}
