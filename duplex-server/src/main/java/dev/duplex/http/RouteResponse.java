package dev.duplex.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The immutable answer of a {@link Route}: status, content type, extra headers and body. */
public final class RouteResponse {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int status;
    private final String contentType;
    private final Map<String, String> headers;
    private final byte[] body;

    private RouteResponse(int status, String contentType, Map<String, String> headers, byte[] body) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("bad status " + status);
        }
        this.status = status;
        this.contentType = contentType;
        this.headers = Map.copyOf(headers);
        this.body = body;
    }

    /** 200 with bytes of the given content type. */
    public static RouteResponse of(String contentType, byte[] body) {
        return new RouteResponse(200, contentType, Map.of(), Objects.requireNonNull(body, "body").clone());
    }

    /** 200 {@code text/plain; charset=utf-8}. */
    public static RouteResponse text(String text) {
        return new RouteResponse(200, "text/plain; charset=utf-8", Map.of(), text.getBytes(StandardCharsets.UTF_8));
    }

    /** 200 {@code text/html; charset=utf-8}. */
    public static RouteResponse html(String html) {
        return new RouteResponse(200, "text/html; charset=utf-8", Map.of(), html.getBytes(StandardCharsets.UTF_8));
    }

    /** 200 {@code application/json}: a String is sent as is (already JSON), anything else through Jackson. */
    public static RouteResponse json(Object value) {
        byte[] bytes;
        if (value instanceof String) {
            bytes = ((String) value).getBytes(StandardCharsets.UTF_8);
        } else {
            try {
                bytes = JSON.writeValueAsBytes(value);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot write as JSON: " + value, e);
            }
        }
        return new RouteResponse(200, "application/json; charset=utf-8", Map.of(), bytes);
    }

    /** An empty answer with this status (e.g. 204). */
    public static RouteResponse status(int status) {
        return new RouteResponse(status, null, Map.of(), new byte[0]);
    }

    /** The same answer with another status. */
    public RouteResponse withStatus(int newStatus) {
        return new RouteResponse(newStatus, contentType, headers, body);
    }

    /** The same answer with one more header (replacing one of the same name). */
    public RouteResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return new RouteResponse(status, contentType, h, body);
    }

    public int statusCode() {
        return status;
    }

    /** The content type, or null. */
    public String contentType() {
        return contentType;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** A copy of the body. */
    public byte[] body() {
        return body.clone();
    }

    byte[] bodyNoCopy() {
        return body;
    }
}
