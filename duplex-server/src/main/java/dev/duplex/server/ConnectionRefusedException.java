package dev.duplex.server;

/**
 * Refuses a namespace connection from a {@link Middleware}: the client gets CONNECT_ERROR
 * {@code {"message": message, "data": data}} (its {@code connect_error} event, with {@code err.data}).
 */
public class ConnectionRefusedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Object data;

    /** @param message the message the client sees; @param data any value Jackson serializes, or null */
    public ConnectionRefusedException(String message, Object data) {
        super(message);
        this.data = data;
    }

    /** Refusal without data. */
    public ConnectionRefusedException(String message) {
        this(message, null);
    }

    /** The data sent with the refusal, or null. */
    public Object data() {
        return data;
    }
}
