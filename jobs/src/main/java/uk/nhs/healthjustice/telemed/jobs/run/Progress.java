package uk.nhs.healthjustice.telemed.jobs.run;

import java.io.PrintStream;
import java.util.Map;

/** One line per stage on stderr, with counts and timings, for the operator and the scheduler's log. */
public final class Progress {

    private final PrintStream out;
    private final Map<String, Long> stageMillis;
    private volatile String current;

    public Progress(PrintStream out, Map<String, Long> stageMillis) {
        this.out = out;
        this.stageMillis = stageMillis;
    }

    /** Runs a stage, records its time and prints one line. Lines never carry row contents. */
    public <T> T stage(String name, java.util.function.Supplier<T> work, java.util.function.Function<T, String> detail) {
        long t0 = System.nanoTime();
        current = name;
        T result = work.get();
        current = null;
        long ms = (System.nanoTime() - t0) / 1_000_000;
        stageMillis.merge(name, ms, Long::sum);
        out.printf("[telemed] %-28s %7d ms  %s%n", name, ms, detail.apply(result));
        return result;
    }

    /** The stage running now (or that failed), null between stages. */
    public String current() {
        return current;
    }

    public void info(String line) {
        out.println("[telemed] " + line);
    }
}
