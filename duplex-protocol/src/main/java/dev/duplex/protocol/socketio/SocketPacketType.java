package dev.duplex.protocol.socketio;

/** The seven Socket.IO v5 packet types, with their wire codes {@code '0'} to {@code '6'}. */
public enum SocketPacketType {
    /** {@code 0}: connect to a namespace (client, with auth) or the server's reply (with {@code sid}). */
    CONNECT,
    /** {@code 1}: leave a namespace. */
    DISCONNECT,
    /** {@code 2}: an event, {@code ["name", ...args]}. */
    EVENT,
    /** {@code 3}: an acknowledgement, {@code [...args]}, always with an ack id. */
    ACK,
    /** {@code 4}: connection to a namespace refused. */
    CONNECT_ERROR,
    /** {@code 5}: an event followed by binary attachments. */
    BINARY_EVENT,
    /** {@code 6}: an acknowledgement followed by binary attachments. */
    BINARY_ACK;

    private static final SocketPacketType[] VALUES = values();

    /** The wire code of this type, {@code '0'} to {@code '6'}. */
    public char code() {
        return (char) ('0' + ordinal());
    }

    /** The type with the given wire code, or {@code null} if there is none. */
    public static SocketPacketType fromCode(char c) {
        int i = c - '0';
        return i >= 0 && i < VALUES.length ? VALUES[i] : null;
    }

    /** Whether this is {@link #BINARY_EVENT} or {@link #BINARY_ACK}. */
    public boolean isBinary() {
        return this == BINARY_EVENT || this == BINARY_ACK;
    }
}
