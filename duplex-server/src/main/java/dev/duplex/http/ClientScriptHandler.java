package dev.duplex.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.engine.CorsOptions;
import dev.duplex.engine.HttpHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the official socket.io-client browser bundle ({@code socket.io.js}, {@code socket.io.min.js},
 * {@code socket.io.esm.min.js}, {@code socket.io.msgpack.min.js} and their {@code .map} files) under the
 * Socket.IO path, the way Node's socket.io server does: {@code ETag} made from the client version (304 when
 * {@code If-None-Match} matches it or its weak form), {@code Cache-Control: public, max-age=0},
 * {@code application/javascript} or {@code application/json} (maps) with {@code charset=utf-8}, and brotli, gzip or
 * deflate when the request accepts it, chosen as socket.io's {@code accepts} chooses. The files come from the
 * {@code duplex-client-js} jar on the class path (resource folder {@value #RESOURCE_DIR}), which the build fills
 * from the npm package, with a brotli copy of each ({@code .br}) made by the build.
 *
 * <p>Use {@link #forPath(String)} as an engine {@code before} handler; it answers only the bundle files and
 * returns false for every other request.
 */
public final class ClientScriptHandler implements HttpHandler {
    /** The class-path folder holding the bundle files, the package's LICENSE and its package.json. */
    public static final String RESOURCE_DIR = "dev/duplex/clientjs/socket.io-client/";

    /** The file names served, as in socket.io's {@code CLIENT_FILES}. */
    public static final Set<String> CLIENT_FILES = Set.of(
            "socket.io.esm.min.js", "socket.io.esm.min.js.map",
            "socket.io.js", "socket.io.js.map",
            "socket.io.min.js", "socket.io.min.js.map",
            "socket.io.msgpack.min.js", "socket.io.msgpack.min.js.map");

    private static final Logger LOG = LoggerFactory.getLogger(ClientScriptHandler.class);
    /** socket.io's {@code accepts(req).encodings(["br", "gzip", "deflate"])}; br only where the jar has its copy. */
    private static final List<String> ENCODINGS = List.of("br", "gzip", "deflate");
    private static final List<String> ENCODINGS_WITHOUT_BR = List.of("gzip", "deflate");
    private static final Map<String, Bundle> CACHE = new ConcurrentHashMap<>();
    private static volatile String version;

    private final String path;
    private final boolean enabled;
    private final CorsOptions cors;

    private ClientScriptHandler(String path, boolean enabled, CorsOptions cors) {
        this.path = path;
        this.enabled = enabled;
        this.cors = cors;
    }

    /**
     * A handler answering {@code <socketIoPath>socket.io.js} and the other bundle files, and returning false for
     * everything else. {@code socketIoPath} is the Socket.IO path, e.g. {@code "/socket.io/"} (a missing leading
     * or trailing slash is added).
     */
    public static HttpHandler forPath(String socketIoPath) {
        return new ClientScriptHandler(normalise(socketIoPath), true, null);
    }

    /**
     * Like {@link #forPath(String)}, adding the CORS response headers of {@code cors} (when not null) to the bundle
     * responses, as Node's socket.io runs its {@code cors} middleware before serving them.
     */
    public static HttpHandler forPath(String socketIoPath, CorsOptions cors) {
        return new ClientScriptHandler(normalise(socketIoPath), true, cors);
    }

    /**
     * The {@code serveClient(false)} counterpart of {@link #forPath}: answers 404 to the same bundle paths (so
     * they never reach the Engine.IO endpoint, which would answer 400) and returns false for everything else.
     */
    public static HttpHandler disabledForPath(String socketIoPath) {
        return new ClientScriptHandler(normalise(socketIoPath), false, null);
    }

    private static String normalise(String socketIoPath) {
        String p = socketIoPath == null || socketIoPath.isEmpty() ? "/" : socketIoPath;
        if (!p.startsWith("/")) {
            p = "/" + p;
        }
        if (!p.endsWith("/")) {
            p = p + "/";
        }
        return p;
    }

    /** The socket.io-client version of the bundle on the class path (e.g. "4.8.4"), or null when it is absent. */
    public static String clientVersion() {
        String v = version;
        if (v == null) {
            byte[] json = read(RESOURCE_DIR + "package.json");
            if (json == null) {
                return null;
            }
            try {
                JsonNode node = new ObjectMapper().readTree(json);
                v = node.path("version").asText(null);
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable " + RESOURCE_DIR + "package.json", e);
            }
            version = v;
        }
        return v;
    }

    /** The Socket.IO path this handler serves under, with leading and trailing slash. */
    public String path() {
        return path;
    }

    @Override
    public boolean handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        // every engine request passes here first (its URI starts with the same path): a small test that rejects it
        // without a copy, so the rest is compiled for the bundle's requests only
        String uri = request.uri();
        return uri.startsWith(path) && uri.startsWith(FILE_PREFIX, path.length()) && serve(ctx, request, uri);
    }

    /** What every name of {@link #CLIENT_FILES} starts with. */
    private static final String FILE_PREFIX = "socket.io.";

    private boolean serve(ChannelHandlerContext ctx, FullHttpRequest request, String uri) {
        String rest = uri.substring(path.length());
        int q = rest.indexOf('?');
        String filename = q >= 0 ? rest.substring(0, q) : rest;
        if (!CLIENT_FILES.contains(filename)) {
            return false;
        }
        if (!enabled) {
            Http.notFound(ctx, request);
            return true;
        }
        String v = clientVersion();
        Bundle bundle = v == null ? null : CACHE.computeIfAbsent(filename, ClientScriptHandler::load);
        if (bundle == null) {
            LOG.warn("{} requested but the socket.io-client bundle is not on the class path (duplex-client-js)",
                    filename);
            Http.notFound(ctx, request);
            return true;
        }
        String expectedEtag = "\"" + v + "\"";
        String ifNoneMatch = request.headers().get(HttpHeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch != null && (ifNoneMatch.equals(expectedEtag) || ifNoneMatch.equals("W/" + expectedEtag))) {
            HttpHeaders headers = new DefaultHttpHeaders();
            headers.set(HttpHeaderNames.ETAG, expectedEtag);
            addCors(request, headers);
            Http.send(ctx, request, HttpResponseStatus.NOT_MODIFIED, headers, null);
            return true;
        }
        boolean isMap = filename.endsWith(".map");
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=0");
        headers.set(HttpHeaderNames.CONTENT_TYPE,
                "application/" + (isMap ? "json" : "javascript") + "; charset=utf-8");
        headers.set(HttpHeaderNames.ETAG, expectedEtag);
        headers.set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
        addCors(request, headers);
        String encoding = AcceptEncoding.choose(request.headers().get(HttpHeaderNames.ACCEPT_ENCODING),
                bundle.brotli(filename) != null ? ENCODINGS : ENCODINGS_WITHOUT_BR);
        byte[] body;
        if ("br".equals(encoding)) {
            headers.set(HttpHeaderNames.CONTENT_ENCODING, "br");
            body = bundle.brotli(filename);
        } else if ("gzip".equals(encoding)) {
            headers.set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
            body = bundle.gzip();
        } else if ("deflate".equals(encoding)) {
            headers.set(HttpHeaderNames.CONTENT_ENCODING, "deflate");
            body = bundle.deflate();
        } else {
            body = bundle.raw;
        }
        Http.send(ctx, request, HttpResponseStatus.OK, headers, body);
        return true;
    }

    /** The simple-request headers of the {@code cors} npm package (no preflight: these are GET requests). */
    private void addCors(FullHttpRequest request, HttpHeaders headers) {
        if (cors == null) {
            return;
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        String allow = null;
        boolean vary = true;
        if (cors.origin() != null) {
            allow = cors.origin();
            vary = !"*".equals(allow);
        } else if (origin != null && cors.origins() != null && cors.origins().contains(origin)) {
            allow = origin;
        } else if (origin != null && cors.originPredicate() != null && cors.originPredicate().test(origin)) {
            allow = origin;
        }
        if (vary) {
            headers.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
        }
        if (allow == null) {
            return;
        }
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allow);
        if (cors.credentials()) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        if (cors.exposedHeaders() != null && !cors.exposedHeaders().isEmpty()) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, String.join(",", cors.exposedHeaders()));
        }
    }

    private static Bundle load(String filename) {
        byte[] raw = read(RESOURCE_DIR + filename);
        return raw == null ? null : new Bundle(raw);
    }

    private static byte[] read(String resource) {
        ClassLoader cl = ClientScriptHandler.class.getClassLoader();
        try (InputStream in = cl.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /**
     * One bundle file and its compressed forms: gzip and deflate made once on first use, brotli read from the
     * {@code .br} copy duplex-client-js's build made (the JDK has no brotli encoder).
     */
    private static final class Bundle {
        private static final byte[] NONE = new byte[0];
        final byte[] raw;
        private volatile byte[] gzip;
        private volatile byte[] deflate;
        private volatile byte[] brotli;

        Bundle(byte[] raw) {
            this.raw = raw;
        }

        /** The brotli copy of {@code filename}, or null when the class path has none. */
        byte[] brotli(String filename) {
            byte[] b = brotli;
            if (b == null) {
                byte[] read = read(RESOURCE_DIR + filename + ".br");
                b = brotli = read == null ? NONE : read;
            }
            return b == NONE ? null : b;
        }

        byte[] gzip() {
            byte[] g = gzip;
            if (g == null) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 3 + 64);
                try (GZIPOutputStream z = new GZIPOutputStream(out) {
                    {
                        def.setLevel(Deflater.BEST_COMPRESSION);
                    }
                }) {
                    z.write(raw);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                g = gzip = out.toByteArray();
            }
            return g;
        }

        byte[] deflate() {
            byte[] d = deflate;
            if (d == null) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 3 + 64);
                Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
                try (DeflaterOutputStream z = new DeflaterOutputStream(out, deflater)) {
                    z.write(raw);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    deflater.end();
                }
                d = deflate = out.toByteArray();
            }
            return d;
        }
    }
}
