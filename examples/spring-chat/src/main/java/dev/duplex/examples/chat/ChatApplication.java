package dev.duplex.examples.chat;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The course's chat on Spring Boot: the Socket.IO server comes from {@code duplex-spring-boot-starter}
 * ({@code duplex.*} in application.properties), the handlers are the annotated methods of {@link ChatController},
 * and the server's metrics are on {@code /actuator/metrics/duplex.*}.
 */
@SpringBootApplication
public class ChatApplication {
    public static void main(String[] args) {
        SpringApplication.run(ChatApplication.class, args);
    }
}
