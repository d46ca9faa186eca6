package dev.duplex.http;

import java.util.List;
import java.util.Locale;

/**
 * Picks a content coding from an {@code Accept-Encoding} header the way Node's {@code accepts}/{@code negotiator}
 * does: the highest q-value wins, then an exact name over {@code *}, then the earlier entry of the header, then
 * the earlier entry of the server's own list. A coding with {@code q=0} is refused.
 */
final class AcceptEncoding {
    /*
     * Not Netty's HttpContentCompressor (see engine.HttpCompression for the same choice): the client bundle is
     * compressed once and cached, and the coding must be the one socket.io's `accepts` picks for its file list.
     */
    private AcceptEncoding() {
    }

    /** The chosen coding from {@code offered} (in the server's order of preference), or null for identity. */
    static String choose(String header, List<String> offered) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String[] entries = header.split(",");
        String best = null;
        double bestQ = 0;
        int bestS = -1;
        int bestO = Integer.MAX_VALUE;
        for (String coding : offered) {
            double q = -1;
            int s = -1;
            int o = Integer.MAX_VALUE;
            for (int i = 0; i < entries.length; i++) {
                String[] parts = entries[i].trim().split(";", -1);
                String name = parts[0].trim().toLowerCase(Locale.ROOT);
                int spec;
                if (name.equals(coding)) {
                    spec = 1;
                } else if (name.equals("*")) {
                    spec = 0;
                } else {
                    continue;
                }
                double entryQ = 1;
                for (int p = 1; p < parts.length; p++) {
                    String param = parts[p].trim();
                    if (param.regionMatches(true, 0, "q=", 0, 2)) {
                        try {
                            entryQ = Double.parseDouble(param.substring(2).trim());
                        } catch (NumberFormatException e) {
                            entryQ = 0;
                        }
                    }
                }
                if (spec > s || (spec == s && entryQ > q)) {
                    s = spec;
                    q = entryQ;
                    o = i;
                }
            }
            if (q <= 0) {
                continue;
            }
            if (q > bestQ || (q == bestQ && (s > bestS || (s == bestS && o < bestO)))) {
                best = coding;
                bestQ = q;
                bestS = s;
                bestO = o;
            }
        }
        return best;
    }
}
