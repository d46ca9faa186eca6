package dev.duplex.client;

/** A catch-all listener ({@link Socket#onAny}, {@link Socket#onAnyOutgoing}): the event name and its arguments. */
@FunctionalInterface
public interface AnyListener {
    void call(String event, Object... args);
}
