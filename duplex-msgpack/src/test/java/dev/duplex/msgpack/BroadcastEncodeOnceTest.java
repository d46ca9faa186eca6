package dev.duplex.msgpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.client.IO;
import dev.duplex.client.IoOptions;
import dev.duplex.client.Socket;
import dev.duplex.protocol.socketio.PacketDecoder;
import dev.duplex.protocol.socketio.PacketEncoder;
import dev.duplex.protocol.socketio.PacketParser;
import dev.duplex.server.ServerOptions;
import dev.duplex.server.SocketIoServer;
import dev.duplex.testkit.FreePort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** With either parser, a broadcast is encoded once whatever the number of recipients, and all of them get it. */
class BroadcastEncodeOnceTest {
    private static final Duration T = Duration.ofSeconds(20);

    /** Counts the packets it encodes whose first argument is "news". */
    private static final class Counting implements PacketParser {
        final PacketParser inner;
        final AtomicInteger news = new AtomicInteger();

        Counting(PacketParser inner) {
            this.inner = inner;
        }

        @Override
        public PacketEncoder newEncoder(ObjectMapper mapper) {
            PacketEncoder e = inner.newEncoder(mapper);
            return packet -> {
                if (packet.data() instanceof List<?> l && !l.isEmpty() && "news".equals(l.get(0))) {
                    news.incrementAndGet();
                }
                return e.encode(packet);
            };
        }

        @Override
        public PacketDecoder newDecoder(ObjectMapper mapper, int maxAttachments) {
            return inner.newDecoder(mapper, maxAttachments);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void broadcastIsEncodedOnce(boolean msgpack) throws Exception {
        PacketParser parser = msgpack ? MsgpackParser.instance() : PacketParser.defaultParser();
        Counting counting = new Counting(parser);
        int clients = 4;
        List<Socket> sockets = new ArrayList<>();
        try (SocketIoServer server = SocketIoServer.create(ServerOptions.builder().parser(counting).build())) {
            AtomicInteger connected = new AtomicInteger();
            server.onConnection(s -> {
                s.join("room");
                connected.incrementAndGet();
            });
            int port = FreePort.find();
            server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            List<Object[]> got = new CopyOnWriteArrayList<>();
            for (int i = 0; i < clients; i++) {
                Socket s = IO.socket("http://127.0.0.1:" + port, IoOptions.builder().parser(parser)
                        .transports(i % 2 == 0 ? IoOptions.WEBSOCKET : IoOptions.POLLING).forceNew(true)
                        .reconnection(false).build());
                s.on("news", got::add);
                sockets.add(s);
                s.connect();
            }
            await().atMost(T).until(() -> connected.get() == clients);
            server.to("room").emit("news", "flash", new byte[] {1, 2});
            await().atMost(T).until(() -> got.size() == clients);
            for (Object[] args : got) {
                assertThat(((JsonNode) args[0]).asText()).isEqualTo("flash");
                assertThat(((JsonNode) args[1]).binaryValue()).containsExactly(1, 2);
            }
            assertThat(counting.news.get()).isEqualTo(1);
        } finally {
            for (Socket s : sockets) {
                s.close();
                s.io().close();
            }
        }
    }
}
