package dev.duplex.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The aggregated events of {@code server_stats}: counts per second, type and sub-type (e.g. {@code rawConnection},
 * {@code rawDisconnection} by reason, {@code packetsIn}, {@code bytesOut}), taken and cleared at each stats emit.
 * Bounded: past {@link #MAX_KEYS} distinct keys between two emits, new keys are dropped (counts of known keys go on).
 */
final class EventBuffer {
    static final int MAX_KEYS = 4096;

    private record Key(long second, String type, String subType) {
    }

    /** Guarded by this. */
    private final Map<Key, long[]> counts = new LinkedHashMap<>();

    void push(String type, String subType, long count) {
        long second = System.currentTimeMillis() / 1000 * 1000;
        Key key = new Key(second, type, subType);
        synchronized (this) {
            long[] c = counts.get(key);
            if (c != null) {
                c[0] += count;
            } else if (counts.size() < MAX_KEYS) {
                counts.put(key, new long[] {count});
            }
        }
    }

    void push(String type) {
        push(type, null, 1);
    }

    /** The counts since the last call, as the UI reads them: {@code [{timestamp, type, subType?, count}]}. */
    ArrayNode takeAll() {
        List<Map.Entry<Key, long[]>> taken;
        synchronized (this) {
            taken = new ArrayList<>(counts.entrySet());
            counts.clear();
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (Map.Entry<Key, long[]> e : taken) {
            ObjectNode o = out.addObject();
            o.put("timestamp", e.getKey().second());
            o.put("type", e.getKey().type());
            if (e.getKey().subType() != null) {
                o.put("subType", e.getKey().subType());
            }
            o.put("count", e.getValue()[0]);
        }
        return out;
    }
}
