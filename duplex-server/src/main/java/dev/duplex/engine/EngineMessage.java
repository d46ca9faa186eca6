package dev.duplex.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * An Engine.IO message encoded once and shareable across sockets and threads: it keeps its wire forms (the
 * UTF-8 bytes of a WebSocket text frame {@code "4"+text}, the raw bytes of a binary frame, the polling text form)
 * so that sending it to many sockets costs no per-recipient encoding. Immutable.
 */
public final class EngineMessage {
    private final String text;
    private final byte[] binary;
    /** WebSocket frame payload: UTF-8 of "4"+text (or of a control packet), or the raw binary. */
    private final byte[] frame;
    /** Polling form, computed lazily: "4"+text or "b"+base64. */
    private volatile String pollingForm;
    /** The complete unmasked WebSocket frame (header and payload), computed lazily. */
    private volatile byte[] wsFrame;
    /**
     * The same frame in direct memory, made when the message goes to many connections; never modified. This object
     * holds one reference that it never gives up (its memory is freed by the GC with the message, as a
     * {@code ByteBuffer.allocateDirect} is), each write a retained duplicate that the transport releases.
     */
    private volatile ByteBuf directFrame;
    /** Frames handed out so far (racy count: it only decides when the direct copy is worth making). */
    private int frameUses;

    /**
     * From this many recipients on, the frame is written from one direct-memory copy: a heap buffer is copied into
     * direct memory by the transport for every write (about a fifth of the Java time of a broadcast to 1,000 in
     * the benchmark's profile), while one direct copy costs an allocation whose memory the GC frees with the
     * message. Below it (most messages go to one connection) no direct memory is used.
     */
    static final int DIRECT_FRAME_USES = 8;

    private EngineMessage(String text, byte[] binary, byte[] frame) {
        this.text = text;
        this.binary = binary;
        this.frame = frame;
    }

    /** A text message. */
    public static EngineMessage text(String text) {
        Objects.requireNonNull(text, "text");
        return new EngineMessage(text, null, ("4" + text).getBytes(StandardCharsets.UTF_8));
    }

    /** A control packet (internal use): type code and data, e.g. {@code '3', "probe"}. */
    static EngineMessage control(char type, String data) {
        String form = type + data;
        EngineMessage m = new EngineMessage(null, null, form.getBytes(StandardCharsets.UTF_8));
        m.pollingForm = form;
        return m;
    }

    /** A binary message; the array is copied. */
    public static EngineMessage binary(byte[] data) {
        byte[] copy = Objects.requireNonNull(data, "data").clone();
        return new EngineMessage(null, copy, copy);
    }

    /** Wraps without copying (internal use: the caller gives up the array). */
    static EngineMessage binaryNoCopy(byte[] data) {
        return new EngineMessage(null, data, data);
    }

    /** Whether this is a binary message. */
    public boolean isBinary() {
        return binary != null;
    }

    /** The text, or {@code null} for a binary message. */
    public String textValue() {
        return text;
    }

    /**
     * The complete server-to-client WebSocket frame (FIN, text or binary opcode, unmasked length, payload), built
     * once and shared by every recipient whose connection has no WebSocket extension. Never modify.
     */
    byte[] wsFrame() {
        byte[] f = wsFrame;
        if (f == null) {
            f = new byte[WsFrames.headerLength(frame.length) + frame.length];
            int h = WsFrames.writeHeader(f, binary != null, frame.length);
            System.arraycopy(frame, 0, f, h, frame.length);
            wsFrame = f;
        }
        return f;
    }

    /**
     * A buffer over the complete frame of {@link #wsFrame()}, for one write (the caller's transport releases it):
     * over the heap array for the first recipients, from the {@value #DIRECT_FRAME_USES}th on a retained duplicate
     * of one shared direct copy (one small object per write, as the bare-Netty ceiling's {@code
     * retainedDuplicate()}; the shared copy never reaches a reference count of 0: the GC frees it with the message).
     */
    ByteBuf wsFrameBuffer() {
        ByteBuf direct = directFrame;
        if (direct == null) {
            if (++frameUses < DIRECT_FRAME_USES) {
                return Unpooled.wrappedBuffer(wsFrame());
            }
            direct = sharedDirect();
        }
        return direct.retainedDuplicate();
    }

    /** The shared direct copy, made once (a racing thread may make a second, equal one: harmless). */
    private ByteBuf sharedDirect() {
        ByteBuf direct = directFrame;
        if (direct == null) {
            byte[] f = wsFrame();
            // over a ByteBuffer.allocateDirect: the buffer does not free that memory when released, the GC does
            direct = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(f.length).put(f).flip());
            directFrame = direct;
        }
        return direct;
    }

    /** Whether this is a control packet rather than a message. */
    boolean isControl() {
        return text == null && binary == null;
    }

    /** The length in bytes of the WebSocket frame payload. */
    public int frameLength() {
        return frame.length;
    }

    /** The bytes of the WebSocket frame (shared: never modify). */
    byte[] frame() {
        return frame;
    }

    /** The text form used in polling payloads: {@code "4"+text} or {@code "b"+base64}. */
    String pollingForm() {
        String p = pollingForm;
        if (p == null) {
            p = binary != null ? "b" + Base64.getEncoder().encodeToString(binary) : "4" + text;
            pollingForm = p;
        }
        return p;
    }

    @Override
    public String toString() {
        if (binary != null) {
            return "EngineMessage{binary[" + binary.length + "]}";
        }
        return text != null ? "EngineMessage{\"" + text + "\"}" : "EngineMessage{control " + pollingForm() + "}";
    }
}
