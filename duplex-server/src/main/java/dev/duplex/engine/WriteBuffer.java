package dev.duplex.engine;

import java.util.ArrayDeque;

/**
 * The packets a session has queued and not yet handed to its transport, with their approximate size in bytes
 * (text counted by its UTF-16 length, binary by its length, a shared message by its frame), so that the session
 * can enforce {@link EngineOptions#maxBufferedBytes()}. Items are {@code String} (a text message), {@code byte[]}
 * (a binary message) or {@link EngineMessage}, possibly wrapped in {@link Session.Uncompressed}. Confined to the session's loop.
 */
final class WriteBuffer {
    /** Small at first: an idle session holds nothing, a busy WebSocket one a few items between flushes. */
    private final ArrayDeque<Object> items = new ArrayDeque<>(4);
    private long bytes;

    void add(Object item) {
        items.add(item);
        bytes += size(item);
    }

    /** The oldest item, removed, or null. */
    Object poll() {
        Object item = items.poll();
        if (item != null) {
            bytes -= size(item);
        }
        return item;
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    /** Removes the last occurrence of this exact item. */
    boolean removeLast(Object item) {
        if (items.removeLastOccurrence(item)) {
            bytes -= size(item);
            return true;
        }
        return false;
    }

    void clear() {
        items.clear();
        bytes = 0;
    }

    /** The approximate number of bytes queued. */
    long bytes() {
        return bytes;
    }

    int size() {
        return items.size();
    }

    static long size(Object item) {
        if (item instanceof Session.Uncompressed) {
            return size(((Session.Uncompressed) item).item());
        }
        if (item instanceof String) {
            return ((String) item).length() + 1;
        }
        if (item instanceof byte[]) {
            return ((byte[]) item).length;
        }
        return ((EngineMessage) item).frame().length;
    }
}
