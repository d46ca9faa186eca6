package dev.duplex.adapter;

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
        rooms = Set.copyOf(Objects.requireNonNull(rooms, "rooms"));
        except = Set.copyOf(Objects.requireNonNull(except, "except"));
        flags = flags == null ? BroadcastFlags.DEFAULT : flags;
    }

    /** Every socket of the namespace. */
    public static BroadcastOptions all() {
        return new BroadcastOptions(Set.of(), Set.of(), BroadcastFlags.DEFAULT);
    }
}
