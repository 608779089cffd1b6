package uk.nhs.healthjustice.telemed.jobs.publish;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The output folder and its publication protocol. Readers see {@code curated/}, {@code marts/} and
 * {@code published/}: each is a symbolic link to a complete, immutable generation under
 * {@code .store/generations/}. A run writes a whole new generation beside the current one, then commits by
 * atomically replacing the pointer file {@code .store/CURRENT} and the links. A run killed at any moment
 * leaves the previous generation published and readable; the next run starts from it.
 *
 * <p>Valid versions of every night are kept, pseudonymised, in the Delta tables {@code history/<log>}
 * ({@link HistoryTables}) so that a night can be rerun or backfilled and give the same result; each generation's
 * {@code history.json} names the nights it was built from and the table version it read them at. Before the
 * history was Delta it was a folder per run and night under {@code .store/history/}, listed by the same file:
 * the next run imports it, and those folders go once no kept generation lists them.
 */
public final class OutputStore {

    public static final List<String> PUBLISHED_DIRS = List.of("curated", "marts", "published");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;

    public OutputStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    Path store() {
        return root.resolve(".store");
    }

    public Path generationDir(String generation) {
        return store().resolve("generations").resolve(generation);
    }

    public Path runsDir() {
        return root.resolve("runs");
    }

