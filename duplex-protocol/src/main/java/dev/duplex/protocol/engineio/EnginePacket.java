package dev.duplex.protocol.engineio;

import java.util.Arrays;
import java.util.Objects;

/**
 * One Engine.IO packet: a type and either text data (possibly empty) or, for binary messages, bytes.
 * Immutable as long as the caller does not modify the array it passed in or got back.
 */
public final class EnginePacket {
    private static final EnginePacket[] BARE = new EnginePacket[EnginePacketType.values().length];

    static {
        for (EnginePacketType t : EnginePacketType.values()) {
            BARE[t.ordinal()] = new EnginePacket(t, "", null);
        }
    }

    private final EnginePacketType type;
    private final String text;
    private final byte[] binary;

    private EnginePacket(EnginePacketType type, String text, byte[] binary) {
        this.type = type;
        this.text = text;
        this.binary = binary;
    }

    /** A packet of the given type with no data, e.g. {@code ping} or {@code noop}. */
    public static EnginePacket of(EnginePacketType type) {
        return BARE[type.ordinal()];
    }

    /** A packet of the given type with text data ({@code ""} for none). */
    public static EnginePacket of(EnginePacketType type, String data) {
        Objects.requireNonNull(type, "type");
        if (data == null || data.isEmpty()) {
            return of(type);
        }
        return new EnginePacket(type, data, null);
    }

    /** A text message packet. */
    public static EnginePacket message(String data) {
        return of(EnginePacketType.MESSAGE, data);
    }

    /** A binary message packet (binary data is always a message in Engine.IO v4). */
    public static EnginePacket binary(byte[] data) {
        return new EnginePacket(EnginePacketType.MESSAGE, null, Objects.requireNonNull(data, "data"));
    }

    public EnginePacketType type() {
        return type;
    }

    /** The text data, {@code ""} when there is none, {@code null} for a binary packet. */
    public String text() {
        return text;
    }

    /** The binary data, {@code null} for a text packet. */
    public byte[] binary() {
        return binary;
    }

    public boolean isBinary() {
        return binary != null;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof EnginePacket)) {
            return false;
        }
        EnginePacket p = (EnginePacket) o;
        return type == p.type && Objects.equals(text, p.text) && Arrays.equals(binary, p.binary);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * type.hashCode() + Objects.hashCode(text)) + Arrays.hashCode(binary);
    }

    @Override
    public String toString() {
        return isBinary()
                ? "EnginePacket{" + type + ", binary[" + binary.length + "]}"
                : "EnginePacket{" + type + ", \"" + text + "\"}";
    }
}
