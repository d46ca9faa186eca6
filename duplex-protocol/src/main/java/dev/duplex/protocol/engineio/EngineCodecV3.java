package dev.duplex.protocol.engineio;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Engine.IO protocol v3 encodings (what Socket.IO v2 clients speak; engine.io accepts them with {@code allowEIO3}).
 * Pure: no I/O.
 *
 * <ul>
 * <li>A text packet is its type code followed by its data, as in v4 ({@code "4hello"}).</li>
 * <li>A binary message keeps its packet type: a WebSocket binary frame starts with the type byte {@code 0x04};
 * in text it is {@code 'b'}, the type code, then standard base64 ({@code "b4AQID"}).</li>
 * <li>A text polling payload is {@code <length>:<packet>} for each packet, the length counted in UTF-16 code units
 * (JavaScript's string length), binary messages in their base64 form; an empty payload is {@code "0:"}.</li>
 * <li>A binary polling payload (when the client supports binary and a packet is binary) is, for each packet, a
 * marker byte ({@code 0} text, {@code 1} binary), the decimal digits of the length as byte values 0-9, the byte
 * {@code 0xFF}, then the packet: the UTF-8 bytes of a text packet (length in bytes), or the type byte and the
 * data of a binary one (length including the type byte).</li>
 * </ul>
 */
public final class EngineCodecV3 {
    private static final byte MESSAGE_BYTE = 4;
    /** The most length digits read in a binary payload (more than an int holds is malformed). */
    private static final int MAX_LENGTH_DIGITS = 10;

    private EngineCodecV3() {
    }

    // ------------------------------------------------------------------ single packets

    /** The text form of one packet: {@code <type><data>}, a binary message as {@code b4<base64>}. */
    public static String encodeText(EnginePacket packet) {
        if (packet.isBinary()) {
            return "b4" + Base64.getEncoder().encodeToString(packet.binary());
        }
        return packet.type().code() + packet.text();
    }

    /** A binary message's WebSocket frame payload: the type byte {@code 0x04} then the data. */
    public static byte[] encodeBinaryFrame(byte[] data) {
        byte[] out = new byte[data.length + 1];
        out[0] = MESSAGE_BYTE;
        System.arraycopy(data, 0, out, 1, data.length);
        return out;
    }

    /** Decodes a text packet (a WebSocket text frame or one packet of a payload); {@code b...} is a binary message. */
    public static EnginePacket decodeText(CharSequence s) throws EngineProtocolException {
        if (s.length() == 0) {
            throw new EngineProtocolException("empty packet");
        }
        char c = s.charAt(0);
        if (c == 'b') {
            return decodeBase64Packet(s, 1);
        }
        EnginePacketType type = EnginePacketType.fromCode(c);
        if (type == null) {
            throw new EngineProtocolException("unknown packet type '" + c + "'");
        }
        return EnginePacket.of(type, s.length() == 1 ? "" : s.subSequence(1, s.length()).toString());
    }

    /** Decodes {@code <type><base64>} starting at {@code from}: only a message may carry binary. */
    private static EnginePacket decodeBase64Packet(CharSequence s, int from) throws EngineProtocolException {
        if (s.length() <= from || s.charAt(from) != '4') {
            throw new EngineProtocolException("binary packet that is not a message");
        }
        return EnginePacket.binary(EngineCodec.decodeBase64(s.subSequence(from + 1, s.length())));
    }

    /**
     * Decodes a WebSocket binary frame: its first byte is the packet type. Only a message may carry binary: any
     * other type, or an empty frame, is an error.
     */
    public static EnginePacket decodeBinaryFrame(byte[] frame) throws EngineProtocolException {
        if (frame.length == 0 || frame[0] != MESSAGE_BYTE) {
            throw new EngineProtocolException("binary frame that is not a message");
        }
        byte[] data = new byte[frame.length - 1];
        System.arraycopy(frame, 1, data, 0, data.length);
        return EnginePacket.binary(data);
    }

    // ------------------------------------------------------------------ payloads

    /** Whether one of the packets is binary (then a client that supports binary gets a binary payload). */
    public static boolean hasBinary(List<EnginePacket> packets) {
        for (EnginePacket p : packets) {
            if (p.isBinary()) {
                return true;
            }
        }
        return false;
    }

    /** A text payload: {@code <length>:<packet>} per packet (binary as base64); {@code "0:"} for none. */
    public static String encodeTextPayload(List<EnginePacket> packets) {
        if (packets.isEmpty()) {
            return "0:";
        }
        StringBuilder sb = new StringBuilder();
        for (EnginePacket p : packets) {
            String s = encodeText(p);
            sb.append(s.length()).append(':').append(s);
        }
        return sb.toString();
    }

    /** A binary payload (see the class comment). */
    public static byte[] encodeBinaryPayload(List<EnginePacket> packets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (EnginePacket p : packets) {
            byte[] body;
            if (p.isBinary()) {
                out.write(1);
                body = encodeBinaryFrame(p.binary());
            } else {
                out.write(0);
                body = (p.type().code() + p.text()).getBytes(StandardCharsets.UTF_8);
            }
            String len = Integer.toString(body.length);
            for (int i = 0; i < len.length(); i++) {
                out.write(len.charAt(i) - '0');
            }
            out.write(0xFF);
            out.write(body, 0, body.length);
        }
        return out.toByteArray();
    }

    /**
     * Decodes a text payload. Anything malformed (empty, a length that is not decimal digits, a length past the
     * end, a bad packet, trailing characters) is an error for the whole payload, as engine.io ignores it.
     */
    public static List<EnginePacket> decodeTextPayload(String data) throws EngineProtocolException {
        if (data.isEmpty()) {
            throw new EngineProtocolException("empty payload");
        }
        List<EnginePacket> packets = new ArrayList<>(2);
        int n = data.length();
        int i = 0;
        while (i < n) {
            int colon = i;
            long length = 0;
            while (colon < n && data.charAt(colon) != ':') {
                char c = data.charAt(colon);
                if (c < '0' || c > '9' || colon - i >= MAX_LENGTH_DIGITS) {
                    throw new EngineProtocolException("bad length in payload");
                }
                length = length * 10 + (c - '0');
                colon++;
            }
            if (colon == n || colon == i) {
                throw new EngineProtocolException("bad length in payload");
            }
            int start = colon + 1;
            if (length > n - start) {
                throw new EngineProtocolException("packet length past the end of the payload");
            }
            int end = start + (int) length;
            if (end > start) {
                packets.add(decodeText(data.substring(start, end)));
            }
            i = end;
        }
        return packets;
    }

    /** Decodes a binary payload (see the class comment); anything malformed is an error for the whole payload. */
    public static List<EnginePacket> decodeBinaryPayload(byte[] data) throws EngineProtocolException {
        List<EnginePacket> packets = new ArrayList<>(2);
        int n = data.length;
        int i = 0;
        while (i < n) {
            int marker = data[i++];
            if (marker != 0 && marker != 1) {
                throw new EngineProtocolException("bad marker in binary payload");
            }
            long length = 0;
            int digits = 0;
            while (i < n && (data[i] & 0xFF) != 0xFF) {
                int d = data[i];
                if (d < 0 || d > 9 || ++digits > MAX_LENGTH_DIGITS) {
                    throw new EngineProtocolException("bad length in binary payload");
                }
                length = length * 10 + d;
                i++;
            }
            if (i == n || digits == 0) {
                throw new EngineProtocolException("bad length in binary payload");
            }
            i++;
            if (length > n - i) {
                throw new EngineProtocolException("packet length past the end of the payload");
            }
            int end = i + (int) length;
            if (marker == 0) {
                packets.add(decodeText(new String(data, i, end - i, StandardCharsets.UTF_8)));
            } else {
                byte[] frame = new byte[end - i];
                System.arraycopy(data, i, frame, 0, frame.length);
                packets.add(decodeBinaryFrame(frame));
            }
            i = end;
        }
        return packets;
    }
}
