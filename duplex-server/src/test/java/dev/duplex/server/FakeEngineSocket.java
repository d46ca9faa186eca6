package dev.duplex.server;

import dev.duplex.engine.EngineMessage;
import dev.duplex.engine.EngineRequest;
import dev.duplex.engine.EngineSocket;
import io.netty.channel.EventLoop;
import java.util.List;

/** An open WebSocket connection on {@code loop} without a peer, recording the text messages sent (a test double). */
record FakeEngineSocket(EventLoop loop, List<String> sent) implements EngineSocket {
    @Override
    public String id() {
        return "fake";
    }

    @Override
    public String transport() {
        return "websocket";
    }

    @Override
    public EngineRequest request() {
        return null;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public void send(String text) {
        sent.add(text);
    }

    @Override
    public void send(byte[] data) {
    }

    @Override
    public void send(EngineMessage message) {
        sent.add(message.textValue());
    }

    @Override
    public void close() {
    }

    @Override
    public void setListener(Listener listener) {
    }
}
