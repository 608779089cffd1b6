package uk.nhs.healthjustice.telemed.jobs;

import java.time.LocalDate;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import uk.nhs.healthjustice.telemed.jobs.generate.GeneratorOptions;
import uk.nhs.healthjustice.telemed.jobs.generate.Scale;

/** {@code telemed generate}'s flags map onto the generator's settings; no flag means the documented defaults. */
class GenerateCommandTest {

    private static GeneratorOptions parse(String... args) {
        GenerateCommand command = new GenerateCommand();
        new CommandLine(command).parseArgs(args);
        return command.options();
    }

    @Test
    void noFlagsGiveTheDefaultsOfEachScale() {
        Assertions.assertEquals(GeneratorOptions.defaults(Scale.SMALL), parse("--output", "x"));
        Assertions.assertEquals(GeneratorOptions.defaults(Scale.NATIONAL), parse("--output", "x", "--scale", "national"));
    }

    @Test
    void everyPlantAndOptionalFileHasAFlag() {
        GeneratorOptions o = parse("--output", "x", "--seed", "7", "--years", "2", "--end-date", "2025-12-31",
                "--no-safety-logs", "--no-patients", "--site-connectivity", "--monitoring-missed-ratio", "3",
                "--security-events-before", "30", "--security-events-after", "5", "--case-mix-imbalance", "0.25",
                "--poor-connectivity-effect-ratio", "0.5", "--oldest-age-remote-multiplier", "0.4");
        Assertions.assertEquals(7, o.seed());
        Assertions.assertEquals(2.0, o.years());
        Assertions.assertEquals(LocalDate.parse("2025-12-31"), o.endDate());
        Assertions.assertFalse(o.writeSafetyLogs());
        Assertions.assertFalse(o.writePatients());
        Assertions.assertTrue(o.writeSiteConnectivity());
        Assertions.assertEquals(3.0, o.monitoringMissedRatio());
        Assertions.assertEquals(30.0, o.securityEventsPer1000BeforeTablets());
        Assertions.assertEquals(5.0, o.securityEventsPer1000AfterTablets());
        Assertions.assertEquals(0.25, o.caseMixImbalance());
        Assertions.assertEquals(0.5, o.poorConnectivityEffectRatio());
        Assertions.assertEquals(0.4, o.oldestAgeBandRemoteMultiplier());
    }

    @Test
    void aHighRemoteShareLowersTheDefaultImbalanceButAnExplicitOneIsChecked() {
        Assertions.assertEquals(GeneratorOptions.largestCaseMixImbalance(0.9),
                parse("--output", "x", "--remote-share", "0.9").caseMixImbalance());
        IllegalArgumentException e = Assertions.assertThrows(IllegalArgumentException.class,
                () -> parse("--output", "x", "--remote-share", "0.9", "--case-mix-imbalance", "1"));
        Assertions.assertTrue(e.getMessage().contains("case-mix imbalance"), e.getMessage());
        Assertions.assertThrows(IllegalArgumentException.class,
                () -> parse("--output", "x", "--oldest-age-remote-multiplier", "2"));
    }
}
