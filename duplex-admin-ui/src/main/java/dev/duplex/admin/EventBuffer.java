package dev.duplex.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The aggregated events of {@code server_stats}, taken and cleared at each stats emit. The per-packet counts
 * ({@code packetsIn}, {@code packetsOut}, {@code bytesIn}, {@code bytesOut}) are contention-free adders stamped
 * with the second they are taken (the UI groups by 10 s anyway); connections and disconnections (by reason) are
 * kept per second. Bounded: past {@link #MAX_KEYS} distinct (second, type, reason) keys between two emits, new keys
 * are dropped.
 */
final class EventBuffer {
    static final int MAX_KEYS = 1024;

    private record Key(long second, String type, String subType) {
    }

    private final LongAdder packetsIn = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder packetsOut = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    /** Guarded by this. */
    private final Map<Key, long[]> counts = new LinkedHashMap<>();

    void packetIn(int bytes) {
        packetsIn.increment();
        bytesIn.add(bytes);
    }

    void packetOut(int bytes) {
        packetsOut.increment();
        bytesOut.add(bytes);
    }

    void push(String type, String subType) {
        Key key = new Key(second(), type, subType);
        synchronized (this) {
            long[] c = counts.get(key);
            if (c != null) {
                c[0]++;
            } else if (counts.size() < MAX_KEYS) {
                counts.put(key, new long[] {1});
            }
        }
    }

    private static long second() {
        return System.currentTimeMillis() / 1000 * 1000;
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
            add(out, e.getKey().second(), e.getKey().type(), e.getKey().subType(), e.getValue()[0]);
        }
        long now = second();
        add(out, now, "packetsIn", null, packetsIn.sumThenReset());
        add(out, now, "bytesIn", null, bytesIn.sumThenReset());
        add(out, now, "packetsOut", null, packetsOut.sumThenReset());
        add(out, now, "bytesOut", null, bytesOut.sumThenReset());
        return out;
    }

    private static void add(ArrayNode out, long timestamp, String type, String subType, long count) {
        if (count == 0) {
            return;
        }
        ObjectNode o = out.addObject();
        o.put("timestamp", timestamp);
        o.put("type", type);
        if (subType != null) {
            o.put("subType", subType);
        }
        o.put("count", count);
    }
}
