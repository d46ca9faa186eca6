package dev.duplex.server;

import dev.duplex.adapter.PreparedPacket;
import dev.duplex.engine.EngineMessage;
import dev.duplex.protocol.socketio.EncodedPacket;
import dev.duplex.protocol.socketio.SocketPacket;

import java.util.ArrayList;
import java.util.List;

/** A packet encoded once: its Engine.IO messages are written as they are to every recipient. */
final class Prepared implements PreparedPacket {
    private final SocketPacket packet;
    final EngineMessage text;
    final List<EngineMessage> attachments;

    Prepared(SocketPacket packet, EncodedPacket encoded) {
        this.packet = packet;
        this.text = EngineMessage.text(encoded.text());
        List<EngineMessage> list = new ArrayList<>(encoded.attachments().size());
        for (byte[] a : encoded.attachments()) {
            list.add(EngineMessage.binary(a));
        }
        this.attachments = List.copyOf(list);
    }

    @Override
    public SocketPacket packet() {
        return packet;
    }

    @Override
    public long size() {
        long size = text.frameLength();
        for (EngineMessage a : attachments) {
            size += a.frameLength();
        }
        return size;
    }
}
