package dev.duplex.http;

import dev.duplex.engine.HttpHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves static files from a folder or from the class path, for {@code GET} and {@code HEAD}: content type from
 * the extension, {@code ETag} and {@code Last-Modified} with {@code If-None-Match}/{@code If-Modified-Since}
 * answered 304, an index file for folders (a folder asked without its trailing slash is redirected, 301), and an
 * optional fallback file answered for every other GET (the course's {@code app.get("*")} sending
 * {@code index.html}).
 *
 * <p>Nothing outside the root is ever served: {@code ..} and {@code .} segments (plain or {@code %2e}), encoded
 * slashes and backslashes, backslashes, empty segments ({@code //etc/passwd}), {@code :}, control characters,
 * dot-files and symbolic links leading out of the root are all answered 404 (never the fallback file).
 *
 * <p>The handler returns false (so the next handler, or the engine's 404, answers) for other methods, for
 * paths outside its mount point and for missing files when no fallback is set. Install it as the engine's
 * fallback, alone or with {@link HttpFront#chain}. Files are read whole on the event loop: it is meant for
 * pages and their assets, up to {@link Builder#maxFileSize} bytes.
 */
public final class StaticFiles implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(StaticFiles.class);

    private final Source source;
    private final String mount;
    private final String indexFile;
    private final String fallbackFile;
    private final String cacheControl;
    private final long maxFileSize;

    private StaticFiles(Builder b) {
        this.source = b.source;
        this.mount = b.mount;
        this.indexFile = b.indexFile;
        this.fallbackFile = b.fallbackFile;
        this.cacheControl = b.cacheControl;
        this.maxFileSize = b.maxFileSize;
    }

    /** Files under the folder {@code root} (which must exist). */
    public static Builder directory(Path root) {
        Objects.requireNonNull(root, "root");
        Path abs = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw new IllegalArgumentException("not a directory: " + abs);
        }
        try {
            return new Builder(new DirectorySource(abs, abs.toRealPath()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Class-path resources under {@code resourcePrefix} (e.g. {@code "com/example/web"}; a folder, never the
     * class-path root), loaded with this library's class loader unless {@link Builder#classLoader} is set.
     */
    public static Builder classpath(String resourcePrefix) {
        Objects.requireNonNull(resourcePrefix, "resourcePrefix");
        String p = resourcePrefix;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            throw new IllegalArgumentException("the class-path root cannot be served; give a resource folder");
        }
        return new Builder(new ClasspathSource(p + "/", StaticFiles.class.getClassLoader()));
    }

    /** The URL prefix under which the files are served, with leading and trailing slash. */
    public String mount() {
        return mount;
    }

    /** The fallback file (relative to the root), or null. */
    public String fallbackFile() {
        return fallbackFile;
    }

    @Override
    public boolean handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!Http.isGetOrHead(request)) {
            return false;
        }
        String uri = request.uri();
        String rawPath = Http.rawPath(uri);
        String rel;
        if (rawPath.startsWith(mount)) {
            rel = rawPath.substring(mount.length());
        } else if (rawPath.equals(mount.substring(0, mount.length() - 1))) {
            redirect(ctx, request, rawPath + "/" + queryOf(uri));
            return true;
        } else {
            return false;
        }
        SafePath.Segments segments = SafePath.parse(rel);
        if (segments == null) {
            LOG.debug("refused path {}", rawPath);
            Http.notFound(ctx, request);
            return true;
        }
        try {
            Entry entry = source.find(segments.joined());
            if (entry == Entry.REFUSED) {
                LOG.debug("refused path {} (leaves the root)", rawPath);
                Http.notFound(ctx, request);
                return true;
            }
            if (entry == Entry.DIRECTORY) {
                if (!segments.directory()) {
                    redirect(ctx, request, rawPath + "/" + queryOf(uri));
                    return true;
                }
                entry = indexFile == null ? Entry.MISSING
                        : source.find(segments.names().isEmpty() ? indexFile : segments.joined() + "/" + indexFile);
            } else if (entry != Entry.MISSING && segments.directory() && !segments.names().isEmpty()) {
                entry = Entry.MISSING; // "file.txt/" is not the file
            }
            if (entry.isFile()) {
                serve(ctx, request, entry, cacheControl);
                return true;
            }
            if (fallbackFile != null) {
                Entry fallback = source.find(fallbackFile);
                if (fallback.isFile()) {
                    serve(ctx, request, fallback, "no-cache");
                    return true;
                }
                LOG.warn("fallback file {} not found", fallbackFile);
            }
            return false;
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot serve {}", rawPath, e);
            Http.sendText(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, "Internal Server Error");
            return true;
        }
    }

    private void serve(ChannelHandlerContext ctx, FullHttpRequest request, Entry entry, String cache)
            throws IOException {
        if (entry.size > maxFileSize) {
            LOG.warn("{} is larger than maxFileSize ({} > {}), not served", entry.name, entry.size, maxFileSize);
            Http.notFound(ctx, request);
            return;
        }
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set(HttpHeaderNames.CACHE_CONTROL, cache);
        if (entry.lastModified > 0) {
            headers.set(HttpHeaderNames.LAST_MODIFIED, DateFormatter.format(new Date(entry.lastModified)));
        }
        byte[] content = null;
        String etag = entry.etag;
        if (etag == null) {
            content = entry.read();
            etag = strongEtag(content);
        }
        headers.set(HttpHeaderNames.ETAG, etag);
        if (notModified(request.headers(), etag, entry.lastModified)) {
            Http.send(ctx, request, HttpResponseStatus.NOT_MODIFIED, headers, null);
            return;
        }
        if (content == null) {
            content = entry.read();
        }
        headers.set(HttpHeaderNames.CONTENT_TYPE, ContentTypes.of(entry.name));
        headers.set("X-Content-Type-Options", "nosniff");
        Http.send(ctx, request, HttpResponseStatus.OK, headers, content);
    }

    private static boolean notModified(HttpHeaders requestHeaders, String etag, long lastModified) {
        String inm = requestHeaders.get(HttpHeaderNames.IF_NONE_MATCH);
        if (inm != null) {
            return Http.etagMatches(inm, etag);
        }
        String ims = requestHeaders.get(HttpHeaderNames.IF_MODIFIED_SINCE);
        if (ims != null && lastModified > 0) {
            Date since = DateFormatter.parseHttpDate(ims);
            return since != null && lastModified / 1000 <= since.getTime() / 1000;
        }
        return false;
    }

    private static String strongEtag(byte[] content) {
        CRC32 crc = new CRC32();
        crc.update(content);
        return "\"" + Integer.toHexString(content.length) + "-" + Long.toHexString(crc.getValue()) + "\"";
    }

    private static String queryOf(String uri) {
        int q = uri.indexOf('?');
        return q >= 0 ? uri.substring(q) : "";
    }

    private static void redirect(ChannelHandlerContext ctx, FullHttpRequest request, String location) {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set(HttpHeaderNames.LOCATION, location);
        headers.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        Http.send(ctx, request, HttpResponseStatus.MOVED_PERMANENTLY, headers,
                ("Redirecting to " + location).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Options of a {@link StaticFiles} handler; {@link #build()} makes the immutable handler. */
    public static final class Builder {
        private Source source;
        private String mount = "/";
        private String indexFile = "index.html";
        private String fallbackFile;
        private String cacheControl = "public, max-age=0";
        private long maxFileSize = 32L * 1024 * 1024;

        private Builder(Source source) {
            this.source = source;
        }

        /** The URL prefix the files are served under; default {@code "/"}. */
        public Builder mount(String urlPrefix) {
            String m = Objects.requireNonNull(urlPrefix, "urlPrefix");
            if (!m.startsWith("/")) {
                m = "/" + m;
            }
            if (!m.endsWith("/")) {
                m = m + "/";
            }
            this.mount = m;
            return this;
        }

        /** The file answered for a folder; default {@code "index.html"}; null for none. */
        public Builder indexFile(String name) {
            if (name != null && (name.isEmpty() || name.contains("/") || name.contains("\\"))) {
                throw new IllegalArgumentException("index file must be a plain file name: " + name);
            }
            this.indexFile = name;
            return this;
        }

        /**
         * A file (relative to the root, e.g. {@code "index.html"}) answered with 200 to every GET or HEAD that
         * matches no file: the single-page-app / {@code app.get("*")} behaviour. Default: none.
         */
        public Builder fallbackFile(String relativePath) {
            if (relativePath != null) {
                String p = relativePath.startsWith("/") ? relativePath.substring(1) : relativePath;
                if (SafePath.parse(p) == null || p.isEmpty() || p.endsWith("/")) {
                    throw new IllegalArgumentException("fallback file must be a file below the root: "
                            + relativePath);
                }
                this.fallbackFile = p;
            } else {
                this.fallbackFile = null;
            }
            return this;
        }

        /** The {@code Cache-Control} of served files; default {@code "public, max-age=0"} (as Express). */
        public Builder cacheControl(String value) {
            this.cacheControl = Objects.requireNonNull(value, "value");
            return this;
        }

        /** Files larger than this are not served (404); default 32 MiB. */
        public Builder maxFileSize(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxFileSize < 0");
            }
            this.maxFileSize = bytes;
            return this;
        }

        /** The class loader of a {@link StaticFiles#classpath} source. */
        public Builder classLoader(ClassLoader loader) {
            Objects.requireNonNull(loader, "loader");
            if (!(source instanceof ClasspathSource)) {
                throw new IllegalStateException("classLoader applies to classpath(...) sources only");
            }
            this.source = new ClasspathSource(((ClasspathSource) source).prefix, loader);
            return this;
        }

        public StaticFiles build() {
            return new StaticFiles(this);
        }
    }

    /** What a source holds at a relative path. */
    private static class Entry {
        static final Entry MISSING = new Entry(null, 0, 0, null);
        static final Entry DIRECTORY = new Entry(null, 0, 0, null);
        static final Entry REFUSED = new Entry(null, 0, 0, null);

        final String name;
        final long size;
        final long lastModified;
        final String etag;

        Entry(String name, long size, long lastModified, String etag) {
            this.name = name;
            this.size = size;
            this.lastModified = lastModified;
            this.etag = etag;
        }

        boolean isFile() {
            return name != null;
        }

        byte[] read() throws IOException {
            throw new IllegalStateException("not a file");
        }
    }

    private interface Source {
        /** {@code relative} was made by {@link SafePath} (or is "" for the root). */
        Entry find(String relative) throws IOException;
    }

    private static final class DirectorySource implements Source {
        private final Path root;
        private final Path realRoot;

        DirectorySource(Path root, Path realRoot) {
            this.root = root;
            this.realRoot = realRoot;
        }

        @Override
        public Entry find(String relative) throws IOException {
            Path p = relative.isEmpty() ? root : root.resolve(relative).normalize();
            if (!p.startsWith(root)) {
                return Entry.REFUSED;
            }
            Path real;
            try {
                real = p.toRealPath();
            } catch (NoSuchFileException e) {
                return Entry.MISSING;
            }
            if (!real.startsWith(realRoot)) {
                return Entry.REFUSED; // a symbolic link out of the root
            }
            BasicFileAttributes attrs = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attrs.isDirectory()) {
                return Entry.DIRECTORY;
            }
            if (!attrs.isRegularFile()) {
                return Entry.MISSING;
            }
            long size = attrs.size();
            long modified = attrs.lastModifiedTime().toMillis();
            String etag = "W/\"" + Long.toHexString(size) + "-" + Long.toHexString(modified) + "\"";
            return new Entry(p.getFileName().toString(), size, modified, etag) {
                @Override
                byte[] read() throws IOException {
                    return Files.readAllBytes(real);
                }
            };
        }
    }

    private static final class ClasspathSource implements Source {
        private final String prefix;
        private final ClassLoader loader;
        private final Map<String, Entry> cache = new ConcurrentHashMap<>();

        ClasspathSource(String prefix, ClassLoader loader) {
            this.prefix = prefix;
            this.loader = loader;
        }

        @Override
        public Entry find(String relative) throws IOException {
            if (relative.isEmpty()) {
                return Entry.DIRECTORY;
            }
            Entry cached = cache.get(relative);
            if (cached != null) {
                return cached;
            }
            String name = prefix + relative;
            URL url = loader.getResource(name);
            if (url == null) {
                return Entry.MISSING;
            }
            URLConnection conn = url.openConnection();
            conn.setUseCaches(false);
            long modified = conn.getLastModified();
            Entry entry;
            if ("file".equals(url.getProtocol())) {
                Path p;
                try {
                    p = Path.of(url.toURI());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    return Entry.MISSING;
                }
                if (Files.isDirectory(p)) {
                    return Entry.DIRECTORY;
                }
                if (!Files.isRegularFile(p)) {
                    return Entry.MISSING;
                }
                // a folder on disk (an IDE or target/classes): read each time, so edits show
                long size = Files.size(p);
                long mod = Files.getLastModifiedTime(p).toMillis();
                return new Entry(fileName(relative), size, mod,
                        "W/\"" + Long.toHexString(size) + "-" + Long.toHexString(mod) + "\"") {
                    @Override
                    byte[] read() throws IOException {
                        return Files.readAllBytes(p);
                    }
                };
            }
            if (conn instanceof JarURLConnection) {
                JarEntry je = ((JarURLConnection) conn).getJarEntry();
                if (je == null || je.isDirectory()) {
                    return Entry.DIRECTORY;
                }
            }
            byte[] content;
            try (InputStream in = conn.getInputStream()) {
                content = in.readAllBytes();
            } catch (IOException e) {
                // a jar folder entry without a trailing slash cannot be opened as a stream
                return loader.getResource(name + "/") != null ? Entry.DIRECTORY : Entry.MISSING;
            }
            entry = new Entry(fileName(relative), content.length, modified, strongEtag(content)) {
                @Override
                byte[] read() {
                    return content;
                }
            };
            if (content.length <= 4 * 1024 * 1024) {
                cache.put(relative, entry);
            }
            return entry;
        }

        private static String fileName(String relative) {
            int slash = relative.lastIndexOf('/');
            return slash < 0 ? relative : relative.substring(slash + 1);
        }
    }
}
