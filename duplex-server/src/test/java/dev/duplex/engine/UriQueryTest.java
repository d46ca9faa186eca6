package dev.duplex.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The engine's URI parser against Netty's QueryStringDecoder, which it replaced: the same path, the same decoded
 * parameters in the same order (repeated names kept), and an IllegalArgumentException for the same malformed URIs.
 */
class UriQueryTest {

    private static final List<String> EDGE_CASES = List.of(
            "", "/", "?", "#", "?#", "/?", "/#", "/p", "/socket.io/",
            "/socket.io/?EIO=4&transport=websocket",
            "/socket.io/?EIO=4&transport=polling&t=PZ3a_1x&sid=abc-DEF_123",
            "/socket.io/?EIO=4&transport=polling&t=PZ3a_1x&b64=1",
            "/p?a", "/p?a=", "/p?=a", "/p?==a", "/p?a==b", "/p?a=b=c", "/p?&", "/p?&&a=1&&", "/p?a&b", "/p?a=&b=",
            "/p?a=1&a=2&b=3&a=4", "/p?a=1;b=2", "/p?a=1;;b", "/p?;", "/p?a;=1", "/p?a=1#frag", "/p?a=1#b=2&c",
            "/p#frag?a=1", "/p?#a=1", "/p??a=1", "/p?a?b=c?d", "/p?a=%20&b=%2B&c=+", "/p?a+b=c+d", "/p+q?a=1",
            "/p%20q?x=1", "/p%2Fq", "/p%zz", "/p%", "/p%2", "/p?a=%", "/p?a=%2", "/p?a=%2g", "/p?a=%g2", "/p?%=1",
            "/p?a=%C3%A9", "/p?a=%C3", "/p?a=%C3%28", "/p?a=%E2%82%AC%41", "/p?a=%F0%9F%98%80", "/p?a=%ff%fe",
            "/p?a=%41%", "/p?%41=%42&%41=c", "/p?a=%c3%a9", "/p?\u00e9=\u00fc", "/p?a=%25", "/p?a=%2525",
            "/p?a=b%26c=d", "/p?a=b%3Dc", "/p?a=%0A", "/p?a=%00", "/p?a=%D9%A1", "/p?a=%\u0661\u0661",
            "/socket.io/?EIO=4&transport=websocket&sid=x#", "/socket.io/?EIO=4&EIO=3", "/p?a=1&=&b=2");

    private static void assertSame(String uri) {
        QueryStringDecoder qsd = new QueryStringDecoder(uri);
        String path;
        Map<String, List<String>> params;
        try {
            path = qsd.path();
            params = qsd.parameters();
        } catch (IllegalArgumentException e) {
            assertThatThrownBy(() -> UriQuery.parse(uri)).as(uri).isInstanceOf(IllegalArgumentException.class);
            return;
        }
        UriQuery q = UriQuery.parse(uri);
        assertThat(q.path()).as(uri).isEqualTo(path);
        assertThat(q.toMap()).as(uri).containsExactlyEntriesOf(params);
        List<String> names = new ArrayList<>(params.keySet());
        assertThat(q.toMap().keySet()).as(uri).containsExactlyElementsOf(names);
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            List<String> v = e.getValue();
            assertThat(q.last(e.getKey())).as(uri).isEqualTo(v.get(v.size() - 1));
        }
        assertThat(q.last("\u0000absent")).isNull();
    }

    @Test
    void edgeCasesAsQueryStringDecoder() {
        for (String uri : EDGE_CASES) {
            assertSame(uri);
        }
    }

    @Test
    void randomUrisAsQueryStringDecoder() {
        String[] atoms = {"a", "b", "EIO", "sid", "t", "x", "4", "=", "&", ";", "?", "#", "+", "/", "%", "%2", "%20",
            "%2B", "%3D", "%26", "%C3%A9", "%C3", "%E2%82%AC", "%F0%9F%98%80", "%ff", "%zz", "%4", "%a", "%A",
            "\u00e9", " ", "%25", "-", "_", "."};
        Random random = new Random(19);
        for (int n = 0; n < 50_000; n++) {
            StringBuilder sb = new StringBuilder();
            int parts = random.nextInt(14);
            for (int i = 0; i < parts; i++) {
                sb.append(atoms[random.nextInt(atoms.length)]);
            }
            assertSame(sb.toString());
        }
    }

    @Test
    void theParameterLimitAsQueryStringDecoder() {
        for (int count : new int[] {1023, 1024, 1025, 2000}) {
            StringBuilder sb = new StringBuilder("/p?");
            for (int i = 0; i < count; i++) {
                sb.append("p").append(i % 700).append("=").append(i).append(i % 3 == 0 ? ";" : "&");
            }
            assertSame(sb.toString());
            assertSame(sb.substring(0, sb.length() - 1));
        }
    }

    @Test
    void parametersInTheOrderReceived() {
        UriQuery q = UriQuery.parse("/socket.io/?x=1&EIO=4&x=2&transport=polling");
        assertThat(q.flat()).containsExactly("x", "1", "EIO", "4", "x", "2", "transport", "polling");
        assertThat(q.last("x")).isEqualTo("2");
        assertThat(UriQuery.parse("/p").flat()).isEmpty();
    }
}
