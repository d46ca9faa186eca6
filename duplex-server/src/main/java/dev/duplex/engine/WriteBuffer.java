package dev.duplex.engine;

import java.util.ArrayDeque;

/**
 * The packets a session has queued and not yet handed to its transport, with their approximate size in bytes
 * (text counted by its UTF-16 length, binary by its length, a shared message by its frame), so that the session
 * can enforce {@link EngineOptions#maxBufferedBytes()}. Items are {@code String} (a text message), {@code byte[]}
 * (a binary message) or {@link EngineMessage}, possibly wrapped in {@link Session.Uncompressed}. Confined to the
 * session's loop.
 * <p>The oldest item waits in a field of its own while nothing else is queued: most sessions queue one item at a
 * time and flush it at once, and an idle one queues nothing, so the deque behind it (made the first time two items
 * wait together, then kept) is never made for them.
 */
final class WriteBuffer {
    /** The oldest item when {@link #rest} holds nothing (then the only one), else null. */
    private Object first;
    /** The items after {@link #first}; null until two items waited together. */
    private ArrayDeque<Object> rest;
    private long bytes;

    void add(Object item) {
        if (first == null && (rest == null || rest.isEmpty())) {
            first = item;
        } else {
            if (rest == null) {
                rest = new ArrayDeque<>(4);
            }
            rest.add(item);
        }
        bytes += size(item);
    }

    /** The oldest item, removed, or null. */
    Object poll() {
        Object item = first;
        if (item != null) {
            first = null;
        } else if (rest != null) {
            item = rest.poll();
        }
        if (item != null) {
            bytes -= size(item);
        }
        return item;
    }

    boolean isEmpty() {
        return first == null && (rest == null || rest.isEmpty());
    }

    /** Removes the last occurrence of this exact item. */
    boolean removeLast(Object item) {
        if (rest != null && rest.removeLastOccurrence(item) || first != null && first == item && clearFirst()) {
            bytes -= size(item);
            return true;
        }
        return false;
    }

    private boolean clearFirst() {
        first = null;
        return true;
    }

    void clear() {
        first = null;
        if (rest != null) {
            rest.clear();
        }
        bytes = 0;
    }

    /** The approximate number of bytes queued. */
    long bytes() {
        return bytes;
    }

    int size() {
        return (first == null ? 0 : 1) + (rest == null ? 0 : rest.size());
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
