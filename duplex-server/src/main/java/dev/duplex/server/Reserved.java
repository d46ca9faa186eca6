package dev.duplex.server;

import java.util.Set;

/** socket.io's reserved event names, which users cannot emit. */
final class Reserved {
    static final Set<String> NAMES =
            Set.of("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

    private Reserved() {
    }

    static void check(String event) {
        if (event == null) {
            throw new IllegalArgumentException("event name must not be null");
        }
        if (NAMES.contains(event)) {
            throw new IllegalArgumentException("\"" + event + "\" is a reserved event name");
        }
    }
}
