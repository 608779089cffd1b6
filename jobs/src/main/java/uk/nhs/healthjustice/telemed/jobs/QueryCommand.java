package uk.nhs.healthjustice.telemed.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import uk.nhs.healthjustice.telemed.jobs.run.SparkSessions;

/**
 * {@code telemed query}: SQL over the current outputs, for evaluators and operators who want a quick look
 * without a notebook. Every table under marts/ and published/ is a view named {@code marts_<table>} or
 * {@code published_<table>}. Curated tables are not offered: they hold patient keys.
 */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = "Run SQL over the current marts and published tables (views marts_<name>, published_<name>).")
final class QueryCommand implements Callable<Integer> {

    @Option(names = "--output", required = true, description = "The pipeline's output folder")
    Path output;
    @Option(names = "--rows", defaultValue = "50", description = "Rows to show at most (default: ${DEFAULT-VALUE})")
    int rows;
    @Parameters(index = "0", description = "SQL, e.g. \"select * from marts_rollout_impact where level = 'national'\"")
    String sql;

    @Override
    public Integer call() throws Exception {
        SparkSession spark = SparkSessions.getOrCreate(null, 2);
        for (String area : new String[] {"marts", "published"}) {
            Path dir = output.resolve(area);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> tables = Files.list(dir)) {
                for (Path t : (Iterable<Path>) tables.sorted()::iterator) {
                    spark.read().parquet(t.toString()).createOrReplaceTempView(area + "_" + t.getFileName());
                }
            }
        }
        spark.sql(sql).show(rows, false);
        return ExitCodes.SUCCESS;
    }
}
