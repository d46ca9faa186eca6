package dev.duplex.server;

import java.util.List;

/** Sees every event sent to a socket (direct emits and broadcasts). Called on the emitting thread. */
@FunctionalInterface
public interface AnyOutgoingListener {

    /** @param event the event name; @param args the arguments as given to emit (broadcast: as given to the operator) */
    void onEvent(String event, List<?> args);
}
