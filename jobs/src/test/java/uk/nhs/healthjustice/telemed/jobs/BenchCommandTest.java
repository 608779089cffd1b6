package uk.nhs.healthjustice.telemed.jobs;

import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/** {@code bench --delta-commits}: what it times is a real commit, read back whole at its version. */
class BenchCommandTest extends SparkTestBase {

    @TempDir
    Path tmp;

    @Test
    void deltaCommitsAreTimedOnNightsReadBackWhole() throws Exception {
        String line = BenchCommand.deltaCommitCost(spark(), tmp.resolve("delta"), 2);
        // 2 warm-up nights and 2 counted ones, each read back with its 100 rows and no other night's
        Assertions.assertTrue(line.startsWith("delta commits: 2 one-night commits of 100 rows, "), line);
        Assertions.assertTrue(line.endsWith("(spark.databricks.delta.snapshotPartitions=1)"), line);
    }
}
