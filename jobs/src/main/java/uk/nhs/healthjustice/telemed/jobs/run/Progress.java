package uk.nhs.healthjustice.telemed.jobs.run;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;

/** One line per stage on stderr, with counts and timings, for the operator and the scheduler's log. */
public final class Progress {

    private final PrintStream out;
    /** Milliseconds per stage name, in the order the stages first ran; a stage run twice adds up. */
    private final Map<String, Long> stageMillis = new java.util.LinkedHashMap<>();
    private volatile String current;
    private AtomicLong sparkJobs;

    public Progress(PrintStream out) {
        this.out = out;
    }

    /** The time of each stage so far (a copy). */
    public synchronized Map<String, Long> stageMillis() {
        return new java.util.LinkedHashMap<>(stageMillis);
    }

    /**
     * Also prints how many Spark jobs each stage started: on small nights the time goes to the number of jobs
     * (each one plans, compiles and schedules), not to the rows, so this is the figure to bring down.
     */
    public Progress countingJobsOf(SparkContext context) {
        this.sparkJobs = JobCounter.of(context);
        return this;
    }

    /** One listener per SparkContext (never one per run: a test JVM runs hundreds of nights on one context). */
    private static final class JobCounter extends SparkListener {
        private static final Map<SparkContext, AtomicLong> COUNTS = java.util.Collections.synchronizedMap(
                new java.util.WeakHashMap<>());
        private final AtomicLong started = new AtomicLong();

        static AtomicLong of(SparkContext context) {
            return COUNTS.computeIfAbsent(context, c -> {
                JobCounter counter = new JobCounter();
                c.addSparkListener(counter);
                return counter.started;
            });
        }

        @Override
        public void onJobStart(SparkListenerJobStart jobStart) {
            started.incrementAndGet();
        }
    }

    /** Runs a stage, records its time and prints one line. Lines never carry row contents. */
    public <T> T stage(String name, java.util.function.Supplier<T> work, java.util.function.Function<T, String> detail) {
        long t0 = System.nanoTime();
        long jobs0 = sparkJobs == null ? 0 : sparkJobs.get();
        current = name;
        T result = work.get();
        current = null;
        long ms = (System.nanoTime() - t0) / 1_000_000;
        synchronized (this) {
            stageMillis.merge(name, ms, Long::sum);
        }
        // the listener bus is asynchronous: a job's start can be counted a moment late, in the next stage
        String jobs = sparkJobs == null ? "" : String.format("%4d jobs", sparkJobs.get() - jobs0);
        out.printf("[telemed] %-28s %7d ms %s  %s%n", name, ms, jobs, detail.apply(result));
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
