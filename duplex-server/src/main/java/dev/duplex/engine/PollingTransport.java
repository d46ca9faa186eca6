package dev.duplex.engine;

import dev.duplex.protocol.engineio.EngineCodec;
import dev.duplex.protocol.engineio.EnginePacket;
import dev.duplex.protocol.engineio.EngineProtocolException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Base64;

/**
 * The HTTP long-polling transport of a session: at most one pending GET (which carries what the session buffered)
 * and one POST at a time (whose packets the session handles). Session loop.
 */
final class PollingTransport extends Transport {
    /** engine.io's closeTimeout: how long a forced close over polling waits for a GET to carry the close packet. */
    static final long CLOSE_TIMEOUT_MS = 30_000;

    private PollRequest pendingGet;
    private ChannelFutureListener pendingGetCloseListener;
    private Channel postChannel;
    private ChannelFutureListener postCloseListener;
    private boolean inPost;
    /** Reading paused by the listener (see {@link Session#pauseReading}); a POST answered meanwhile waits here. */
    private boolean readPaused;
    private PollRequest heldPost;
    private ScheduledFuture<?> closeTimer;
    /** Closing: the close packet is queued once the buffered messages have gone out. */
    private boolean closeAfterFlush;

    PollingTransport(Session session) {
        super(session);
    }

    @Override
    String name() {
        return "polling";
    }

    boolean hasPendingGet() {
        return pendingGet != null;
    }

    @Override
    void flush() {
        if (inPost || pendingGet == null) {
            return;
        }
        PollRequest get = takePendingGet();
        WriteBuffer buffer = session.writeBuffer;
        boolean closing = session.v3 != null ? session.v3.respond(get, buffer, session.options.httpCompression())
                : respond(get, buffer);
        session.fireDrain();
        if (closing && session.state() != Session.State.CLOSED) {
            session.closeWith("forced close", null);
        } else if (closeAfterFlush) {
            closeAfterFlush = false;
            buffer.add(Session.CLOSE);
        }
    }

    /** Answers {@code get} with everything buffered, as one v4 payload; returns whether it carried the close. */
    private boolean respond(PollRequest get, WriteBuffer buffer) {
        boolean closing = false;
        // as engine.io: the response is compressed when one of its packets is sent with compress true
        boolean compress = false;
        StringBuilder sb = new StringBuilder();
        Object item;
        boolean first = true;
        while ((item = buffer.poll()) != null) {
            if (!first) {
                sb.append('\u001e');
            }
            first = false;
            sb.append(pollingForm(item));
            compress |= !(item instanceof Session.Uncompressed);
            if (item == Session.CLOSE) {
                closing = true;
            }
        }
        get.respondPayload(sb.toString(), session.options.httpCompression() && compress);
        return closing;
    }

    static String pollingForm(Object item) {
        if (item instanceof Session.Uncompressed) {
            item = ((Session.Uncompressed) item).item();
        }
        if (item instanceof String) {
            return "4" + item;
        }
        if (item instanceof byte[]) {
            return "b" + Base64.getEncoder().encodeToString((byte[]) item);
        }
        return ((EngineMessage) item).pollingForm();
    }

    private PollRequest takePendingGet() {
        PollRequest get = pendingGet;
        pendingGet = null;
        if (pendingGetCloseListener != null) {
            get.channel.closeFuture().removeListener(pendingGetCloseListener);
            pendingGetCloseListener = null;
        }
        return get;
    }

    /** Answers the pending GET, if any, with {@code payload} (uncompressed). */
    void answerPendingGet(String payload) {
        if (pendingGet != null) {
            takePendingGet().respondPayload(session.v3 == null ? payload : EngineV3.controlPayload(payload), false);
        }
    }

    @Override
    void pauseReading(boolean paused) {
        readPaused = paused;
        if (!paused && heldPost != null) {
            PollRequest post = heldPost;
            heldPost = null;
            post.respondOk();
        }
    }

    @Override
    void forceClose() {
        WriteBuffer buffer = session.writeBuffer;
        if (buffer.isEmpty()) {
            buffer.add(Session.CLOSE);
        } else {
            // as engine.io (close waits for "drain"): the buffered messages go out first and the close packet
            // alone in a later response, so that the client handles them before its transport closes
            // (socket.io-client delivers decoded packets on the next tick: a DISCONNECT in the same payload as
            // the close would lose to it, and the client would see "transport close" and reconnect)
            closeAfterFlush = true;
        }
        if (pendingGet != null) {
            session.flush();
        }
        if (session.state() != Session.State.CLOSED) {
            closeTimer = session.schedule(() -> session.closeWith("forced close", null), CLOSE_TIMEOUT_MS);
        }
    }

    /**
     * The session upgraded while closing: the close packet is not sent over polling after all. Returns whether a
     * close was pending here.
     */
    boolean abandonClose() {
        closeAfterFlush = false;
        if (closeTimer != null) {
            closeTimer.cancel(false);
            closeTimer = null;
            session.writeBuffer.removeLast(Session.CLOSE);
            return true;
        }
        return false;
    }

    @Override
    void onClientClose() {
        answerPendingGet("6");
    }

