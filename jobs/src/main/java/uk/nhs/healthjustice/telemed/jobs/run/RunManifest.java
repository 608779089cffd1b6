package uk.nhs.healthjustice.telemed.jobs.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code runs/<run_id>.json}: what a run read, where every row went, what it wrote, how long each stage took
 * and which versions ran. Written atomically, last, so a manifest with status {@code succeeded} means the
 * outputs it lists were published.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class RunManifest {

    /** One landed file. */
    public record InputFile(String log, String file, String format, long bytes, long lines, List<String> extraColumns) {
    }

    /** Where the rows of one log and night went. */
    public record LogCounts(String log, String loadDate, long rowsRead, long rowsCurated, long rowsQuarantined,
                            long versionsSuperseded, boolean accountedFor, Map<String, Long> brokenRules) {
    }

    /** One written table. */
    public record Output(String table, String path, long rows) {
    }

    public String runId;
    public String command;
    public String runDate;
    public String status = "running";
    public String message;
    public String generation;
    public String startedAt;
    public String finishedAt;
    public Map<String, String> versions = new LinkedHashMap<>();
    public List<String> referenceFiles = new ArrayList<>();
    public List<InputFile> inputs = new ArrayList<>();
    public List<LogCounts> counts = new ArrayList<>();
    public Double rejectRate;
    public Double maxRejectRate;
    /** First day of the periods an incremental run recomputed in the period marts; null when it recomputed all. */
    public String martPeriodsFrom;
    /** Why every period was recomputed; null for an incremental run. */
    public String fullRebuildReason;
    /** What the operator should look at though the run went on (a run date before the first load date, ...). */
    public List<String> warnings = new ArrayList<>();
    public List<Output> outputs = new ArrayList<>();
    public Map<String, Long> stageMillis = new LinkedHashMap<>();
    /**
     * The Delta tables this run published to (path under the output, e.g. {@code quarantine/consults}) and the
     * version it left each at: read that version ({@code versionAsOf}) to see the table as this run left it. A
     * run that changed nothing in a table made no commit (Delta skips empty ones) and records the version it found.
     */
    public Map<String, Long> deltaVersions = new LinkedHashMap<>();

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);

    public void writeTo(Path runsDir) throws IOException {
        Files.createDirectories(runsDir);
        Path tmp = runsDir.resolve("." + runId + ".json.tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, runsDir.resolve(runId + ".json"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    public static RunManifest read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), RunManifest.class);
    }
}
