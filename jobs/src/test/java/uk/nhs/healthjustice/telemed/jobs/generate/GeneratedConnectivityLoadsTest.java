package uk.nhs.healthjustice.telemed.jobs.generate;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.healthjustice.telemed.jobs.landing.ReferenceData;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/** The generated {@code reference/site_connectivity.csv} passes ReferenceData's own checks, every row read. */
class GeneratedConnectivityLoadsTest extends SparkTestBase {

    @TempDir
    Path tmp;

    @Test
    void referenceDataLoadsTheGeneratedFile() throws Exception {
        Path landing = tmp.resolve("landing");
        new LandingGenerator().generate(landing, GeneratorOptions.defaults(Scale.SMALL).withSites(20).withYears(0.2)
                .withPatients(false).withSafetyLogs(false).withSiteConnectivity(true));
        long lines = Files.readAllLines(landing.resolve("reference/" + SiteConnectivity.FILE)).size();
        ReferenceData ref = ReferenceData.load(spark(), landing);
        Assertions.assertNotNull(ref.siteConnectivity());
        Assertions.assertEquals(lines - 1, ref.siteConnectivity().count());
        Assertions.assertEquals(20, ref.siteConnectivity().select("site_id").distinct().count());
    }
}
