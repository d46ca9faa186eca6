package dev.duplex.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written Sec-WebSocket-Key check accepts exactly what ws's regex accepts. */
class WebSocketKeyTest {
    private static final Pattern WS = Pattern.compile("[+/0-9A-Za-z]{22}==");

    @Test
    void agreesWithWsRegex() {
        List<String> keys = new ArrayList<>(List.of("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ=", "",
                "dGhlIHNhbXBsZSBub25jZQ===", "dGhlIHNhbXBsZSBub25jZ-==", "dGhlIHNhbXBsZSBub25jZ_==",
                "dGhlIHNhbXBsZSBub25jZQ=A", "+/hlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25j\u00e9Q==",
                " GhlIHNhbXBsZSBub25jZQ=="));
        Random r = new Random(19);
        String alphabet = "ABCZabcz0129+/=-_ .\u0000\u00ff";
        for (int i = 0; i < 20_000; i++) {
            int len = 20 + r.nextInt(6);
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < len; j++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            if (r.nextBoolean() && len >= 2) {
                sb.setCharAt(len - 1, '=');
                sb.setCharAt(len - 2, '=');
            }
            keys.add(sb.toString());
        }
        int valid = 0;
        for (String k : keys) {
            boolean expected = WS.matcher(k).matches();
            assertEquals(expected, EngineHttpHandler.validWebSocketKey(k), k);
            valid += expected ? 1 : 0;
        }
        assertEquals(false, EngineHttpHandler.validWebSocketKey(null));
        // the random keys include valid ones too, so both answers are exercised
        org.junit.jupiter.api.Assertions.assertTrue(valid > 2, "valid keys: " + valid);
    }
}
