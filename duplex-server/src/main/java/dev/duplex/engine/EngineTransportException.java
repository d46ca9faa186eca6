package dev.duplex.engine;

/** The error handed to onClose for a "transport error" that has no exception of its own. */
final class EngineTransportException extends Exception {
    private static final long serialVersionUID = 1L;

    EngineTransportException(String message) {
        super(message, null, false, false);
    }
}
