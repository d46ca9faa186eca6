package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.protocol.socketio.SocketIoDecoder;
import dev.duplex.protocol.socketio.SocketPacket;
import dev.duplex.protocol.socketio.SocketPacketType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the first packets of the first clients would otherwise run first, done when the server starts (the engine
 * does the same for its layer): the packet decoder and encoder with the server's Jackson mapper on typical
 * arguments, the socket id generator (SecureRandom seeding), the handshake's date format and a handler thread.
 * No application code runs.
 */
final class ServerWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(ServerWarmUp.class);

    private ServerWarmUp() {
    }

    static void run(SocketIoServer server) {
        long t0 = System.nanoTime();
        try {
            SocketIoDecoder decoder = new SocketIoDecoder(server.mapper(), server.options().maxAttachments());
            decoder.decode("0{\"token\":\"warm-up\"}");
            SocketPacket event = decoder.decode("21[\"warm\",{\"a\":[1,2.5,true,null,\"x\"],\"b\":{\"c\":-1}},\"s\"]");
            decoder.decode("51-[\"warm\",{\"_placeholder\":true,\"num\":0}]");
            decoder.addAttachment(new byte[] {1, 2, 3});
            Map<String, Object> sid = new LinkedHashMap<>();
            sid.put("sid", Ids.next());
            server.encoder().encode(SocketPacket.of(SocketPacketType.CONNECT, "/",
                    null, sid));
            if (event != null && event.data() instanceof JsonNode) {
                server.encoder().encode(SocketPacket.ack("/", 1, List.of(event.data())));
            }
            server.encoder().encode(SocketPacket.event("/", List.of("warm", 1, 2.5, true, "x", sid,
                    List.of(1, 2), new byte[] {1}), null));
            Class.forName(Handshake.class.getName(), true, ServerWarmUp.class.getClassLoader());
            CountDownLatch ran = new CountDownLatch(1);
            server.handlerPool().execute(ran::countDown);
            ran.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | LinkageError e) {
            LOG.debug("warm-up failed", e);
        }
        LOG.debug("server warm-up took {} ms", (System.nanoTime() - t0) / 1_000_000);
    }
}
