package dev.duplex.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafePathTest {
    @ParameterizedTest
    @ValueSource(strings = {"..", "../a", "a/../b", "%2e%2e/a", "%2E%2e", ".%2E", "a/%2e", ".", "./a", "a//b", "/a",
        "a%2fb", "a%2Fb", "a\\b", "a%5cb", "a%00", "%", "%g0", "a%2", "C:/x", "c%3a", ".git/config", "a/.env",
        "%c0%ae%c0%ae", "%ff", "a%0a", "a\u0001b", "//"})
    void refuses(String raw) {
        assertThat(SafePath.parse(raw)).as(raw).isNull();
    }

    @Test
    void accepts() {
        assertThat(SafePath.parse("")).isEqualTo(new SafePath.Segments(List.of(), true));
        assertThat(SafePath.parse("a/b.js")).isEqualTo(new SafePath.Segments(List.of("a", "b.js"), false));
        assertThat(SafePath.parse("a/b/")).isEqualTo(new SafePath.Segments(List.of("a", "b"), true));
        assertThat(SafePath.parse("caf%C3%A9%20x.txt").names()).containsExactly("caf\u00e9 x.txt");
        assertThat(SafePath.parse("caf\u00e9.txt").names()).containsExactly("caf\u00e9.txt");
        assertThat(SafePath.parse("a..b/c...").names()).containsExactly("a..b", "c...");
        assertThat(SafePath.parse("%252e%252e").names()).containsExactly("%2e%2e");
        assertThat(SafePath.parse("a+b").names()).containsExactly("a+b");
    }
}
