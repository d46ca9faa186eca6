package dev.duplex.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.duplex.engine.EngineRequest;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The handshake of a namespace connection: the HTTP request that opened the connection and the CONNECT payload. */
public final class Handshake {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("EEE MMM dd yyyy HH:mm:ss 'GMT'Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** The request snapshot; its header and query maps are built on first use, most handshakes never ask. */
    private final EngineRequest request;
    /** The CONNECT payload; without one, an empty object made on first use (most handshakes have none). */
    private volatile ObjectNode auth;
    /** The client's IP address as a string, formatted on first use. */
    private volatile String address;
    // the rest (address, time, TLS, URL, origin) is read from the immutable request: no copies per connection

    Handshake(EngineRequest request, ObjectNode auth) {
        this.request = request;
        this.auth = auth;
    }

    /** Request headers, lower-case names (not the WebSocket key, which is spent with the handshake). */
    public Map<String, List<String>> headers() {
        return request.headers();
    }

    /** The first value of a header (case-insensitive name), or null. */
    public String header(String name) {
        return request.header(name);
    }

    /** Query parameters of the handshake request, first value of each. */
    public Map<String, String> query() {
        Map<String, String> q = new LinkedHashMap<>();
        request.queryParameters().forEach((k, v) -> q.put(k, v.isEmpty() ? "" : v.get(0)));
        return q;
    }

    /** Query parameters with all their values. */
    public Map<String, List<String>> queryParameters() {
        return request.queryParameters();
    }

    /** The CONNECT payload ({@code auth} of the client), an empty object when none. Do not modify. */
    public JsonNode auth() {
        ObjectNode a = auth;
        if (a == null) {
            synchronized (this) {
                a = auth;
                if (a == null) {
                    a = JsonNodeFactory.instance.objectNode();
                    auth = a;
                }
            }
        }
        return a;
    }

    /** The client's IP address as a string. */
    public String address() {
        String a = address;
        InetSocketAddress remoteAddress = request.remoteAddress();
        if (a == null && remoteAddress != null) {
            a = remoteAddress.getAddress() != null ? remoteAddress.getAddress().getHostAddress()
                    : remoteAddress.getHostString();
            address = a;
        }
        return a;
    }

    /** The client's socket address. */
    public InetSocketAddress remoteAddress() {
        return request.remoteAddress();
    }

    /** When the connection was opened, as a date string. */
    public String time() {
        return TIME.format(Instant.ofEpochMilli(request.time()));
    }

    /** When the connection was opened, epoch millis. */
    public long issued() {
        return request.time();
    }

    /** True over TLS. */
    public boolean secure() {
        return request.secure();
    }

    /** The URI of the handshake request. */
    public String url() {
        return request.uri();
    }

    /** True when the request had an Origin header (cross-domain). */
    public boolean xdomain() {
        return request.header("origin") != null;
    }

    /**
     * The handshake as socket.io describes it to the other servers of a cluster (a fetchSockets response):
     * {@code headers} (one string per header, repeated values joined with ", "), {@code time}, {@code address},
     * {@code xdomain}, {@code secure}, {@code issued}, {@code url}, {@code query}, {@code auth}.
     */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        ObjectNode h = o.putObject("headers");
        headers().forEach((k, v) -> h.put(k, String.join(", ", v)));
        o.put("time", time());
        o.put("address", address());
        o.put("xdomain", xdomain());
        o.put("secure", secure());
        o.put("issued", issued());
        o.put("url", url());
        ObjectNode q = o.putObject("query");
        query().forEach(q::put);
        o.set("auth", auth().deepCopy());
        return o;
    }

    @Override
    public String toString() {
        return "Handshake[address=" + address() + ", url=" + url() + ", auth=" + auth() + "]";
    }
}
