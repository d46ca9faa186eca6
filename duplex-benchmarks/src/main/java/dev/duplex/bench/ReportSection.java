package dev.duplex.bench;

/**
 * A section of docs/benchmarks.md that one option of {@code bin/bench} writes between two HTML comments
 * ({@code --cluster}, {@code --scale}), and that a full run carries over.
 */
final class ReportSection {
    private ReportSection() {
    }

    /** The section between {@code begin} and {@code end} in a report, markers included, or null. */
    static String extract(String report, String begin, String end) {
        int b = report.indexOf(begin);
        int e = report.indexOf(end, Math.max(0, b));
        return b < 0 || e < 0 ? null : report.substring(b, e + end.length()) + "\n";
    }

    /**
     * The report with {@code section} in place of the one between {@code begin} and {@code end}; where it has none,
     * before its {@code ## Findings}, else at its end.
     */
    static String splice(String report, String section, String begin, String end) {
        int b = report.indexOf(begin);
        int e = report.indexOf(end, Math.max(0, b));
        if (b >= 0 && e >= 0) {
            int after = e + end.length();
            if (after < report.length() && report.charAt(after) == '\n') {
                after++;
            }
            return report.substring(0, b) + section + report.substring(after);
        }
        int f = report.indexOf("\n## Findings");
        if (f >= 0) {
            return report.substring(0, f + 1) + section + "\n" + report.substring(f + 1);
        }
        return report + (report.isEmpty() || report.endsWith("\n\n") ? "" : report.endsWith("\n") ? "\n" : "\n\n")
                + section;
    }
}
