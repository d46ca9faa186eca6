package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the event loop allocates per echo (an event with an ack, answered on the loop) over WebSocket: a bound on
 * bytes, not on time. Before issue #19's work on the echo path (a Jackson parser per packet, a new encoder builder
 * per packet, lane hand-offs) it was about 1,760 bytes in the benchmark server; about 700 since.
 */
class EchoAllocationTest {
    @Test
    void anEchoAllocatesLittleOnTheEventLoop() {
        SocketIoServer io = TestServers.start(ServerOptions.builder().ioThreads(1)
                .handlerMode(HandlerMode.EVENT_LOOP).build());
        io.onConnection(socket -> socket.on("echo", (List<JsonNode> args, Ack ack) -> ack.send(args.get(0))));
        try (LoopAllocation allocation = new LoopAllocation();
             RawEngineClient client = RawEngineClient.connected(io.port(), "/")) {
            int id = 0;
            for (int round = 0; round < 6; round++) {
                // warm: the loop's code compiled as in a long-running server
                id = LoopAllocation.echo(client, id, 2_000);
            }
            long before = allocation.bytes();
            int n = 5_000;
            LoopAllocation.echo(client, id, n);
            long perEcho = (allocation.bytes() - before) / n;
            // the WebSocket frame in and out, the text, the packet and its tree, the event, the ack's packet and
            // text: about 700 bytes; through a Jackson parser per packet and a task hand-off about 1,800
            System.out.println("EchoAllocationTest: " + perEcho + " bytes per echo on the event loop");
            assertThat(perEcho).as("bytes allocated on the event loop per echo").isLessThan(1_200);
        } finally {
            io.close();
        }
    }
}
