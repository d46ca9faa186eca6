package dev.duplex.admin;

import dev.duplex.server.ConnectionListener;
import java.util.function.BiConsumer;

/** The raw connection events counted for {@code server_stats} (Node's {@code io.engine} listeners). */
final class EngineEvents implements ConnectionListener {
    private final EventBuffer events;
    private final BiConsumer<String, String> upgrades;

    EngineEvents(EventBuffer events, BiConsumer<String, String> upgrades) {
        this.events = events;
        this.upgrades = upgrades;
    }

    @Override
    public void onOpen(String engineId, String transport) {
        events.push("rawConnection", null);
    }

    @Override
    public void onUpgrade(String engineId, String transport) {
        upgrades.accept(engineId, transport);
    }

    @Override
    public void onPacketIn(String engineId, int bytes) {
        events.packetIn(bytes);
    }

    @Override
    public void onPacketOut(String engineId, int bytes) {
        events.packetOut(bytes);
    }

    @Override
    public void onClose(String engineId, String reason) {
        events.push("rawDisconnection", reason);
    }
}
