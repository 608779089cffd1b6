package uk.nhs.healthjustice.telemed.jobs;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import uk.nhs.healthjustice.telemed.jobs.generate.GenerationSummary;
import uk.nhs.healthjustice.telemed.jobs.generate.GeneratorOptions;
import uk.nhs.healthjustice.telemed.jobs.generate.LandingGenerator;
import uk.nhs.healthjustice.telemed.jobs.generate.Scale;

/** {@code telemed generate}: a seeded synthetic landing folder with planted effects. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Write realistic synthetic landing data (DATA_CONTRACT.md layout) with planted effects.")
final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--output", required = true, description = "Landing folder to write")
    Path output;
    @Option(names = "--scale", defaultValue = "small", description = "small or national (default: ${DEFAULT-VALUE})")
    String scale;
    @Option(names = "--years", description = "History length in years (default: 0.5 small, 1 national)")
    Double years;
    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--end-date", defaultValue = "2026-09-30", description = "Last day of history (default: ${DEFAULT-VALUE})")
    LocalDate endDate;
    @Option(names = "--bad-row-rate", defaultValue = "0.01", description = "Share of extra rows breaking a rule (default: ${DEFAULT-VALUE})")
    double badRowRate;
    @Option(names = "--correction-rate", defaultValue = "0.05", description = "Share of records corrected or re-delivered (default: ${DEFAULT-VALUE})")
    double correctionRate;
    @Option(names = "--wait-effect-days", defaultValue = "21", description = "Planted: days less waited by pathways seen remotely after go-live (default: ${DEFAULT-VALUE})")
    int waitEffectDays;
    @Option(names = "--remote-share", defaultValue = "0.6", description = "Planted: share of pathways seen remotely after go-live (default: ${DEFAULT-VALUE})")
    double remoteShare;
    @Option(names = "--no-escort-before", defaultValue = "0.12", description = "Planted: no-escort cancellation rate of offsite appointments before go-live (default: ${DEFAULT-VALUE})")
    double noEscortBefore;
    @Option(names = "--no-escort-after", defaultValue = "0.04", description = "Planted: the same after go-live (default: ${DEFAULT-VALUE})")
    double noEscortAfter;
    @Option(names = "--sites", defaultValue = "0", description = "Number of sites (default: 6 small, 120 national)")
    int sites;
    @Option(names = "--no-benchmarks", description = "Do not write reference/community_benchmarks.csv")
    boolean noBenchmarks;
    @Option(names = "--no-safety-logs", description = "Do not write the optional prescriptions, medication_incidents"
            + " and security_events logs")
    boolean noSafetyLogs;
    @Option(names = "--no-patients", description = "Do not write the optional patients log (demographics)")
    boolean noPatients;
    @Option(names = "--site-connectivity", description = "Write reference/site_connectivity.csv: rollout_impact then"
            + " adds the connectivity subgroups and readiness its connectivity columns")
    boolean siteConnectivity;
    @Option(names = "--monitoring-missed-ratio", description = "Planted: monitoring_missed incidents on high-risk"
            + " prescriptions from telemedicine consults, as a multiple of in person (default: ${DEFAULT-VALUE})",
            defaultValue = "" + GeneratorOptions.DEFAULT_MONITORING_MISSED_RATIO)
    double monitoringMissedRatio;
    @Option(names = "--security-events-before", description = "Planted: security events per 1,000 telemedicine"
            + " sessions before the site's tablets arrive (default: ${DEFAULT-VALUE})",
            defaultValue = "" + GeneratorOptions.DEFAULT_SECURITY_EVENTS_PER_1000_BEFORE_TABLETS)
    double securityBefore;
    @Option(names = "--security-events-after", description = "Planted: the same once they have (default: ${DEFAULT-VALUE})",
            defaultValue = "" + GeneratorOptions.DEFAULT_SECURITY_EVENTS_PER_1000_AFTER_TABLETS)
    double securityAfter;
    @Option(names = "--case-mix-imbalance", description = "Planted: 0 = every specialty as likely to be seen remotely;"
            + " up to 1 = short-wait (cheaper) specialties much more likely (default: 0.8, less when --remote-share"
            + " is so high that a share would pass 1)")
    Double caseMixImbalance;
    @Option(names = "--poor-connectivity-effect-ratio", description = "Planted: at sites with poor or no connectivity"
            + " at go-live the wait effect is this multiple of --wait-effect-days (0..1; default: ${DEFAULT-VALUE},"
            + " no connectivity effect; suggested for a readiness evaluation: "
            + GeneratorOptions.SUGGESTED_POOR_CONNECTIVITY_EFFECT_RATIO + ")",
            defaultValue = "" + GeneratorOptions.DEFAULT_POOR_CONNECTIVITY_EFFECT_RATIO)
    double poorConnectivityEffectRatio;
    @Option(names = "--oldest-age-remote-multiplier", description = "Planted: a 70+ patient's chance of being seen"
            + " remotely as a multiple of others' (0..1; default: ${DEFAULT-VALUE}, no age effect; suggested for an"
            + " equity evaluation: " + GeneratorOptions.SUGGESTED_OLDEST_AGE_BAND_REMOTE_MULTIPLIER + ")",
            defaultValue = "" + GeneratorOptions.DEFAULT_OLDEST_AGE_BAND_REMOTE_MULTIPLIER)
    double oldestAgeRemoteMultiplier;

    GeneratorOptions options() {
        Scale s = switch (scale.toLowerCase()) {
            case "small" -> Scale.SMALL;
            case "national" -> Scale.NATIONAL;
            default -> throw new IllegalArgumentException("Invalid --scale: " + scale + " (expected small or national)");
        };
        GeneratorOptions d = GeneratorOptions.defaults(s);
        GeneratorOptions o = new GeneratorOptions(seed, s, years == null ? d.years() : years, endDate, badRowRate,
                correctionRate, waitEffectDays, remoteShare, noEscortBefore, noEscortAfter, !noBenchmarks, sites)
                .withSafetyLogs(!noSafetyLogs).withPatients(!noPatients).withSiteConnectivity(siteConnectivity)
                .withMonitoringMissedRatio(monitoringMissedRatio).withSecurityEventsPer1000(securityBefore, securityAfter)
                .withPoorConnectivityEffectRatio(poorConnectivityEffectRatio)
                .withOldestAgeBandRemoteMultiplier(oldestAgeRemoteMultiplier);
        return caseMixImbalance == null ? o : o.withCaseMixImbalance(caseMixImbalance);
    }

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        GenerationSummary s = new LandingGenerator().generate(output, options());
        System.out.printf("generated %d sites, %d load dates (%s .. %s): %d referral, %d consult, %d MHA rows"
                        + " (%d bad rows planted, %d corrections, %d re-deliveries); %d prescription, %d medication"
                        + " incident, %d security event rows (%d bad rows planted); %d patient rows (%d bad rows"
                        + " planted) in %.1f s into %s%n",
                s.sites(), s.loadDates().size(), s.firstLoadDate(), s.lastLoadDate(), s.referralRows(), s.consultRows(),
                s.mhaRows(), s.badRowsPlanted(), s.correctionRows(), s.redeliveredRows(), s.prescriptionRows(),
                s.medicationIncidentRows(), s.securityEventRows(), s.safetyBadRowsPlanted(), s.patientRows(),
                s.patientBadRowsPlanted(), (System.nanoTime() - t0) / 1e9, output);
        return ExitCodes.SUCCESS;
    }
}
