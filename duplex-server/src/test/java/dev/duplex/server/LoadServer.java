package dev.duplex.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server for the load tests, run in its own JVM with a bounded heap: {@code echo} events are acknowledged with
 * their argument, {@code thread} with the name of the thread that ran the handler; with {@code broadcast} every socket gets {@code tick(n, 8 KB)} every 20 ms. Prints {@code PORT n},
 * {@code DISCONNECT id reason}, and {@code HEAP bytes} (used heap after a full GC) for each {@code heap} line read
 * from standard input, {@code CLASSES n} (classes loaded so far) for each {@code classes} line. Arguments: maxBufferedBytes, then optionally {@code broadcast}.
 */
public final class LoadServer {
    private LoadServer() {
    }

    public static void main(String[] args) throws Exception {
        long maxBuffered = Long.parseLong(args[0]);
        boolean broadcast = args.length > 1 && "broadcast".equals(args[1]);
        SocketIoServer io = SocketIoServer.create(ServerOptions.builder().maxBufferedBytes(maxBuffered)
                .pingInterval(Duration.ofSeconds(25)).build());
        io.onConnection(socket -> {
            socket.on("echo", (RequestHandler) list -> list.get(0));
            socket.on("thread", (RequestHandler) list -> Thread.currentThread().getName());
            socket.onDisconnect(reason -> System.out.println("DISCONNECT " + socket.id() + " " + reason));
            System.out.println("CONNECT " + socket.id());
        });
        io.start(Integer.parseInt(System.getProperty("port", "0")));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        if (broadcast) {
            String payload = "x".repeat(8 * 1024);
            AtomicLong n = new AtomicLong();
            timer.scheduleAtFixedRate(() -> io.emit("tick", n.incrementAndGet(), payload), 20, 20,
                    TimeUnit.MILLISECONDS);
        }
        System.out.println("PORT " + io.port());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if ("heap".equals(line)) {
                System.gc();
                System.out.println("HEAP " + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            } else if ("classes".equals(line)) {
                System.out.println("CLASSES " + ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
            }
        }
        timer.shutdownNow();
        io.close();
    }
}
