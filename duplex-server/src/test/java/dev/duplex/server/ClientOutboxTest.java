package dev.duplex.server;

import dev.duplex.protocol.socketio.SocketPacket;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The hand-off of a connection's writes to its event loop. */
class ClientOutboxTest {

    @Test
    void writesDrainAgainAfterARejectedHandOff() throws Exception {
        EventLoop loop = new DefaultEventLoop();
        SocketIoServer io = SocketIoServer.create();
        try {
            List<String> sent = new CopyOnWriteArrayList<>();
            AtomicInteger handOffs = new AtomicInteger();
            Lane lane = new Lane() {
                @Override
                boolean inLane() {
                    return false;
                }

                @Override
                public void execute(Runnable command) {
                    command.run();
                }

                @Override
                void toLoop(EventLoop target, Runnable task) {
                    if (handOffs.getAndIncrement() == 0) {
                        throw new RejectedExecutionException("refused once");
                    }
                    target.execute(task);
                }
            };
            Client client = new Client(io, new FakeEngineSocket(loop, sent), lane);
            client.write(SocketPacket.event("/", List.of("lost"), null));
            client.write(SocketPacket.event("/", List.of("later"), null));
            await().atMost(Duration.ofSeconds(5)).until(() -> sent.contains("2[\"later\"]"));
            assertThat(handOffs.get()).isEqualTo(2);
        } finally {
            io.close();
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
