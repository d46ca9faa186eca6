package dev.duplex.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server's end of its TCP connections on one port, from {@code /proc/net/tcp} and {@code /proc/net/tcp6} (the
 * generator and the server share loopback and the network namespace): every socket whose local port is the
 * server's, except the listening one and those in TIME_WAIT (closed on both sides; only the kernel keeps them). A
 * connection the client closed and the server has not closed yet (CLOSE_WAIT) still counts.
 */
final class ServerSockets {
    private static final String LISTEN = "0A";
    private static final String TIME_WAIT = "06";

    private ServerSockets() {
    }

    /** The server's open connections on {@code port}, or -1 when {@code /proc/net/tcp} cannot be read. */
    static int count(int port) {
        try {
            int n = count(Files.readString(Path.of("/proc/net/tcp")), port);
            Path v6 = Path.of("/proc/net/tcp6");
            return Files.isReadable(v6) ? n + count(Files.readString(v6), port) : n;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The same, counted in the text of one {@code /proc/net/tcp}-style table. */
    static int count(String table, int port) {
        int n = 0;
        for (String line : table.split("\n")) {
            String[] f = line.trim().split("\\s+");
            // "sl local_address rem_address st ...": e.g. "3: 0100007F:1F90 0200007F:D2F4 01 ..."
            if (f.length < 4 || !f[0].endsWith(":")) {
                continue;
            }
            int colon = f[1].lastIndexOf(':');
            if (colon < 0 || Integer.parseInt(f[1].substring(colon + 1), 16) != port) {
                continue;
            }
            if (!f[3].equals(LISTEN) && !f[3].equals(TIME_WAIT)) {
                n++;
            }
        }
        return n;
    }
}
