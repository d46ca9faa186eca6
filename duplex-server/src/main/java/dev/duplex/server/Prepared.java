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
    /** The first message: the packet string, or the one binary message of a binary format (msgpack). */
    final EngineMessage text;
    final List<EngineMessage> attachments;

    Prepared(SocketPacket packet, EncodedPacket encoded) {
        this.packet = packet;
        // a binary format (msgpack) has no text: its one binary message goes first
        List<byte[]> binaries = encoded.attachments();
        int first = encoded.text() != null ? 0 : 1;
        this.text = first == 0 ? EngineMessage.text(encoded.text()) : EngineMessage.binary(binaries.get(0));
        List<EngineMessage> list = new ArrayList<>(binaries.size());
        for (int i = first; i < binaries.size(); i++) {
            list.add(EngineMessage.binary(binaries.get(i)));
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
