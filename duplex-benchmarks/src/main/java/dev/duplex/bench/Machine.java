package dev.duplex.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Facts about the machine and the software versions, for the report. */
final class Machine {
    private Machine() {
    }

    /** CPUs of the machine (not of this pinned process). */
    static int cpus() {
        return (int) lines("/proc/cpuinfo").stream().filter(l -> l.startsWith("processor")).count();
    }

    static String cpuModel() {
        return lines("/proc/cpuinfo").stream().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
    }

    static String memory() {
        return lines("/proc/meminfo").stream().filter(l -> l.startsWith("MemTotal:")).findFirst()
                .map(l -> String.format("%.1f GiB", Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0))
                .orElse("unknown");
    }

    static String kernel() {
        List<String> l = lines("/proc/sys/kernel/osrelease");
        return l.isEmpty() ? "unknown" : l.get(0).trim();
    }

    /** The first line a command prints, or "unknown". */
    static String run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir == null ? null : dir.toFile())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "unknown";
            }
            return out.isEmpty() ? "" : out.lines().findFirst().orElse("");
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** The "version" of an npm package installed in interop/node_modules. */
    static String npmVersion(Path interop, String pkg) {
        try {
            String json = Files.readString(interop.resolve("node_modules").resolve(pkg).resolve("package.json"));
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("version").asText("?");
        } catch (IOException e) {
            return "not installed";
        }
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            return List.of();
        }
    }
}
