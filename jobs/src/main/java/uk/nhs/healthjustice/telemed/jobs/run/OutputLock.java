package uk.nhs.healthjustice.telemed.jobs.run;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The exclusive lock of one output folder: the file {@code <output>/.telemed.lock}, holding the holder's run
 * id, command, host, process id, process start time, start time and a random token (JSON).
 *
 * <p>Guarantees:
 * <ul>
 * <li><b>Exclusive creation.</b> The lock file is created only if absent, atomically: on a local or
 *     POSIX-shared disk by a hard link from a fully written private file ({@code link(2)} fails when the name
 *     exists, so there is no window between "is it there?" and "create it", and a reader never sees a
 *     half-written lock); on any other Hadoop file system (HDFS, ...) by {@code FileSystem.create(path,
 *     overwrite = false)}, which the name node makes atomic. Hadoop's own local file system checks and then
 *     creates, which is not atomic, hence the hard link there. Object stores without an atomic
 *     create-if-absent (S3) give no guarantee.</li>
 * <li><b>Liveness.</b> While held, a daemon thread touches the lock's modification time every
 *     {@link #HEARTBEAT}. A lock is <em>stale</em>, and is taken over with a line saying so, when its holder
 *     ran on this host and its process is gone (or the process id now belongs to a process started after the
 *     lock was taken), or when it has not been touched for {@link #STALE_AFTER}, whatever the host.
 *     A take-over is itself serialised by a second create-if-absent file, so two runs finding the same stale
 *     lock do not both take it.</li>
 * <li><b>Release.</b> {@link #close()} deletes the lock only if it still carries this holder's token.
 *     {@link #verifyHeld()} re-reads the token; a run calls it just before it publishes, so a run whose lock
 *     was broken ({@code --break-lock}) or taken over while it was frozen does not publish.</li>
 * </ul>
 * A lock is re-entrant per thread: a job started by a command that already holds the lock does not take it
 * twice ({@link #heldByThisThread}).
 */
public final class OutputLock implements AutoCloseable {

    public static final String FILE_NAME = ".telemed.lock";
    /** How often a holder proves it is alive. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(30);
    /** A lock not touched for this long is stale, on any host. */
    public static final Duration STALE_AFTER = Duration.ofMinutes(10);

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    private static final Map<java.nio.file.Path, OutputLock> HELD = new ConcurrentHashMap<>();

    /** The content of a lock file. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Holder(String runId, String command, String host, long pid, String processStart,
                         String startedAt, String token) {

        /** For messages: run id, host, process id, start time. */
        public String describe() {
            return "run " + runId + " (" + command + ") on host " + host + ", process " + pid + ", started " + startedAt;
        }
    }

    /** Another run holds the lock: the CLI exits with {@code ExitCodes.OUTPUT_LOCKED}. */
    public static final class Held extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Held(String message) {
            super(message);
        }
    }

    private final java.nio.file.Path output;
    private final FileSystem fs;
    private final Path lockPath;
    private final Holder holder;
    private final Thread owner = Thread.currentThread();
    private final ScheduledExecutorService heartbeat;

    private OutputLock(java.nio.file.Path output, FileSystem fs, Path lockPath, Holder holder) {
        this.output = output;
        this.fs = fs;
        this.lockPath = lockPath;
        this.holder = holder;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "telemed-lock-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleAtFixedRate(this::touch, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The lock this thread already holds on the output folder, or null. */
    public static OutputLock heldByThisThread(java.nio.file.Path output) {
        OutputLock l = HELD.get(key(output));
        return l != null && l.owner == Thread.currentThread() ? l : null;
    }

    /**
     * Takes the lock of an output folder (created if absent).
     *
     * @param breakLock remove any existing lock, live or not (the operator's decision), saying whose it was
     * @param log       where the take-over and break lines go
     * @throws Held when a live run holds it
     */
    public static OutputLock acquire(java.nio.file.Path output, String runId, String command, boolean breakLock,
                                     PrintStream log) {
        java.nio.file.Path root = key(output);
        try {
            Files.createDirectories(root);
            FileSystem fs = FileSystem.newInstance(URI.create(root.toUri().toString()), new Configuration());
            if (fs instanceof LocalFileSystem local) {
                fs = local.getRawFileSystem(); // no .crc side files
            }
            Path lockPath = new Path(root.resolve(FILE_NAME).toUri());
            ProcessHandle self = ProcessHandle.current();
            Holder me = new Holder(runId, command, hostName(), self.pid(),
                    self.info().startInstant().map(Instant::toString).orElse(null), Instant.now().toString(),
                    UUID.randomUUID().toString());
            for (int attempt = 0; attempt < 5; attempt++) {
                if (createExclusive(fs, lockPath, JSON.writeValueAsBytes(me))) {
                    OutputLock lock = new OutputLock(root, fs, lockPath, me);
                    HELD.put(root, lock);
                    return lock;
                }
                Optional<Holder> current = read(fs, lockPath);
                if (current.isEmpty()) {
                    sleep(200); // being written (HDFS) or just released: look again
                    continue;
                }
                Holder other = current.get();
                String staleBecause = breakLock ? "--break-lock" : staleReason(fs, lockPath, other);
                if (staleBecause == null) {
                    fs.close();
                    throw new Held("Another run holds the output lock " + root.resolve(FILE_NAME) + ": "
                            + other.describe() + ". Runs must not overlap on one output folder; if that run is gone "
                            + "for good, rerun with --break-lock");
                }
                if (takeOver(fs, lockPath, other)) {
                    log.println("[telemed] " + (breakLock ? "broke" : "took over") + " the output lock of "
                            + other.describe() + " (" + staleBecause + ")");
                }
            }
            fs.close();
            throw new Held("Cannot take the output lock " + root.resolve(FILE_NAME)
                    + ": other runs keep taking it; try again");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot take the output lock " + root.resolve(FILE_NAME) + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Why the holder's lock is stale, or null when it may be alive: same host and its process gone (or
     * replaced by a later process with the same id), or no heartbeat for {@link #STALE_AFTER}.
     */
    static String staleReason(FileSystem fs, Path lockPath, Holder other) throws IOException {
        if (hostName().equals(other.host())) {
            Optional<ProcessHandle> p = ProcessHandle.of(other.pid());
            if (p.isEmpty() || !p.get().isAlive()) {
                return "its process " + other.pid() + " on this host is gone";
            }
            Optional<Instant> started = p.get().info().startInstant();
            if (other.processStart() != null && started.isPresent()
                    && started.get().isAfter(Instant.parse(other.processStart()).plusSeconds(1))) {
                return "process id " + other.pid() + " now belongs to a later process";
            }
        }
        FileStatus st;
        try {
            st = fs.getFileStatus(lockPath);
        } catch (java.io.FileNotFoundException e) {
            return "released meanwhile";
        }
        Duration idle = Duration.ofMillis(System.currentTimeMillis() - st.getModificationTime());
        if (idle.compareTo(STALE_AFTER) > 0) {
            return "no heartbeat for " + idle.toMinutes() + " minutes (limit " + STALE_AFTER.toMinutes() + ")";
        }
        return null;
    }

    /**
     * Removes a stale lock if it is still the one judged stale. Serialised by {@code .telemed.lock.takeover},
     * itself created if absent (and removed after a minute if its maker died).
     */
    private static boolean takeOver(FileSystem fs, Path lockPath, Holder stale) throws IOException {
        Path guard = lockPath.suffix(".takeover");
        if (!createExclusive(fs, guard, new byte[0])) {
            try {
                if (System.currentTimeMillis() - fs.getFileStatus(guard).getModificationTime() > 60_000) {
                    fs.delete(guard, false);
                }
            } catch (java.io.FileNotFoundException e) {
                // gone meanwhile
            }
            sleep(200);
            return false;
        }
        try {
            Optional<Holder> now = read(fs, lockPath);
            if (now.isPresent() && stale.token().equals(now.get().token())) {
                fs.delete(lockPath, false);
                return true;
            }
            return false;
        } finally {
            fs.delete(guard, false);
        }
    }

    /** Throws {@link Held} when the lock file no longer carries this holder's token. */
    public void verifyHeld() {
        Optional<Holder> now;
        try {
            now = read(fs, lockPath);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the output lock " + lockPath + ": " + e.getMessage(), e);
        }
        if (now.isEmpty() || !holder.token().equals(now.get().token())) {
            throw new Held("This run lost the output lock " + output.resolve(FILE_NAME) + " (broken or taken over"
                    + now.map(h -> " by " + h.describe()).orElse("") + "); nothing of it was published");
        }
    }

    public Holder holder() {
        return holder;
    }

    public java.nio.file.Path file() {
        return output.resolve(FILE_NAME);
    }

    /** Releases the lock if this holder still has it. */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        HELD.remove(output, this);
        try {
            Optional<Holder> now = read(fs, lockPath);
            if (now.isPresent() && holder.token().equals(now.get().token())) {
                fs.delete(lockPath, false);
            }
        } catch (IOException e) {
            // the lock stays and will be recognised as stale (this process is gone by then)
        } finally {
            try {
                fs.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }

    private void touch() {
        try {
            fs.setTimes(lockPath, System.currentTimeMillis(), -1);
        } catch (IOException | RuntimeException e) {
            // a missed heartbeat is harmless unless STALE_AFTER of them are missed
        }
    }

    /** Create-if-absent with the content, atomically (see the class comment); false when it exists. */
    static boolean createExclusive(FileSystem fs, Path path, byte[] content) throws IOException {
        if (fs instanceof RawLocalFileSystem local) {
            java.nio.file.Path target = local.pathToFile(path).toPath();
            java.nio.file.Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            Files.write(tmp, content);
            try {
                Files.createLink(target, tmp);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        try (OutputStream out = fs.create(path, false)) {
            out.write(content);
            return true;
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        }
    }

    /** The lock's holder; empty when there is no lock or it cannot be parsed (yet). */
    static Optional<Holder> read(FileSystem fs, Path lockPath) throws IOException {
        byte[] bytes;
        try (InputStream in = fs.open(lockPath)) {
            bytes = in.readAllBytes();
        } catch (java.io.FileNotFoundException e) {
            return Optional.empty();
        }
        try {
            Holder h = JSON.readValue(bytes, Holder.class);
            return h.token() == null ? Optional.empty() : Optional.of(h);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The holder of a folder's lock, for tests and diagnostics. */
    public static Optional<Holder> holderOf(java.nio.file.Path output) throws IOException {
        java.nio.file.Path f = key(output).resolve(FILE_NAME);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        return Optional.of(JSON.readValue(f.toFile(), Holder.class));
    }

    /** Writes a lock file as another run would have (tests: a killed run's lock). */
    public static void writeForTest(java.nio.file.Path output, Holder h) throws IOException {
        Files.createDirectories(key(output));
        Files.write(key(output).resolve(FILE_NAME), JSON.writeValueAsBytes(h));
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "unknown-host" : env;
        }
    }

    private static java.nio.file.Path key(java.nio.file.Path output) {
        return output.toAbsolutePath().normalize();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
