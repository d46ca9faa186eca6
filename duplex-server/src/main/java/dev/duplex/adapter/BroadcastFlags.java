package dev.duplex.adapter;

import java.time.Duration;

/**
 * Flags of a broadcast.
 *
 * @param volatileFlag drop the packet for sockets that cannot take it now
 * @param compress     compression hint
 * @param local        do not forward to other servers of the cluster
 * @param broadcast    sent through a broadcast operator
 * @param timeout      ack timeout, or null
 */
public record BroadcastFlags(boolean volatileFlag, boolean compress, boolean local, boolean broadcast,
                             Duration timeout) {

    /** No flag set, compression on. */
    public static final BroadcastFlags DEFAULT = new BroadcastFlags(false, true, false, false, null);
}