    @Override
    void onSessionClosed() {
        if (closeTimer != null) {
            closeTimer.cancel(false);
            closeTimer = null;
        }
        if (heldPost != null) {
            heldPost.respondOk();
            heldPost = null;
        }
        // "transport close" was already answered with a noop by onClientClose when it came from the client
        answerPendingGet("1");
        if (postChannel != null) {
            postChannel.closeFuture().removeListener(postCloseListener);
            postChannel = null;
            postCloseListener = null;
        }
    }

    // ------------------------------------------------------------------ requests for a session (session loop)

    /** A long-poll GET for {@code session}. */
    static void onGet(Session session, PollRequest get) {
        if (session.state() == Session.State.CLOSED || session.pingExpired()) {
            get.respondError(400, 1, "Session ID unknown");
        } else if (session.activePolling() == null) {
            get.respondError(400, 3, "Bad request");
        } else {
            session.activePolling().onGet(get);
        }
    }

    /** The headers of a POST for {@code session} arrived (its body may follow). */
    static void onPostStart(Session session, Channel ch) {
        if (session.state() != Session.State.CLOSED && session.activePolling() != null) {
            session.activePolling().onPostStart(ch);
        }
    }

    /**
     * A complete POST for {@code session}: {@code body} is its UTF-8 text, or for an application/octet-stream one
     * to a v3 session, {@code binaryBody} its bytes.
     */
    static void onPost(Session session, PollRequest post, String body, boolean octetStream, byte[] binaryBody) {
        if (session.state() == Session.State.CLOSED || session.pingExpired()) {
            post.respondError(400, 1, "Session ID unknown");
        } else if (session.activePolling() == null) {
            post.respondError(400, 3, "Bad request");
        } else {
            session.activePolling().onPost(post, body, octetStream, binaryBody);
        }
    }

    /** A long-poll GET for this session, which is open and on polling. */
    private void onGet(PollRequest get) {
        if (pendingGet != null) {
            get.respondEmpty(400);
            session.onError("overlap from client");
            return;
        }
        pendingGet = get;
        Channel ch = get.channel;
        pendingGetCloseListener = f -> {
            if (pendingGet != null && pendingGet.channel == ch) {
                session.run(() -> {
                    if (pendingGet != null && pendingGet.channel == ch) {
                        pendingGet = null;
                        pendingGetCloseListener = null;
                        session.onError("poll connection closed prematurely");
                    }
                });
            }
        };
        ch.closeFuture().addListener(pendingGetCloseListener);
        if (!session.writeBuffer.isEmpty()) {
            session.flush();
        } else if (session.upgrade != null && session.upgrade.probed) {
            answerPendingGet("6");
        }
    }

    /** The headers of a POST arrived (its body may follow). */
    private void onPostStart(Channel ch) {
        if (postChannel != null && postChannel != ch) {
            session.onError("data request overlap from client");
            return;
        }
        if (postChannel == ch) {
            return;
        }
        postChannel = ch;
        postCloseListener = f -> session.run(() -> {
            if (postChannel == ch) {
                postChannel = null;
                postCloseListener = null;
                session.onError("data request connection closed prematurely");
            }
        });
        ch.closeFuture().addListener(postCloseListener);
    }

    /** A complete POST, for this session, which is open and on polling: {@code body} is its UTF-8 text. */
    private void onPost(PollRequest post, String body, boolean octetStream, byte[] binaryBody) {
        if (postChannel != null && postChannel != post.channel) {
            post.respondEmpty(400);
            session.onError("data request overlap from client");
            return;
        }
        if (postChannel != null) {
            postChannel.closeFuture().removeListener(postCloseListener);
            postChannel = null;
            postCloseListener = null;
        }
        if (octetStream && session.v3 == null) {
            post.respondEmpty(400);
            session.onError("invalid content");
            return;
        }
        inPost = true;
        boolean parseError = false;
        try {
            parseError = session.v3 != null ? !session.v3.onPost(body, octetStream ? binaryBody : null)
                    : !dispatch(body);
        } finally {
            inPost = false;
        }
        if (parseError) {
            post.respondError(400, 3, "Bad request");
            session.closeWith("parse error", null);
            return;
        }
        if (readPaused && session.state() != Session.State.CLOSED) {
            // the client sends its next POST only once this one is answered
            heldPost = post;
        } else {
            post.respondOk();
        }
        session.flush();
    }

    /** Decodes a v4 payload's packets and handles them in order; false on a parse error. */
    private boolean dispatch(String body) {
        int n = body.length();
        int start = 0;
        for (int i = 0; i <= n && session.state() != Session.State.CLOSED; i++) {
            if (i == n || body.charAt(i) == '\u001e') {
                if (!decodeAndDispatch(body, start, i)) {
                    return false;
                }
                start = i + 1;
            }
        }
        return true;
    }

    /** Decodes one polling packet {@code body[start,end)} with the codec and handles it; false on a parse error. */
    private boolean decodeAndDispatch(String body, int start, int end) {
        EnginePacket packet;
        try {
            packet = EngineCodec.decode(body.subSequence(start, end));
        } catch (EngineProtocolException e) {
            return false;
        }
        if (packet.isBinary()) {
            session.onBinary(packet.binary());
        } else {
            session.onPacket(packet.type(), packet.text());
        }
        return true;
    }
}
