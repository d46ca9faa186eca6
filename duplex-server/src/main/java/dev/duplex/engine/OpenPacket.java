package dev.duplex.engine;

import java.nio.charset.StandardCharsets;

/**
 * The open packets of one server's sessions ({@code 0{"sid":...,"upgrades":...,"pingInterval":...,"pingTimeout":...,
 * "maxPayload":...}}): everything after the session id depends only on the options and on whether the session may
 * upgrade, so it is written once per server; a handshake adds its id (one concatenation, or for a direct WebSocket
 * the complete frame written into one array) instead of formatting the whole packet every time.
 */
final class OpenPacket {
    private static final String HEAD = "{\"sid\":\"";
    private static final byte[] FRAME_HEAD = ("0" + HEAD).getBytes(StandardCharsets.US_ASCII);

    /** What follows the id for a session that may upgrade (polling), and for one that may not. */
    private final String tailUpgrade;
    private final String tailNoUpgrade;
    /** {@link #tailNoUpgrade} in ASCII (it is: digits and fixed names). */
    private final byte[] tailNoUpgradeBytes;

    OpenPacket(EngineOptions options) {
        this.tailUpgrade = tail(options, true);
        this.tailNoUpgrade = tail(options, false);
        this.tailNoUpgradeBytes = tailNoUpgrade.getBytes(StandardCharsets.US_ASCII);
    }

    private static String tail(EngineOptions options, boolean canUpgrade) {
        return "\",\"upgrades\":" + (canUpgrade ? "[\"websocket\"]" : "[]")
                + ",\"pingInterval\":" + options.pingInterval().toMillis()
                + ",\"pingTimeout\":" + options.pingTimeout().toMillis()
                + ",\"maxPayload\":" + options.maxHttpBufferSize() + "}";
    }

    /** The JSON of the open packet of session {@code sid} (an id of {@code RandomIds}: nothing to escape). */
    String json(String sid, boolean canUpgrade) {
        return HEAD + sid + (canUpgrade ? tailUpgrade : tailNoUpgrade);
    }

    /**
     * The complete WebSocket text frame of the open packet of a session that may not upgrade ({@code 0} and
     * {@link #json}), or null when {@code sid} is not ASCII (then the caller builds it the general way).
     */
    byte[] wsFrameNoUpgrade(String sid) {
        int idLength = sid.length();
        int payload = FRAME_HEAD.length + idLength + tailNoUpgradeBytes.length;
        byte[] f = new byte[WsFrames.headerLength(payload) + payload];
        int at = WsFrames.writeHeader(f, false, payload);
        System.arraycopy(FRAME_HEAD, 0, f, at, FRAME_HEAD.length);
        at += FRAME_HEAD.length;
        for (int i = 0; i < idLength; i++) {
            char c = sid.charAt(i);
            if (c >= 0x80) {
                return null;
            }
            f[at++] = (byte) c;
        }
        System.arraycopy(tailNoUpgradeBytes, 0, f, at, tailNoUpgradeBytes.length);
        return f;
    }
}
