package dev.duplex.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.duplex.server.RemoteSocket;
import dev.duplex.server.Socket;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;

/** Sockets as the UI reads them ({@code SerializedSocket} of the admin-ui protocol), and timestamps. */
final class Serializer {
    /** The key of the UI's own entry in {@code socket.data()} (as Node's {@code socket.data._admin}). */
    static final String ADMIN_KEY = "_admin";
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final ObjectMapper mapper;

    Serializer(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Now, as JavaScript's {@code new Date()} is sent in JSON. */
    static String now() {
        return ISO.format(Instant.now());
    }

    ObjectNode socket(Socket socket) {
        return serialize(socket.id(), socket.nsp().name(), socket.data(), socket.handshake().toJson(),
                socket.rooms());
    }

    ObjectNode socket(RemoteSocket socket, String nsp) {
        return serialize(socket.id(), nsp, socket.data(), socket.handshakeJson(), socket.rooms());
    }

    private ObjectNode serialize(String id, String nsp, Map<String, Object> data, JsonNode handshake,
                                 Set<String> rooms) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", id);
        JsonNode admin = data == null ? null : toJson(data.get(ADMIN_KEY));
        o.put("clientId", admin != null && admin.hasNonNull("clientId") ? admin.get("clientId").asText() : null);
        o.put("transport", admin != null && admin.hasNonNull("transport") ? admin.get("transport").asText() : null);
        o.put("nsp", nsp);
        o.set("data", data(data));
        ObjectNode h = o.putObject("handshake");
        JsonNode headers = handshake == null ? null : handshake.get("headers");
        String address = null;
        if (headers != null) {
            address = text(headers.get("cf-connecting-ip"));
            if (address == null) {
                address = text(headers.get("x-forwarded-for"));
            }
        }
        if (address == null && handshake != null) {
            address = text(handshake.get("address"));
        }
        h.put("address", address);
        if (handshake != null) {
            for (String f : new String[] {"headers", "query", "issued", "secure", "time", "url", "xdomain"}) {
                if (handshake.has(f)) {
                    h.set(f, handshake.get(f));
                }
            }
        }
        o.putArray("rooms").addAll(rooms.stream().map(JsonNodeFactory.instance::textNode).toList());
        return o;
    }

    /** The user data without the UI's own entry; a value Jackson cannot write is shown as its toString. */
    ObjectNode data(Map<String, Object> data) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (data == null) {
            return out;
        }
        data.forEach((k, v) -> {
            if (!k.startsWith(ADMIN_KEY)) {
                out.set(k, toJson(v));
            }
        });
        return out;
    }

    JsonNode toJson(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return mapper.valueToTree(value);
        } catch (RuntimeException e) {
            return JsonNodeFactory.instance.textNode(String.valueOf(value));
        }
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }
}
