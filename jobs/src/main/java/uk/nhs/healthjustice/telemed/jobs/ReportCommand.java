package uk.nhs.healthjustice.telemed.jobs;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import uk.nhs.healthjustice.telemed.dashboards.QuarterlyReport;
import uk.nhs.healthjustice.telemed.jobs.run.SparkSessions;

/** {@code telemed report}: the evaluators' quarterly report, HTML plus CSV tables, from published/. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Build the evaluators' quarterly report: report.html (prints to PDF) and every table as CSV.")
final class ReportCommand implements Callable<Integer> {

    @Option(names = "--output", required = true, description = "The pipeline's output folder (holding published/)")
    Path output;
    @Option(names = "--quarter", required = true, description = "NHS financial quarter, e.g. \"2026-27 Q2\" (July-September 2026)")
    String quarter;
    @Option(names = "--dir", description = "Folder to write (default: <output>/reports/<quarter>, e.g. reports/2026-27-Q2)")
    Path dir;

    @Override
    public Integer call() throws Exception {
        QuarterlyReport.quarterStart(quarter); // a bad label fails before Spark starts
        Path target = dir != null ? dir : output.resolve("reports").resolve(quarter.trim().replace(' ', '-'));
        Path file = QuarterlyReport.write(SparkSessions.getOrCreate(null, 2), output, quarter, target);
        System.out.println("report written to " + file.toAbsolutePath() + " (tables as CSV beside it)");
        return ExitCodes.SUCCESS;
    }
}