    /** The committed generation, or null before the first run. */
    public String currentGeneration() {
        Path pointer = store().resolve("CURRENT");
        try {
            return Files.exists(pointer) ? Files.readString(pointer).trim() : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A generation's history index: log -> night -> where its valid rows are ({@link HistoryTables#reference},
     * or the folder of a history from before Delta); empty for none.
     */
    public Map<String, TreeMap<LocalDate, String>> historyIndex(String generation) {
        if (generation == null) {
            return new TreeMap<>();
        }
        Path index = generationDir(generation).resolve("history.json");
        try {
            Map<String, TreeMap<String, String>> raw = JSON.readValue(index.toFile(), new TypeReference<>() { });
            Map<String, TreeMap<LocalDate, String>> out = new TreeMap<>();
            raw.forEach((log, m) -> {
                TreeMap<LocalDate, String> dates = new TreeMap<>();
                m.forEach((d, p) -> dates.put(LocalDate.parse(d), p));
                out.put(log, dates);
            });
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the history index of generation " + generation, e);
        }
    }

    public void writeHistoryIndex(String generation, Map<String, TreeMap<LocalDate, String>> index) {
        Map<String, TreeMap<String, String>> raw = new TreeMap<>();
        index.forEach((log, m) -> {
            TreeMap<String, String> dates = new TreeMap<>();
            m.forEach((d, p) -> dates.put(d.toString(), p));
            raw.put(log, dates);
        });
        try {
            Files.createDirectories(generationDir(generation));
            JSON.writeValue(generationDir(generation).resolve("history.json").toFile(), raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the marts of a generation were computed from; null for none or for a generation without it. */
    public MartState martState(String generation) {
        if (generation == null) {
            return null;
        }
        Path f = generationDir(generation).resolve("marts.json");
        try {
            return Files.exists(f) ? JSON.readValue(f.toFile(), MartState.class) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + f, e);
        }
    }

    public void writeMartState(String generation, MartState state) {
        try {
            Files.createDirectories(generationDir(generation));
            JSON.writeValue(generationDir(generation).resolve("marts.json").toFile(), state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Path of a history partition relative to the output root, as stored in the index. */
    public String relative(Path p) {
        return root.relativize(p.toAbsolutePath().normalize()).toString();
    }

    public Path resolve(String relative) {
        return root.resolve(relative);
    }

    /**
     * Commit point: the pointer file is replaced atomically, then each reader-facing link. If the process
     * dies between the two, {@link #repairLinks()} at the next start finishes the job.
     */
    public void commit(String generation) {
        try {
            Files.createDirectories(store());
            Path tmp = store().resolve("CURRENT.tmp");
            Files.writeString(tmp, generation + "\n");
            Files.move(tmp, store().resolve("CURRENT"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            repairLinks();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot publish generation " + generation, e);
        }
    }

    /** Points curated/, marts/ and published/ at the committed generation. */
    public void repairLinks() throws IOException {
        String generation = currentGeneration();
        if (generation == null) {
            return;
        }
        for (String dir : PUBLISHED_DIRS) {
            Path target = generationDir(generation).resolve(dir);
            if (!Files.exists(target)) {
                continue;
            }
            Path link = root.resolve(dir);
            Path relativeTarget = root.relativize(target);
            if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(relativeTarget)) {
                continue;
            }
            if (Files.exists(link) && !Files.isSymbolicLink(link)) {
                throw new IOException("Cannot publish: " + link + " exists and is not a link made by this tool");
            }
            Path tmp = root.resolve("." + dir + ".link-tmp");
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, relativeTarget);
            // rename(2) over the old link: readers see the old or the new generation, never neither
            Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Replaces a folder by a fully written one in a single rename where possible. */
    public static void replaceDirectory(Path written, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path old = target.resolveSibling("." + target.getFileName() + ".old");
        deleteTree(old);
        if (Files.exists(target)) {
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(written, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("Cannot replace " + target, e);
        }
        deleteTree(old);
    }

    /**
     * Removes generations other than the newest {@code keep} and pre-Delta history folders no kept generation
     * refers to; runs only after a commit, so nothing a reader can reach is removed.
     */
    public void collectGarbage(int keep) throws IOException {
        Path gens = store().resolve("generations");
        if (!Files.isDirectory(gens)) {
            return;
        }
        String current = currentGeneration();
        List<Path> all;
        try (Stream<Path> s = Files.list(gens)) {
            all = s.sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
        }
        Set<String> kept = new HashSet<>();
        int n = 0;
        for (Path g : all) {
            String name = g.getFileName().toString();
            if (name.equals(current) || n < keep) {
                kept.add(name);
                n++;
            } else {
                deleteTree(g);
            }
        }
        Set<Path> referenced = new HashSet<>();
        for (String g : kept) {
            if (Files.exists(generationDir(g).resolve("history.json"))) {
                historyIndex(g).values().forEach(m -> m.values().forEach(p -> referenced.add(resolve(p))));
            }
        }
        Path history = store().resolve("history");
        if (Files.isDirectory(history)) {
            try (Stream<Path> s = Files.walk(history, 3)) {
                for (Path p : s.filter(p -> root.relativize(p).getNameCount() == 5).toList()) {
                    if (!referenced.contains(p)) {
                        deleteTree(p);
                    }
                }
            }
        }
    }

    /** What {@link #removeLeftovers} removed. */
    public record Removed(int generations, int historyFolders, int temporary, long bytes) {
        public int items() {
            return generations + historyFolders + temporary;
        }

        @Override
        public String toString() {
            return generations + " unpublished generation(s), " + historyFolders + " history folder(s) of them, "
                    + temporary + " temporary file(s) or folder(s); " + String.format(java.util.Locale.UK, "%.1f MB", bytes / 1e6);
        }
    }

    /**
     * Removes what a killed or failed run left behind; call under the output lock, before anything else is
     * written. Generations newer than the committed one were never committed (runs do not overlap, and a
     * generation's name sorts by its start time), and so are their pre-Delta history folders; {@code _temporary}
     * folders and {@code .tmp}/{@code .old} files are half-done writes. (A run's quarantine is published only
     * after its commit, see QuarantineTables, so no quarantine is left of a night never published.)
     */
    public Removed removeLeftovers() throws IOException {
        String current = currentGeneration();
        int gens = 0;
        int hist = 0;
        long[] bytes = {0};
        int[] temp = {0};
        Path generations = store().resolve("generations");
        if (Files.isDirectory(generations)) {
            try (Stream<Path> s = Files.list(generations)) {
                for (Path g : s.toList()) {
                    if (current == null || g.getFileName().toString().compareTo(current) > 0) {
                        bytes[0] += size(g);
                        deleteTree(g);
                        gens++;
                    }
                }
            }
        }
        Path history = store().resolve("history");
        if (Files.isDirectory(history)) {
            try (Stream<Path> s = Files.list(history)) {
                for (Path log : s.filter(Files::isDirectory).toList()) {
                    try (Stream<Path> runs = Files.list(log)) {
                        for (Path g : runs.toList()) {
                            if (current == null || g.getFileName().toString().compareTo(current) > 0) {
                                bytes[0] += size(g);
                                deleteTree(g);
                                hist++;
                            }
                        }
                    }
                }
            }
        }
        // half-done writes: _temporary folders, .tmp and .old leftovers (not inside table partitions)
        if (Files.isDirectory(root)) {
            Files.walkFileTree(root, java.util.EnumSet.noneOf(java.nio.file.FileVisitOption.class), 6,
                    new java.nio.file.SimpleFileVisitor<>() {
                        @Override
                        public java.nio.file.FileVisitResult preVisitDirectory(Path dir,
                                java.nio.file.attribute.BasicFileAttributes attrs) throws IOException {
                            String n = dir.getFileName() == null ? "" : dir.getFileName().toString();
                            if (n.equals("_temporary") || (n.startsWith(".") && n.endsWith(".old"))) {
                                bytes[0] += size(dir);
                                deleteTree(dir);
                                temp[0]++;
                                return java.nio.file.FileVisitResult.SKIP_SUBTREE;
                            }
                            return n.startsWith("load_date=") || n.startsWith("part-")
                                    ? java.nio.file.FileVisitResult.SKIP_SUBTREE : java.nio.file.FileVisitResult.CONTINUE;
                        }

                        @Override
                        public java.nio.file.FileVisitResult visitFile(Path file,
                                java.nio.file.attribute.BasicFileAttributes attrs) throws IOException {
                            String n = file.getFileName().toString();
                            boolean lockInProgress = n.startsWith(".telemed.lock"); // another run's attempt
                            if (!lockInProgress && ((n.endsWith(".tmp") || n.endsWith(".link-tmp")) && n.startsWith(".")
                                    || n.equals("CURRENT.tmp"))) {
                                bytes[0] += attrs.isSymbolicLink() ? 0 : attrs.size();
                                Files.deleteIfExists(file);
                                temp[0]++;
                            }
                            return java.nio.file.FileVisitResult.CONTINUE;
                        }
                    });
        }
        return new Removed(gens, hist, temp[0], bytes[0]);
    }

    /** Bytes of the regular files under a path (links not followed). */
    static long size(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(p)) {
            long total = 0;
            for (Path f : s.toList()) {
                if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    total += Files.size(f);
                }
            }
            return total;
        }
    }

    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
