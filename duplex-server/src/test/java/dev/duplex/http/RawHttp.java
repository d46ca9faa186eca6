package dev.duplex.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sends one HTTP/1.1 request with the request target exactly as given (no client-side normalisation, so
 * traversal attempts reach the server as written) and {@code Connection: close}, and reads the whole answer.
 */
final class RawHttp {
    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private RawHttp() {
    }

    static Response get(int port, String target, String... headerLines) throws IOException {
        return request(port, "GET", target, null, headerLines);
    }

    static Response request(int port, String method, String target, byte[] body, String... headerLines)
            throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder();
            req.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
            req.append("Host: localhost\r\nConnection: close\r\n");
            for (String h : headerLines) {
                req.append(h).append("\r\n");
            }
            if (body != null) {
                req.append("Content-Length: ").append(body.length).append("\r\n");
            }
            req.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            InputStream in = s.getInputStream();
            byte[] all = in.readAllBytes();
            return parse(all, "HEAD".equals(method));
        }
    }

    private static Response parse(byte[] all, boolean head) {
        int end = -1;
        for (int i = 0; i + 3 < all.length; i++) {
            if (all[i] == '\r' && all[i + 1] == '\n' && all[i + 2] == '\r' && all[i + 3] == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            throw new AssertionError("no complete response: " + new String(all, StandardCharsets.ISO_8859_1));
        }
        String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(all, end + 4, all.length - end - 4);
        byte[] b = body.toByteArray();
        if (head && b.length > 0) {
            throw new AssertionError("a HEAD response carried a body of " + b.length + " bytes");
        }
        return new Response(status, headers, b);
    }
}
