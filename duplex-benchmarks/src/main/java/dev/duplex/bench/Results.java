package dev.duplex.bench;

import dev.duplex.bench.load.Metric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Every figure of every run of every contender, and the statistics the report prints. */
final class Results {
    /** A median with its min and max over the runs; {@code n} is how many runs had a value. */
    record Stat(double median, double min, double max, int n) {
        static final Stat NONE = new Stat(Double.NaN, Double.NaN, Double.NaN, 0);

        static Stat of(double[] values) {
            double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d) && !Double.isInfinite(d)).sorted()
                    .toArray();
            if (v.length == 0) {
                return NONE;
            }
            double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            return new Stat(median, v[0], v[v.length - 1], v.length);
        }
    }

    final List<Contender> contenders;
    final int runs;
    private final Map<String, Map<Metric, double[]>> values = new HashMap<>();
    private final Map<String, List<String>> notes = new HashMap<>();

    Results(List<Contender> contenders, int runs) {
        this.contenders = List.copyOf(contenders);
        this.runs = runs;
        for (Contender c : contenders) {
            Map<Metric, double[]> m = new EnumMap<>(Metric.class);
            for (Metric metric : Metric.values()) {
                double[] v = new double[runs];
                Arrays.fill(v, Double.NaN);
                m.put(metric, v);
            }
            values.put(c.id(), m);
            notes.put(c.id(), new ArrayList<>());
        }
    }

    synchronized void add(Contender c, int run, Map<Metric, Double> measured) {
        measured.forEach((m, v) -> values.get(c.id()).get(m)[run] = v);
    }

    private final Map<String, String> affinity = new java.util.TreeMap<>();

    /** Records the CPUs a contender's process was allowed to run on (read from /proc). */
    synchronized void affinity(Contender c, String cpus) {
        affinity.merge(c.id(), cpus, (a, b) -> a.equals(b) ? a : a + ", " + b);
    }

    /** The CPUs each contender ran on, as read from /proc. */
    synchronized Map<String, String> affinity() {
        return Map.copyOf(affinity);
    }

    private List<String> extraJvmFlags = List.of();

    /** Flags given with {@code --jvm-flag}, added to every JVM contender's command line (shown in the report). */
    synchronized void extraJvmFlags(List<String> flags) {
        extraJvmFlags = List.copyOf(flags);
    }

    synchronized List<String> extraJvmFlags() {
        return extraJvmFlags;
    }

    synchronized void note(Contender c, int run, String note) {
        notes.get(c.id()).add("run " + (run + 1) + ": " + note);
    }

    synchronized List<String> notes(Contender c) {
        return List.copyOf(notes.get(c.id()));
    }

    synchronized Stat stat(Contender c, Metric m) {
        return Stat.of(values.get(c.id()).get(m));
    }

    /** The value of every run (NaN where a run has none). */
    synchronized double[] runs(String contenderId, Metric m) {
        Map<Metric, double[]> v = values.get(contenderId);
        if (v == null) {
            double[] none = new double[runs];
            Arrays.fill(none, Double.NaN);
            return none;
        }
        return v.get(m).clone();
    }

    /** Whether this contender ran. */
    boolean has(String contenderId) {
        return values.containsKey(contenderId);
    }

    /** Per run, {@code a / b} of two (contender, metric) pairs; median and min-max over the runs with both. */
    Stat sameRunRatio(String idA, Metric a, String idB, Metric b) {
        double[] x = runs(idA, a);
        double[] y = runs(idB, b);
        double[] r = new double[runs];
        for (int i = 0; i < runs; i++) {
            r[i] = x[i] / y[i];
        }
        return Stat.of(r);
    }

    boolean hasReference() {
        return contenders.stream().anyMatch(c -> c.id().equals(Contender.REFERENCE));
    }

    /**
     * The same-run ratio against the reference, as an advantage (bigger is better): value / reference when higher
     * is better, reference / value when lower is better; median and min-max over the runs.
     */
    synchronized Stat ratio(Contender c, Metric m) {
        if (!hasReference() || m.better() == Metric.Better.NONE) {
            return Stat.NONE;
        }
        double[] mine = values.get(c.id()).get(m);
        double[] ref = values.get(Contender.REFERENCE).get(m);
        double[] r = new double[runs];
        for (int i = 0; i < runs; i++) {
            r[i] = m.better() == Metric.Better.HIGHER ? mine[i] / ref[i] : ref[i] / mine[i];
        }
        return Stat.of(r);
    }
}
