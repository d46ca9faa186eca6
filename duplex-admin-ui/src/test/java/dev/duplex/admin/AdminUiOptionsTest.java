package dev.duplex.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The options as Node's {@code instrument} checks them, the bcrypt helper, and the bounded session store. */
class AdminUiOptionsTest {
    @Test
    void authMustBeChosenAndThePasswordMustBeABcryptHash() {
        assertThatThrownBy(() -> AdminUiOptions.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("basicAuth");
        assertThatThrownBy(() -> AdminUiOptions.builder().basicAuth("admin", "plain-password"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bcrypt");
        // a hash made by bcryptjs (what Node's admin-ui docs suggest), for the password "changeit"
        String node = "$2a$10$JIAVqIvB5t4fxosNZ3vUouxeBZWj53S.TDNCisAZH6EaczOvhNnfa";
        AdminUiOptions o = AdminUiOptions.builder().basicAuth("admin", node).build();
        assertThat(o.auth()).isTrue();
        assertThat(AdminUi.matches("changeit", node)).isTrue();
        assertThat(AdminUi.matches("changeiT", node)).isFalse();
        assertThat(o.namespaceName()).isEqualTo("/admin");
        assertThat(o.readonly()).isFalse();
        assertThat(o.mode()).isEqualTo(AdminUiOptions.Mode.DEVELOPMENT);
        assertThat(o.serveUi()).isFalse();
        assertThat(o.uiPath()).isEqualTo("/admin");
        assertThat(o.statsInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.toString()).doesNotContain(node);
        assertThat(AdminUiOptions.builder().noAuth().namespaceName("ops").uiPath("ui/").build())
                .satisfies(x -> {
                    assertThat(x.auth()).isFalse();
                    assertThat(x.namespaceName()).isEqualTo("/ops");
                    assertThat(x.uiPath()).isEqualTo("/ui");
                });
        assertThatThrownBy(() -> AdminUiOptions.builder().uiPath("/")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hashPasswordMakesAHashTheOptionsAccept() {
        String hash = AdminUi.hashPassword("pw");
        assertThat(hash).startsWith("$2a$10$");
        assertThat(AdminUiOptions.isBcryptHash(hash)).isTrue();
        assertThat(AdminUi.matches("pw", hash)).isTrue();
        // bcrypt reads the first 72 bytes, as bcryptjs does
        String longPw = "x".repeat(72);
        String longHash = AdminUi.hashPassword(longPw);
        assertThat(AdminUi.matches(longPw + "tail", longHash)).isTrue();
        assertThat(AdminUi.matches("x".repeat(71), longHash)).isFalse();
    }

    @Test
    void inMemorySessionsAreBoundedAndExpire() throws Exception {
        AdminSessionStore store = AdminSessionStore.inMemory(2, Duration.ofMillis(200));
        store.save("a");
        store.save("b");
        store.save("c");
        assertThat(store.exists("a").get()).isFalse();
        assertThat(store.exists("b").get()).isTrue();
        assertThat(store.exists("c").get()).isTrue();
        assertThat(store.exists(null).get()).isFalse();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (store.exists("c").get() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(store.exists("c").get()).isFalse();
    }
}
