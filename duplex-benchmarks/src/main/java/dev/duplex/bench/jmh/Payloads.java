package dev.duplex.bench.jmh;

/** The payloads of the microbenchmarks, the same as the side-by-side comparison's. */
final class Payloads {
    /** 32 ASCII characters. */
    static final String STRING = "duplex-bench-0123456789abcdefghi";

    private Payloads() {
    }
}
