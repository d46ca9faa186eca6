package dev.duplex.adapter;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Who receives a broadcast.
 *
 * @param rooms  the target rooms (empty: every socket of the namespace)
 * @param except the rooms whose sockets are excluded
 * @param flags  the flags
 */
public record BroadcastOptions(Set<String> rooms, Set<String> except, BroadcastFlags flags) {

    /** Copies the sets. */
    public BroadcastOptions {
        // insertion order is kept: cluster adapters publish the rooms in the order they were given, as socket.io does
        rooms = Collections.unmodifiableSet(new LinkedHashSet<>(Objects.requireNonNull(rooms, "rooms")));
        except = Collections.unmodifiableSet(new LinkedHashSet<>(Objects.requireNonNull(except, "except")));
        flags = flags == null ? BroadcastFlags.DEFAULT : flags;
    }

    /** Every socket of the namespace. */
    public static BroadcastOptions all() {
        return new BroadcastOptions(Set.of(), Set.of(), BroadcastFlags.DEFAULT);
    }
}
