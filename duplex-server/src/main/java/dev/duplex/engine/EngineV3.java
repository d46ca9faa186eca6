package dev.duplex.engine;

import dev.duplex.protocol.engineio.EngineCodecV3;
import dev.duplex.protocol.engineio.EnginePacket;
import dev.duplex.protocol.engineio.EnginePacketType;
import dev.duplex.protocol.engineio.EngineProtocolException;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * What an Engine.IO protocol v3 session (a Socket.IO v2 client, accepted with {@link EngineOptions#allowEIO3()})
 * does differently from v4, chosen once at the handshake: a v4 session has none ({@code Session.v3} is null) and
 * never reaches this code.
 * <ul>
 * <li>Heartbeat: the client pings; the server answers each {@code 2} with {@code 3} and closes with "ping timeout"
 * when no ping came for pingInterval + pingTimeout (engine.io's {@code resetPingTimeout} for protocol 3).</li>
 * <li>Polling: v3 payloads ({@link EngineCodecV3}), binary ones (application/octet-stream) when the client supports
 * binary (no {@code b64} in the handshake's query) and a message is binary; POST bodies in both encodings.</li>
 * <li>WebSocket: a binary message's frame starts with the type byte {@code 0x04}, or is a {@code b4<base64>} text
 * frame for a WebSocket opened with {@code b64}.</li>
 * </ul>
 * Session loop.
 */
final class EngineV3 {
    static final EngineMessage PONG = EngineMessage.control('3', "");

    /** WsHandler modes: a v4 WebSocket, a v3 one with binary frames, a v3 one with base64 text frames. */
    static final byte WS_V4 = 0;
    static final byte WS_BINARY = 1;
    static final byte WS_BASE64 = 2;

    private final Session session;
    /** Whether the polling transport may answer with binary payloads (the handshake had no {@code b64}). */
    private final boolean pollingBinary;
    private final long timeoutMs;
    private ScheduledFuture<?> timeout;

    EngineV3(Session session, boolean pollingBinary) {
        this.session = session;
        this.pollingBinary = pollingBinary;
        this.timeoutMs = session.options.pingInterval().toMillis() + session.options.pingTimeout().toMillis();
    }

    /** Whether a request's query asks for base64 binary ({@code b64} with a value, as engine.io's truthy test). */
    static boolean base64(UriQuery qs) {
        String b64 = EngineHttpHandler.param(qs, "b64");
        return b64 != null && !b64.isEmpty();
    }

    // ------------------------------------------------------------------ heartbeat

    /** The session started or the client pinged: the deadline moves to pingInterval + pingTimeout from now. */
    void resetTimeout() {
        stop();
        timeout = session.schedule(() -> session.closeWith("ping timeout", null), timeoutMs);
    }

    /** A {@code 2} from the client: answered with {@code 3} (no data, as engine.io). */
    void onPing() {
        resetTimeout();
        session.send(PONG);
    }

    void stop() {
        ScheduledFuture<?> t = timeout;
        if (t != null) {
            timeout = null;
            t.cancel(false);
        }
    }

    // ------------------------------------------------------------------ WebSocket

    /** The v3 form of a write-buffer item for a WebSocket: binary messages get their type byte, or base64. */
    static Object wsItem(Object item, boolean binary) {
        if (item instanceof Session.Uncompressed u) {
            Object inner = wsItem(u.item(), binary);
            return inner == u.item() ? item : new Session.Uncompressed(inner);
        }
        byte[] data = binaryOf(item);
        if (data == null) {
            return item;
        }
        return binary ? EngineCodecV3.encodeBinaryFrame(data)
                : EngineMessage.control('b', "4" + Base64.getEncoder().encodeToString(data));
    }

    /** The bytes of a binary message item, or null for anything else. */
    private static byte[] binaryOf(Object item) {
        if (item instanceof byte[] b) {
            return b;
        }
        if (item instanceof EngineMessage m && m.isBinary()) {
            return m.frame();
        }
        return null;
    }

    /** A WebSocket binary frame's payload from a v3 client: the message, or null when it is not one. */
    static byte[] binaryFrame(byte[] frame) {
        try {
            return EngineCodecV3.decodeBinaryFrame(frame).binary();
        } catch (EngineProtocolException e) {
            return null;
        }
    }

    /** A {@code b...} text frame from a v3 client: the message, or null when it is malformed. */
    static byte[] base64Frame(String text) {
        try {
            EnginePacket p = EngineCodecV3.decodeText(text);
            return p.isBinary() ? p.binary() : null;
        } catch (EngineProtocolException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ polling

    /** A one-packet text payload for a bare control answer ({@code "6"} -> {@code "1:6"}). */
    static String controlPayload(String packet) {
        return packet.length() + ":" + packet;
    }

    /**
     * Answers {@code get} with everything buffered, as one v3 payload; returns whether it carried the close packet.
     */
    boolean respond(PollRequest get, WriteBuffer buffer, boolean httpCompression) {
        List<EnginePacket> packets = new ArrayList<>(buffer.size());
        boolean closing = false;
        boolean compress = false;
        Object item;
        while ((item = buffer.poll()) != null) {
            compress |= !(item instanceof Session.Uncompressed);
            if (item == Session.CLOSE) {
                closing = true;
            }
            packets.add(packet(item));
        }
        if (pollingBinary && EngineCodecV3.hasBinary(packets)) {
            get.respondBinary(EngineCodecV3.encodeBinaryPayload(packets), httpCompression && compress);
        } else {
            get.respondPayload(EngineCodecV3.encodeTextPayload(packets), httpCompression && compress);
        }
        return closing;
    }

    private static EnginePacket packet(Object item) {
        if (item instanceof Session.Uncompressed u) {
            item = u.item();
        }
        if (item instanceof String s) {
            return EnginePacket.message(s);
        }
        if (item instanceof byte[] b) {
            return EnginePacket.binary(b);
        }
        EngineMessage m = (EngineMessage) item;
        if (m.isBinary()) {
            return EnginePacket.binary(m.frame());
        }
        if (!m.isControl()) {
            return EnginePacket.message(m.textValue());
        }
        String form = m.pollingForm();
        return EnginePacket.of(EnginePacketType.fromCode(form.charAt(0)), form.substring(1));
    }

    /**
     * Handles a POST body (text, or {@code binaryBody} for application/octet-stream): its packets in order; false,
     * with nothing handled, when the payload is malformed.
     */
    boolean onPost(String body, byte[] binaryBody) {
        List<EnginePacket> packets;
        try {
            packets = binaryBody != null ? EngineCodecV3.decodeBinaryPayload(binaryBody)
                    : EngineCodecV3.decodeTextPayload(body);
        } catch (EngineProtocolException e) {
            return false;
        }
        for (EnginePacket p : packets) {
            if (session.state() == Session.State.CLOSED) {
                break;
            }
            if (p.isBinary()) {
                session.onBinary(p.binary());
            } else {
                session.onPacket(p.type(), p.text());
            }
        }
        return true;
    }
}
