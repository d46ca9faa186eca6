package dev.duplex.protocol.socketio;

import java.util.List;
import java.util.Objects;

/**
 * A Socket.IO packet as it goes on the wire: for socket.io-parser's format, the packet string (without the
 * Engine.IO message type {@code '4'}), then each attachment as one binary Engine.IO message; for a binary format
 * such as msgpack ({@link #binary(byte[])}), one binary message and no text. Immutable as long as nobody modifies
 * the byte arrays.
 */
public final class EncodedPacket {
    private final String text;
    private final List<byte[]> attachments;

    /** An encoded packet; the list is copied. */
    public EncodedPacket(String text, List<byte[]> attachments) {
        this.text = Objects.requireNonNull(text, "text");
        this.attachments = attachments == null || attachments.isEmpty() ? List.of() : List.copyOf(attachments);
    }

    private EncodedPacket(byte[] message) {
        this.text = null;
        this.attachments = List.of(message);
    }

    /**
     * A packet carried by one binary Engine.IO message (not copied): {@link #text()} is {@code null} and
     * {@link #attachments()} holds that message.
     */
    public static EncodedPacket binary(byte[] message) {
        return new EncodedPacket(Objects.requireNonNull(message, "message"));
    }

    /**
     * The Socket.IO packet string, e.g. {@code 42["hello","world"]} or {@code 451-["msg",{"_placeholder":true,"num":0}]};
     * {@code null} for a packet made by {@link #binary(byte[])}.
     */
    public String text() {
        return text;
    }

    /**
     * The binary messages that follow {@link #text()}, in order (the attachments; empty for a non-binary packet),
     * or the one message of a {@link #binary(byte[])} packet.
     */
    public List<byte[]> attachments() {
        return attachments;
    }

    @Override
    public String toString() {
        if (text == null) {
            return "binary packet of " + attachments.get(0).length + " byte(s)";
        }
        return attachments.isEmpty() ? text : text + " +" + attachments.size() + " attachment(s)";
    }
}
