package dev.duplex.protocol.engineio;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Engine.IO v4 text encoding of packets and of polling payloads.
 *
 * <p>A text packet is its type code followed by its data ({@code "4hello"}). In polling payloads and other
 * text-only carriers a binary message is {@code 'b'} followed by standard base64 ({@code "bAQIDBA=="}).
 * Payloads join packets with the record separator {@code '\u001e'}. Over WebSocket a binary message is sent
 * as a raw binary frame instead, with no prefix.
 */
public final class EngineCodec {
    /** The character that separates packets in a polling payload. */
    public static final char SEPARATOR = '\u001e';

    private EngineCodec() {
    }

    /** Encodes one packet as text; a binary message becomes {@code b<base64>}. */
    public static String encode(EnginePacket packet) {
        if (packet.isBinary()) {
            return "b" + Base64.getEncoder().encodeToString(packet.binary());
        }
        String text = packet.text();
        if (text.isEmpty()) {
            return String.valueOf(packet.type().code());
        }
        return packet.type().code() + text;
    }

    /** Decodes one text-encoded packet. */
    public static EnginePacket decode(CharSequence s) throws EngineProtocolException {
        if (s.length() == 0) {
            throw new EngineProtocolException("empty packet");
        }
        char c = s.charAt(0);
        if (c == 'b') {
            return EnginePacket.binary(decodeBase64(s.subSequence(1, s.length())));
        }
        EnginePacketType type = EnginePacketType.fromCode(c);
        if (type == null) {
            throw new EngineProtocolException("unknown packet type '" + c + "'");
        }
        return EnginePacket.of(type, s.length() == 1 ? "" : s.subSequence(1, s.length()).toString());
    }

    /**
     * Decodes the base64 of a {@code b} packet. ASCII white space in it is ignored, as Node's
     * {@code Buffer.from(data, "base64")} does (the official Java client ends its base64 with a line break);
     * anything else outside the base64 alphabet, or a wrong length, is an error.
     */
    public static byte[] decodeBase64(CharSequence base64) throws EngineProtocolException {
        String b64 = base64.toString();
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException strict) {
            StringBuilder sb = new StringBuilder(b64.length());
            for (int i = 0; i < b64.length(); i++) {
                char ch = b64.charAt(i);
                if (ch != ' ' && ch != '\n' && ch != '\r' && ch != '\t') {
                    sb.append(ch);
                }
            }
            try {
                return Base64.getDecoder().decode(sb.toString());
            } catch (IllegalArgumentException e) {
                throw new EngineProtocolException("invalid base64 in binary packet");
            }
        }
    }

    /** Encodes packets as one polling payload, separated by {@code '\u001e'}. */
    public static String encodePayload(List<EnginePacket> packets) {
        if (packets.size() == 1) {
            return encode(packets.get(0));
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < packets.size(); i++) {
            if (i > 0) {
                sb.append(SEPARATOR);
            }
            EnginePacket p = packets.get(i);
            if (p.isBinary()) {
                sb.append('b').append(Base64.getEncoder().encodeToString(p.binary()));
            } else {
                sb.append(p.type().code()).append(p.text());
            }
        }
        return sb.toString();
    }

    /** Decodes a polling payload; every packet in it must be valid. */
    public static List<EnginePacket> decodePayload(CharSequence payload) throws EngineProtocolException {
        List<EnginePacket> out = new ArrayList<>();
        int start = 0;
        int n = payload.length();
        for (int i = 0; i <= n; i++) {
            if (i == n || payload.charAt(i) == SEPARATOR) {
                out.add(decode(payload.subSequence(start, i)));
                start = i + 1;
            }
        }
        return out;
    }
}
