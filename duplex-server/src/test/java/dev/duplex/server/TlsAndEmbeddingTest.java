package dev.duplex.server;

import dev.duplex.testkit.ManagedProcess;
import dev.duplex.testkit.Node;
import dev.duplex.testkit.TestCertificate;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HTTPS/WSS terminated by the server ({@code ssl(...)}) and Duplex embedded in the application's own Netty server. */
class TlsAndEmbeddingTest {
    private static final Path CLIENT = Path.of("src/test/node/socketio/echo-once.js");
    private static TestCertificate cert;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void setUp() {
        Node.require();
        cert = TestCertificate.create();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private SocketIoServer echoServer(ServerOptions options) {
        SocketIoServer io = SocketIoServer.create(options);
        io.onConnection(socket -> socket.on("echo", args -> args.get(0)));
        closing.add(io);
        return io;
    }

    private String runClient(String url, String transports, boolean trust) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("SERVER_URL", url, "TRANSPORTS", transports));
        if (trust) {
            env.put("NODE_EXTRA_CA_CERTS", cert.certificatePem().toString());
        }
        try (ManagedProcess p = Node.start(CLIENT, env)) {
            return p.awaitLine(l -> l.startsWith("{\"type\""), Duration.ofSeconds(30));
        }
    }

    @Test
    void httpsAndWssWithPemFilesServeTheOfficialClient() {
        SocketIoServer io = echoServer(ServerOptions.builder().serveClient(false)
                .ssl(cert.certificatePem(), cert.privateKeyPem()).build()).start(0);
        String url = "https://localhost:" + io.port();
        assertThat(runClient(url, "polling", true)).contains("\"transport\":\"polling\"", "\"answer\":\"hello\"");
        assertThat(runClient(url, "websocket", true)).contains("\"transport\":\"websocket\"", "\"answer\":\"hello\"");
        // the browser's path: HTTPS long-polling, then the upgrade to WSS
        assertThat(runClient(url, "polling,websocket", true))
                .contains("\"transport\":\"websocket\"", "\"answer\":\"hello\"");
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateGetsAConnectErrorNamingIt() {
        SocketIoServer io = echoServer(ServerOptions.builder().serveClient(false)
                .ssl(cert.certificatePem(), cert.privateKeyPem()).build()).start(0);
        String line = runClient("https://localhost:" + io.port(), "websocket", false);
        assertThat(line).contains("connect_error").containsIgnoringCase("self-signed certificate");
        // and plain HTTP to the TLS port is not served
        assertThat(runClient("http://localhost:" + io.port(), "polling", false)).contains("connect_error");
    }

    @Test
    void badPemFilesAreRefusedWithAClearMessage() {
        assertThatThrownBy(() -> ServerOptions.builder().ssl(cert.privateKeyPem(), cert.certificatePem()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ssl: cannot use the certificate");
        assertThatThrownBy(() -> ServerOptions.builder().ssl(cert.dir().resolve("missing.pem"), cert.privateKeyPem()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read");
    }

    @Test
    void embeddedInTheApplicationsOwnServerBootstrapBehindItsOwnHandler() throws Exception {
        SocketIoServer io = echoServer(ServerOptions.builder().serveClient(false).build());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        closing.add(() -> group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync());
        AtomicInteger accepted = new AtomicInteger();
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("app-counter", new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                accepted.incrementAndGet();
                                ctx.fireChannelActive();
                            }
                        });
                        io.engine().addHandlers(ch.pipeline());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        closing.add(() -> server.close().sync());
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        assertThat(runClient("http://localhost:" + port, "polling,websocket", false))
                .contains("\"transport\":\"websocket\"", "\"answer\":\"hello\"");
        assertThat(accepted.get()).isGreaterThanOrEqualTo(2);
        assertThat(io.port()).isEqualTo(-1);

        // the plain initializer works the same
        Channel second = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(io.channelInitializer()).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        closing.add(() -> second.close().sync());
        assertThat(runClient("http://localhost:" + ((InetSocketAddress) second.localAddress()).getPort(), "websocket",
                false)).contains("\"answer\":\"hello\"");
    }
}
