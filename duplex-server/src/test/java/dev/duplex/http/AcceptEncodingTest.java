package dev.duplex.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AcceptEncodingTest {
    private static final List<String> OFFERED = List.of("gzip", "deflate");

    @Test
    void choosesLikeNegotiator() {
        assertThat(AcceptEncoding.choose(null, OFFERED)).isNull();
        assertThat(AcceptEncoding.choose("", OFFERED)).isNull();
        assertThat(AcceptEncoding.choose("gzip, deflate, br, zstd", OFFERED)).isEqualTo("gzip");
        assertThat(AcceptEncoding.choose("deflate, gzip", OFFERED)).isEqualTo("deflate");
        assertThat(AcceptEncoding.choose("gzip;q=0.2, deflate;q=0.8", OFFERED)).isEqualTo("deflate");
        assertThat(AcceptEncoding.choose("*", OFFERED)).isEqualTo("gzip");
        assertThat(AcceptEncoding.choose("*, gzip;q=0", OFFERED)).isEqualTo("deflate");
        assertThat(AcceptEncoding.choose("br", OFFERED)).isNull();
        assertThat(AcceptEncoding.choose("GZIP", OFFERED)).isEqualTo("gzip");
        assertThat(AcceptEncoding.choose("gzip;q=abc", OFFERED)).isNull();
        assertThat(AcceptEncoding.choose(" , ;;, gzip ; q=1", OFFERED)).isEqualTo("gzip");
    }
}
