package uk.nhs.healthjustice.telemed.jobs;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import uk.nhs.healthjustice.telemed.dashboards.Dashboard;
import uk.nhs.healthjustice.telemed.jobs.run.SparkSessions;

/** {@code telemed dashboard}: the commissioners' offline HTML dashboard from published/. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = "Build the commissioners' dashboard: one offline HTML file from <output>/published.")
final class DashboardCommand implements Callable<Integer> {

    @Option(names = "--output", required = true, description = "The pipeline's output folder (holding published/)")
    Path output;
    @Option(names = "--html", description = "File to write (default: <output>/dashboard.html)")
    Path html;

    @Override
    public Integer call() throws Exception {
        Path file = Dashboard.write(SparkSessions.getOrCreate(null, 2), output,
                html == null ? output.resolve("dashboard.html") : html);
        System.out.println("dashboard written to " + file.toAbsolutePath());
        return ExitCodes.SUCCESS;
    }
}
