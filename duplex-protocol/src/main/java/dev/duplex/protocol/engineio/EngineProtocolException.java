package dev.duplex.protocol.engineio;

/** Input that is not a valid Engine.IO v4 packet or payload. */
public final class EngineProtocolException extends Exception {
    public EngineProtocolException(String message) {
        super(message);
    }
}
