package dev.duplex.protocol.engineio;

/** The seven Engine.IO v4 packet types, with their one-character wire codes {@code '0'..'6'}. */
public enum EnginePacketType {
    OPEN, CLOSE, PING, PONG, MESSAGE, UPGRADE, NOOP;

    private static final EnginePacketType[] VALUES = values();

    /** The character that stands for this type on the wire. */
    public char code() {
        return (char) ('0' + ordinal());
    }

    /** The type for a wire character, or {@code null} when the character is no packet type. */
    public static EnginePacketType fromCode(char c) {
        int i = c - '0';
        return i >= 0 && i < VALUES.length ? VALUES[i] : null;
    }
}
