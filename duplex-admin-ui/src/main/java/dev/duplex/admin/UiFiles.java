package dev.duplex.admin;

import dev.duplex.http.StaticFiles;
import dev.duplex.server.SocketIoServer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serves the built UI packed in this jar (the {@code ui/dist} of {@code @socket.io/admin-ui}) under a path:
 * {@code index.html} revalidated on each visit, the fingerprinted {@code js/}, {@code css/} and {@code img/} files
 * cached for a year ({@code immutable}); ETags, {@code 304}, and {@code /admin} redirected to {@code /admin/}.
 * Installed as {@link SocketIoServer#before} handlers, so that an application's catch-all page (a fallback answering
 * {@code index.html} for every path) does not hide the UI; they answer only GET and HEAD under the path.
 */
final class UiFiles {
    static final String RESOURCES = "dev/duplex/admin/ui";

    private UiFiles() {
    }

    static void install(SocketIoServer io, String path, AtomicBoolean closed) {
        if (AdminUi.class.getClassLoader().getResource(RESOURCES + "/index.html") == null) {
            throw new IllegalStateException("the Admin UI files are not in this duplex-admin-ui jar ("
                    + RESOURCES + "/index.html)");
        }
        for (String assets : new String[] {"js", "css", "img"}) {
            StaticFiles files = StaticFiles.classpath(RESOURCES + "/" + assets)
                    .classLoader(AdminUi.class.getClassLoader())
                    .mount(path + "/" + assets + "/")
                    .indexFile(null)
                    .cacheControl("public, max-age=31536000, immutable")
                    .build();
            io.before((ctx, request) -> !closed.get() && files.handle(ctx, request));
        }
        StaticFiles page = StaticFiles.classpath(RESOURCES)
                .classLoader(AdminUi.class.getClassLoader())
                .mount(path + "/")
                .cacheControl("no-cache")
                .build();
        io.before((ctx, request) -> !closed.get() && page.handle(ctx, request));
    }
}
