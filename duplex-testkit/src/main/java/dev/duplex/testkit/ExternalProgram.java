package dev.duplex.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Checks for an outside program that a test needs. Without it the test is skipped with a clear message, except
 * under {@code CI=true}, where a missing program fails the test.
 */
public final class ExternalProgram {
    private ExternalProgram() {
    }

    /** True when {@code CI=true} is set in the environment. */
    public static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Whether {@code command versionFlag} runs and exits 0 within 20 seconds. */
    public static boolean runs(String command, String versionFlag) {
        try {
            Process p = new ProcessBuilder(command, versionFlag).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Skips (or, under CI, fails) the calling test when {@code command} cannot be run. */
    public static void require(String command, String versionFlag, String why) {
        boolean ok = runs(command, versionFlag);
        if (!ok && underCi()) {
            throw new AssertionError(command + " is required under CI=true (" + why + ") but could not be run");
        }
        Assumptions.assumeTrue(ok, () -> "skipped: " + command + " is not installed (" + why + ")");
    }

    /** Skips (or, under CI, fails) when the file does not exist. */
    public static void requireFile(Path file, String why) {
        boolean ok = Files.isRegularFile(file);
        if (!ok && underCi()) {
            throw new AssertionError(file + " is required under CI=true (" + why + ") but is missing");
        }
        Assumptions.assumeTrue(ok, () -> "skipped: " + file + " is missing (" + why + ")");
    }
}
