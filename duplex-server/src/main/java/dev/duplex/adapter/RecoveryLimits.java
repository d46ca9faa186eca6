package dev.duplex.adapter;

/**
 * What {@link InMemoryAdapter} keeps, per namespace, for connection state recovery. Past a bound the oldest entry
 * goes first: the session disconnected the longest, or the packet broadcast the earliest. A client whose session was
 * dropped, or whose missed packets are no longer all kept (its offset is older than the oldest packet kept), gets a
 * new session on reconnection, with nothing replayed, as after the window.
 *
 * @param maxSessions    disconnected sessions kept (default 100,000)
 * @param maxPackets     broadcast packets kept (default 100,000)
 * @param maxPacketBytes encoded bytes of the packets kept, text and attachments (default 32 MiB); a packet's
 *                       arguments are kept too, so the heap it takes is larger
 */
public record RecoveryLimits(int maxSessions, int maxPackets, long maxPacketBytes) {

    /** The defaults. */
    public static final RecoveryLimits DEFAULT = new RecoveryLimits(100_000, 100_000, 32L << 20);

    /** Checks the bounds. */
    public RecoveryLimits {
        if (maxSessions < 1 || maxPackets < 1 || maxPacketBytes < 1) {
            throw new IllegalArgumentException("recovery limits must be positive");
        }
    }
}
