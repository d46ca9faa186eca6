package dev.duplex.demo;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** The command line of {@code bin/demo}, parsed by picocli; {@link DemoOptions#parse} turns it into options. */
@Command(name = "bin/demo", sortOptions = false, usageHelpWidth = 110,
        description = {"Starts the Duplex demo: one server on one port for the page, the socket.io-client script and",
            "Socket.IO (chat with rooms, token check, form with ack, live monitoring chart, connection state).", ""},
        footer = {"", "Each option also as --name=value."})
final class DemoCommand {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    boolean help;

    @Option(names = "--port", paramLabel = "N", description = "HTTP port (default 8080; 0 = any free port)")
    Integer port;

    @Option(names = "--host", paramLabel = "ADDR", description = "interface to bind (default: all interfaces)")
    String host;

    @Option(names = "--path", paramLabel = "P", description = "Socket.IO path (default /socket.io/)")
    String path;

    @Option(names = "--cors-origin", paramLabel = "O", split = ",",
            description = "allowed CORS origin(s), comma-separated, or * (default: no CORS headers)")
    List<String> corsOrigins;

    @Option(names = "--cors-methods", paramLabel = "M", split = ",",
            description = "CORS methods, comma-separated (default GET,POST)")
    List<String> corsMethods;

    @Option(names = "--cors-credentials", paramLabel = "B", arity = "0..1", fallbackValue = "true",
            description = "send Access-Control-Allow-Credentials: true")
    String corsCredentials;

    @Option(names = "--serve-client", paramLabel = "B", arity = "0..1", fallbackValue = "true",
            description = {"serve /socket.io/socket.io.js: true|false (default true; with false the page",
                "loads its own copy from /vendor/socket.io-client/)"})
    String serveClient;

    @Option(names = "--no-serve-client", description = "the same as --serve-client false")
    boolean noServeClient;

    @Option(names = "--ping-interval", paramLabel = "MS", description = "Engine.IO ping interval in ms (default 25000)")
    Long pingInterval;

    @Option(names = "--ping-timeout", paramLabel = "MS", description = "Engine.IO ping timeout in ms (default 20000)")
    Long pingTimeout;

    @Option(names = "--connect-timeout", paramLabel = "MS",
            description = "time allowed for the Socket.IO CONNECT in ms (default 45000)")
    Long connectTimeout;

    @Option(names = "--cookie", paramLabel = "NAME", arity = "0..1", fallbackValue = "io",
            description = "send the Engine.IO session cookie (default name io; off by default; false: off)")
    String cookie;

    @Option(names = "--transports", paramLabel = "T", split = ",", description = "polling,websocket (default both)")
    List<String> transports;

    @Option(names = "--token", paramLabel = "T",
            description = "token the connection middleware requires (default " + DemoOptions.DEFAULT_TOKEN + ")")
    String token;

    @Option(names = "--no-token", description = "accept every connection")
    boolean noToken;

    @Option(names = "--static", paramLabel = "DIR", description = "serve the page from DIR instead of the built-in one")
    Path staticDir;

    @Option(names = "--stats-interval", paramLabel = "MS", description = "monitoring push period in ms (default 1000)")
    Long statsInterval;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "serve HTTPS/WSS with this PEM certificate chain (with --tls-key)")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "the PEM (PKCS#8, unencrypted) private key of --tls-cert")
    Path tlsKey;

    @Option(names = "--admin", description = "serve the Socket.IO Admin UI at /admin/ (basic auth; see below)")
    boolean admin;

    @Option(names = "--admin-user", paramLabel = "NAME", description = "Admin UI user name (default admin)")
    String adminUser;

    @Option(names = "--admin-password", paramLabel = "PW",
            description = "Admin UI password (default: a random one, printed at start-up)")
    String adminPassword;

    @Option(names = "--redis", paramLabel = "URI",
            description = "join a cluster through Redis, e.g. redis://127.0.0.1:6379 (default: alone)")
    String redis;
}
