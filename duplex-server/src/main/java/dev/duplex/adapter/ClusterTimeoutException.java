package dev.duplex.adapter;

import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * A request to the other servers of a cluster (fetchSockets, allRooms, serverSideEmitWithAck, ...) did not get every
 * expected response in time, e.g. because a server went away or the broker is unreachable.
 */
public final class ClusterTimeoutException extends TimeoutException {
    private final transient List<?> partial;

    /** {@code partial}: the responses that arrived in time. */
    public ClusterTimeoutException(String message, List<?> partial) {
        super(message);
        this.partial = List.copyOf(partial);
    }

    /** The responses that arrived in time (for serverSideEmitWithAck: the replies). */
    public List<?> partial() {
        return partial;
    }
}
