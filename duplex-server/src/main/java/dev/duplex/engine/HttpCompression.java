package dev.duplex.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/** gzip/deflate of polling responses, negotiated from Accept-Encoding like the {@code accepts} npm package. */
final class HttpCompression {
    private HttpCompression() {
    }

    /**
     * The encoding to use among gzip and deflate, or {@code null}: the one with the highest q-value
     * (gzip first on a tie), {@code *} standing for any not listed.
     */
    /*
     * Not Netty's HttpContentCompressor: it compresses in the pipeline as the response streams and negotiates with
     * its own preferences (br, zstd, snappy before gzip), while a polling payload is compressed whole, only past
     * engine.io's 1 kB threshold, and the coding must be the one engine.io's `accepts(req).encodings(["gzip",
     * "deflate"])` picks. Netty exposes no stand-alone Accept-Encoding negotiator to reuse.
     */
    static String choose(String acceptEncoding) {
        if (acceptEncoding == null || acceptEncoding.isEmpty()) {
            return null;
        }
        double gzip = -1;
        double deflate = -1;
        double star = -1;
        for (String part : acceptEncoding.split(",")) {
            String[] kv = part.trim().split(";");
            String name = kv[0].trim().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int i = 1; i < kv.length; i++) {
                String p = kv[i].trim();
                if (p.startsWith("q=") || p.startsWith("Q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if ("gzip".equals(name)) {
                gzip = q;
            } else if ("deflate".equals(name)) {
                deflate = q;
            } else if ("*".equals(name)) {
                star = q;
            }
        }
        if (gzip < 0) {
            gzip = star;
        }
        if (deflate < 0) {
            deflate = star;
        }
        if (gzip <= 0 && deflate <= 0) {
            return null;
        }
        return gzip >= deflate ? "gzip" : "deflate";
    }

    static byte[] compress(byte[] data, String encoding) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 3));
        try (DeflaterOutputStream z = "gzip".equals(encoding) ? new GZIPOutputStream(out)
                : new DeflaterOutputStream(out)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
