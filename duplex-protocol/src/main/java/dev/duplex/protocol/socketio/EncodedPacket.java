package dev.duplex.protocol.socketio;

import java.util.List;
import java.util.Objects;

/**
 * A Socket.IO packet as it goes on the wire: the packet string (without the Engine.IO message type {@code '4'}),
 * then each attachment as one binary Engine.IO message. Immutable as long as nobody modifies the attachment arrays.
 */
public final class EncodedPacket {
    private final String text;
    private final List<byte[]> attachments;

    /** An encoded packet; the list is copied. */
    public EncodedPacket(String text, List<byte[]> attachments) {
        this.text = Objects.requireNonNull(text, "text");
        this.attachments = attachments == null || attachments.isEmpty() ? List.of() : List.copyOf(attachments);
    }

    /** The Socket.IO packet string, e.g. {@code 42["hello","world"]} or {@code 451-["msg",{"_placeholder":true,"num":0}]}. */
    public String text() {
        return text;
    }

    /** The binary attachments that follow {@link #text()}, in order; empty for a non-binary packet. */
    public List<byte[]> attachments() {
        return attachments;
    }

    @Override
    public String toString() {
        return attachments.isEmpty() ? text : text + " +" + attachments.size() + " attachment(s)";
    }
}
