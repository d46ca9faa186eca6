package dev.duplex.server;

/** The acknowledgement callback of a client's event. Only the first call sends; later ones are ignored. */
@FunctionalInterface
public interface Ack {

    /** Sends the acknowledgement with these arguments ({@code byte[]}/{@code ByteBuffer} anywhere become binary). */
    void send(Object... args);
}
