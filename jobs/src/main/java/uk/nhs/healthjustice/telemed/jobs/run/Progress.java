package uk.nhs.healthjustice.telemed.jobs.run;

import java.io.PrintStream;
import java.util.Map;

/** One line per stage on stderr, with counts and timings, for the operator and the scheduler's log. */
public final class Progress {

    private final PrintStream out;
    private final Map<String, Long> stageMillis;

    public Progress(PrintStream out, Map<String, Long> stageMillis) {
        this.out = out;
        this.stageMillis = stageMillis;
    }

    /** Runs a stage, records its time and prints one line. Lines never carry row contents. */
    public <T> T stage(String name, java.util.function.Supplier<T> work, java.util.function.Function<T, String> detail) {
        long t0 = System.nanoTime();
        T result = work.get();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        stageMillis.merge(name, ms, Long::sum);
        out.printf("[telemed] %-28s %7d ms  %s%n", name, ms, detail.apply(result));
        return result;
    }

    public void info(String line) {
        out.println("[telemed] " + line);
    }
}
