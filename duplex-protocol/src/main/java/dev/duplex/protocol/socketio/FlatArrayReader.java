package dev.duplex.protocol.socketio;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * Reads the common payload of an event or an ack, a flat JSON array of plain strings, small integers, booleans
 * and nulls written without whitespace (e.g. {@code ["echo","hello",42]}), into the same tree the mapper's reader
 * builds, without a Jackson parser per packet (a parser, its I/O context, text buffer, symbol table and
 * deserialization context: about 900 bytes and several hundred bytes of compiled parser code on every message).
 * Anything else (escapes, control characters, surrogates, whitespace, other numbers, objects, nested arrays, a
 * string or document beyond the reader's limits) returns {@code null} and is left to the reader, which also
 * reports every error.
 *
 * <p>Used only for a reader that builds exactly these trees from a probe ({@link #forReader}): a mapper with
 * another node factory or other number features keeps its own reading.
 */
final class FlatArrayReader {
    /** The probe: every kind of element this reader handles. */
    private static final String PROBE = "[\"probe\",\"\u00e9\u4e2d text\",\"\",0,7,-45,2147483647,-2147483648,true,"
            + "false,null]";
    /** Longest integer handled (digits, without the sign): anything longer may not fit an {@code int}. */
    private static final int MAX_INT_DIGITS = 10;

    private final JsonNodeFactory nodes;
    private final int maxStringLength;
    private final long maxDocumentLength;

    private FlatArrayReader(JsonNodeFactory nodes, StreamReadConstraints limits) {
        this.nodes = nodes;
        this.maxStringLength = limits.getMaxStringLength();
        this.maxDocumentLength = limits.hasMaxDocumentLength() ? limits.getMaxDocumentLength() : Long.MAX_VALUE;
    }

    /** The flat-array reader for {@code reader}, or null when its trees differ from this reader's on the probe. */
    static FlatArrayReader forReader(ObjectReader reader) {
        StreamReadConstraints limits = reader.getFactory().streamReadConstraints();
        if (limits.getMaxNumberLength() < MAX_INT_DIGITS || limits.hasMaxTokenCount()) {
            return null;
        }
        FlatArrayReader flat = new FlatArrayReader(reader.getConfig().getNodeFactory(), limits);
        try {
            JsonNode expected = reader.readTree(PROBE);
            JsonNode mine = flat.read(PROBE, 0);
            return sameTree(expected, mine) ? flat : null;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean sameTree(JsonNode a, JsonNode b) {
        if (a == null || b == null || a.getClass() != b.getClass() || !a.equals(b) || a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).getClass() != b.get(i).getClass()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The array written in {@code text} from {@code from} to its end, or {@code null} when it is not a flat
     * array this reader handles (the caller then reads it with Jackson).
     */
    ArrayNode read(String text, int from) {
        int len = text.length();
        if (len - from < 2 || text.charAt(from) != '[' || text.charAt(len - 1) != ']'
                || len - from > maxDocumentLength) {
            return null;
        }
        ArrayNode array = nodes.arrayNode();
        int i = from + 1;
        int end = len - 1;
        if (i == end) {
            return array;
        }
        while (true) {
            char c = text.charAt(i);
            int next;
            if (c == '"') {
                next = string(text, i + 1, end, array);
            } else if (c == '-' || c >= '0' && c <= '9') {
                next = integer(text, i, end, array);
            } else if (text.startsWith("true", i)) {
                array.add(nodes.booleanNode(true));
                next = i + 4;
            } else if (text.startsWith("false", i)) {
                array.add(nodes.booleanNode(false));
                next = i + 5;
            } else if (text.startsWith("null", i)) {
                array.add(nodes.nullNode());
                next = i + 4;
            } else {
                return null;
            }
            if (next < 0 || next > end) {
                return null;
            }
            if (next == end) {
                return array;
            }
            if (text.charAt(next) != ',' || next + 1 == end) {
                return null;
            }
            i = next + 1;
        }
    }

    /** Reads a plain string starting after its quote; the index after its closing quote, or -1. */
    private int string(String text, int start, int end, ArrayNode array) {
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c == '"') {
                if (i - start > maxStringLength) {
                    return -1;
                }
                array.add(nodes.textNode(text.substring(start, i)));
                return i + 1;
            }
            if (c < 0x20 || c == '\\' || Character.isSurrogate(c)) {
                return -1;
            }
        }
        return -1;
    }

    /** Reads an integer that fits an {@code int} (no leading zero, no {@code -0}); the index after it, or -1. */
    private int integer(String text, int start, int end, ArrayNode array) {
        int i = start;
        boolean negative = text.charAt(i) == '-';
        if (negative) {
            i++;
        }
        int digitsFrom = i;
        long value = 0;
        while (i < end) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            if (i - digitsFrom >= MAX_INT_DIGITS) {
                return -1;
            }
            value = value * 10 + (c - '0');
            i++;
        }
        int digits = i - digitsFrom;
        if (digits == 0 || text.charAt(digitsFrom) == '0' && (digits > 1 || negative)) {
            return -1;
        }
        if (negative) {
            value = -value;
        }
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            return -1;
        }
        array.add(nodes.numberNode((int) value));
        return i;
    }
}
