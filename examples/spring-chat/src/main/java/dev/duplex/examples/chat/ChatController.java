package dev.duplex.examples.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.server.ConnectionRefusedException;
import dev.duplex.server.Handshake;
import dev.duplex.server.Socket;
import dev.duplex.server.SocketIoServer;
import dev.duplex.spring.Middleware;
import dev.duplex.spring.OnConnect;
import dev.duplex.spring.OnDisconnect;
import dev.duplex.spring.OnEvent;
import dev.duplex.spring.SocketIoController;
import org.springframework.beans.factory.annotation.Value;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The chat's handlers on the main namespace.
 * <ul>
 * <li>middleware: with {@code chat.token} set, a client must send {@code auth: {token}} or is refused;</li>
 * <li>on connect: the others get "someone connected", the newcomer "welcome";</li>
 * <li>"join" {nickname}: everyone gets "user joined"; the ack is {ok, nickname} or {ok: false, error};</li>
 * <li>"chat message" {text}: everyone gets "chat message" {id, nickname, text, time}; the ack is {ok};</li>
 * <li>"typing": the others get "typing" {id, nickname};</li>
 * <li>on disconnect: the others get "user left" {id, nickname, reason}.</li>
 * </ul>
 */
@SocketIoController("/")
public class ChatController {
    static final int MAX_TEXT = 500;
    static final int MAX_NICKNAME = 24;
    private static final String NICKNAME = "nickname";

    /** The "join" request. */
    public record Join(String nickname) {
    }

    /** The ack of "join". */
    public record Joined(boolean ok, String nickname, String error) {
    }

    /** The "chat message" request. */
    public record ChatMessage(String text) {
    }

    /** The "chat message" everyone gets. */
    public record Posted(String id, String nickname, String text, long time) {
    }

    /** The ack of "chat message". */
    public record Result(boolean ok, String error) {
    }

    private final SocketIoServer io;
    private final String token;
    private final List<String> disconnectReasons = new CopyOnWriteArrayList<>();

    public ChatController(SocketIoServer io, @Value("${chat.token:}") String token) {
        this.io = io;
        this.token = token;
    }

    @Middleware
    void checkToken(Handshake handshake) throws ConnectionRefusedException {
        if (token.isEmpty()) {
            return;
        }
        JsonNode auth = handshake.auth();
        JsonNode sent = auth == null ? null : auth.get("token");
        if (sent == null || !token.equals(sent.asText())) {
            throw new ConnectionRefusedException("invalid token: access refused",
                    Map.of("hint", "send auth: {token}"));
        }
    }

    @OnConnect
    void connected(Socket socket) {
        socket.broadcast().emit("someone connected", Map.of("id", socket.id(), "online", online()));
        socket.emit("welcome", Map.of("id", socket.id(), "online", online()));
    }

    @OnEvent("join")
    Joined join(Socket socket, Join join) {
        String nickname = join == null || join.nickname() == null ? "" : join.nickname().strip();
        if (nickname.isEmpty() || nickname.length() > MAX_NICKNAME) {
            return new Joined(false, null, "a nickname has 1 to " + MAX_NICKNAME + " characters");
        }
        socket.data().put(NICKNAME, nickname);
        io.emit("user joined", Map.of("id", socket.id(), NICKNAME, nickname, "online", online()));
        return new Joined(true, nickname, null);
    }

    @OnEvent("chat message")
    Result message(Socket socket, ChatMessage message) {
        String text = message == null ? null : message.text();
        if (text == null || text.isBlank()) {
            return new Result(false, "empty message");
        }
        if (text.length() > MAX_TEXT) {
            text = text.substring(0, MAX_TEXT);
        }
        io.emit("chat message", new Posted(socket.id(), nickname(socket), text, System.currentTimeMillis()));
        return new Result(true, null);
    }

    @OnEvent("typing")
    void typing(Socket socket) {
        socket.broadcast().emit("typing", Map.of("id", socket.id(), NICKNAME, nickname(socket)));
    }

    @OnDisconnect
    void disconnected(Socket socket, String reason) {
        disconnectReasons.add(reason);
        io.emit("user left", Map.of("id", socket.id(), NICKNAME, nickname(socket), "reason", reason,
                "online", online()));
    }

    /** The disconnect reasons seen so far, in order. */
    public List<String> disconnectReasons() {
        return List.copyOf(disconnectReasons);
    }

    private int online() {
        return io.sockets().sockets().size();
    }

    private static String nickname(Socket socket) {
        Object n = socket.data().get(NICKNAME);
        return n == null ? "anonymous" : n.toString();
    }
}
