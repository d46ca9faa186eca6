package dev.duplex.protocol.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The decoder's flat-array reader builds exactly the tree Jackson builds (same values, same node classes), or
 * leaves the text to Jackson; and a plain event is decoded without a Jackson parser (allocation bound).
 */
class FlatArrayReaderTest {
    private final ObjectReader jackson = new ObjectMapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final FlatArrayReader flat = FlatArrayReader.forReader(jackson);

    /** Either null (Jackson reads it) or the same tree, node class by node class, as Jackson's. */
    private void sameOrLeft(String json) {
        JsonNode mine = flat.read(json, 0);
        if (mine == null) {
            return;
        }
        JsonNode expected;
        try {
            expected = jackson.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("read " + json + " which Jackson rejects: " + e, e);
        }
        assertThat(mine).as(json).isEqualTo(expected);
        assertThat(mine.getClass()).isEqualTo(expected.getClass());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(mine.get(i).getClass()).as(json + " element " + i).isEqualTo(expected.get(i).getClass());
        }
    }

    @Test
    void readsCommonPayloadsItselfExactlyAsJackson() {
        assertThat(flat).isNotNull();
        for (String json : List.of("[\"echo\",\"duplex-bench-0123456789abcdefghi\"]", "[\"a\"]", "[]", "[\"\"]",
                "[\"chat\",\"h\u00e9llo \u4e2d\u6587\",42,-7,0,true,false,null]", "[2147483647,-2147483648]",
                "[\"x\",\"/\",\"'\"]", "[1,2,3]")) {
            assertThat(flat.read(json, 0)).as(json).isNotNull();
            sameOrLeft(json);
        }
        assertThat(flat.read("42[\"echo\",1]", 2)).isEqualTo(flat.read("[\"echo\",1]", 0));
    }

    @Test
    void leavesEverythingElseToJackson() {
        for (String json : List.of("[\"a\\\"b\"]", "[\"a\\u0041\"]", "[\"tab\there\"]", "[ \"a\"]", "[\"a\" ]",
                "[\"a\",{\"b\":1}]", "[[1]]", "[1.5]", "[1e3]", "[-0]", "[01]", "[2147483648]", "[-2147483649]",
                "[12345678901]", "[\"a\",]", "[,\"a\"]", "[\"a\"\"b\"]", "[tru]", "[truex]", "[nul]", "[\"open]",
                "[\"\ud83d\ude00\"]", "[\"\ud83d\"]", "{\"a\":1}", "\"a\"", "[", "]", "[\"a\"]x", "[-]", "[--1]",
                "[NaN]", "[true,]", "[\"a\"\n]")) {
            assertThat(flat.read(json, 0)).as(json).isNull();
        }
    }

    @Test
    void randomFlatArraysAgreeWithJackson() {
        Random random = new Random(19);
        String[] atoms = {"\"a\"", "\"\"", "\"\\n\"", "\"x y\"", "\"\u00e9\"", "0", "-1", "17", "1.0", "true", "false",
            "null", "-0", "007", "2147483647", "2147483648", " ", ",", "\"\t\"", "{}", "[]", "\"\\\\\"", "9999999999"};
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder("[");
            int count = random.nextInt(5);
            for (int k = 0; k < count; k++) {
                if (k > 0 && random.nextInt(10) > 0) {
                    sb.append(',');
                }
                sb.append(atoms[random.nextInt(atoms.length)]);
            }
            if (random.nextInt(20) > 0) {
                sb.append(']');
            }
            sameOrLeft(sb.toString());
        }
    }

    @Test
    void aReaderWithOtherTreesOrTighterLimitsKeepsJackson() {
        ObjectReader decimals = JsonMapper.builder().enable(DeserializationFeature.USE_LONG_FOR_INTS).build()
                .reader();
        assertThat(FlatArrayReader.forReader(decimals)).isNull();
        // a node factory of its own: its nodes, as the reader would build them
        FlatArrayReader ownNodes = FlatArrayReader.forReader(new ObjectMapper().reader().with(new OwnTextNodes()));
        assertThat(ownNodes).isNotNull();
        assertThat(ownNodes.read("[\"a\"]", 0).get(0)).isInstanceOf(OwnTextNode.class);
        ObjectMapper shortStrings = new ObjectMapper();
        shortStrings.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxStringLength(3)
                .build());
        FlatArrayReader limited = FlatArrayReader.forReader(shortStrings.reader());
        if (limited != null) {
            assertThat(limited.read("[\"abcd\"]", 0)).isNull();
            assertThat(limited.read("[\"abc\"]", 0)).isNotNull();
        }
    }

    @Test
    void aPlainEventIsDecodedWithoutAJacksonParser() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        SocketIoDecoder decoder = new SocketIoDecoder();
        String text = "2[\"echo\",\"duplex-bench-0123456789abcdefghi\"]";
        for (int i = 0; i < 20_000; i++) {
            decoder.decode(text); // warm (the interpreter and C1 allocate like compiled code here)
        }
        int n = 10_000;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < n; i++) {
            decoder.decode(text);
        }
        long perDecode = (threads.getCurrentThreadAllocatedBytes() - before) / n;
        // the packet, its tree (array node, list, two text nodes) and the two strings: about 250 bytes; through a
        // Jackson parser about 1,200
        assertThat(perDecode).as("bytes allocated per decode").isLessThan(400);
    }

    /** A node factory whose text nodes are of its own class. */
    private static final class OwnTextNodes extends JsonNodeFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public TextNode textNode(String text) {
            return new OwnTextNode(text);
        }
    }

    private static final class OwnTextNode extends TextNode {
        private static final long serialVersionUID = 1L;

        OwnTextNode(String v) {
            super(v);
        }
    }
}
