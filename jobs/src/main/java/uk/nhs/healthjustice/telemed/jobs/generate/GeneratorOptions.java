package uk.nhs.healthjustice.telemed.jobs.generate;

import java.time.LocalDate;

/**
 * Settings of the synthetic landing generator, with the planted effects an evaluation must recover.
 *
 * @param seed                          same seed, same bytes
 * @param scale                         SMALL or NATIONAL
 * @param years                         length of history, ending at {@code endDate}
 * @param endDate                       last referral/consult day; the last load date is the night after
 * @param badRowRate                    share of extra rows that break a contract rule
 * @param correctionRate                share of records that get a correction, a re-delivery or a stale copy
 * @param waitEffectDays                planted: days a remotely seen pathway at a live site waits less (0..30)
 * @param remoteShareAfterGoLive        planted: share of pathways first seen remotely once a site is live
 * @param noEscortCancelRateBeforeGoLive planted: chance an offsite appointment is cancelled for want of an escort
 * @param noEscortCancelRateAfterGoLive  the same once the site is live
 * @param writeCommunityBenchmarks      write reference/community_benchmarks.csv
 * @param sites                         number of sites; 0 for the scale's own (6 small, 120 national)
 * @param writeSafetyLogs               write the optional logs of contract version 2: prescriptions,
 *                                      medication_incidents and security_events (false: a landing without them)
 * @param monitoringMissedRatio         planted: the rate of {@code monitoring_missed} incidents on high-risk
 *                                      prescriptions issued in telemedicine consults, as a multiple of the
 *                                      in-person rate (0..10)
 * @param securityEventsPer1000BeforeTablets planted: security events per 1,000 telemedicine sessions at a site
 *                                      before its 4G tablets arrive (its telemedicine go-live)
 * @param securityEventsPer1000AfterTablets  the same once the tablets have arrived
 * @param caseMixImbalance              planted: 0 = every specialty is as likely to be seen remotely; k in
 *                                      (0, 1] makes the specialties with shorter community waits more likely
 *                                      (x (1 + 0.374k)) and the others less (x (1 - 0.626k)), the referral-weighted
 *                                      mean share staying {@code remoteShareAfterGoLive}
 * @param writePatients                 write the optional {@code patients} log of contract version 2 (demographics)
 * @param writeSiteConnectivity         write the optional {@code reference/site_connectivity.csv} (version 2;
 *                                      off by default, see the twelve-setting constructor)
 * @param poorConnectivityEffectRatio   planted: at a site whose connectivity at go-live is {@code poor} or
 *                                      {@code none}, a remotely seen pathway waits this multiple of
 *                                      {@code waitEffectDays} less (0..1; 1 = no connectivity effect, the default)
 * @param oldestAgeBandRemoteMultiplier planted: a {@code 70+} patient's chance of being seen remotely, as a
 *                                      multiple of everyone else's (0..1; 1 = no age effect, the default)
 */
public record GeneratorOptions(long seed, Scale scale, double years, LocalDate endDate, double badRowRate,
                               double correctionRate, int waitEffectDays, double remoteShareAfterGoLive,
                               double noEscortCancelRateBeforeGoLive, double noEscortCancelRateAfterGoLive,
                               boolean writeCommunityBenchmarks, int sites, boolean writeSafetyLogs,
                               double monitoringMissedRatio, double securityEventsPer1000BeforeTablets,
                               double securityEventsPer1000AfterTablets, double caseMixImbalance,
                               boolean writePatients, boolean writeSiteConnectivity,
                               double poorConnectivityEffectRatio, double oldestAgeBandRemoteMultiplier) {

    /** Defaults of the planted effects added with contract version 2 (see README, synthetic data). */
    public static final double DEFAULT_MONITORING_MISSED_RATIO = 2.0;
    public static final double DEFAULT_SECURITY_EVENTS_PER_1000_BEFORE_TABLETS = 20.0;
    public static final double DEFAULT_SECURITY_EVENTS_PER_1000_AFTER_TABLETS = 8.0;
    public static final double DEFAULT_CASE_MIX_IMBALANCE = 0.8;
    /**
     * Defaults of the connectivity and age plants: 1, no effect, so that the default landing's version 1 logs and
     * the planted wait effect (-0.6 x 21 = -12.6 days at every live site) stay as they were. The values the
     * README suggests for an equity or readiness evaluation are {@link #SUGGESTED_POOR_CONNECTIVITY_EFFECT_RATIO}
     * and {@link #SUGGESTED_OLDEST_AGE_BAND_REMOTE_MULTIPLIER}.
     */
    public static final double DEFAULT_POOR_CONNECTIVITY_EFFECT_RATIO = 1.0;
    public static final double DEFAULT_OLDEST_AGE_BAND_REMOTE_MULTIPLIER = 1.0;
    public static final double SUGGESTED_POOR_CONNECTIVITY_EFFECT_RATIO = 0.5;
    public static final double SUGGESTED_OLDEST_AGE_BAND_REMOTE_MULTIPLIER = 0.5;

    public GeneratorOptions {
        require(scale != null, "Invalid scale: null");
        require(years > 0 && years <= 20, "Invalid years: " + years + " (expected > 0 and <= 20)");
        require(endDate != null, "Invalid end date: null");
        require(badRowRate >= 0 && badRowRate <= 0.5, "Invalid bad row rate: " + badRowRate + " (expected 0..0.5)");
        require(correctionRate >= 0 && correctionRate <= 0.5,
                "Invalid correction rate: " + correctionRate + " (expected 0..0.5)");
        require(waitEffectDays >= 0 && waitEffectDays <= 30,
                "Invalid wait effect: " + waitEffectDays + " days (expected 0..30: baseline waits are at least 35 days)");
        require(remoteShareAfterGoLive >= 0 && remoteShareAfterGoLive <= 1,
                "Invalid remote share: " + remoteShareAfterGoLive + " (expected 0..1)");
        require(noEscortCancelRateBeforeGoLive >= 0 && noEscortCancelRateBeforeGoLive <= 0.5,
                "Invalid no-escort cancellation rate before go-live: " + noEscortCancelRateBeforeGoLive);
        require(sites >= 0 && sites <= 500, "Invalid sites: " + sites + " (expected 0..500)");
        require(noEscortCancelRateAfterGoLive >= 0 && noEscortCancelRateAfterGoLive <= 0.5,
                "Invalid no-escort cancellation rate after go-live: " + noEscortCancelRateAfterGoLive);
        require(monitoringMissedRatio >= 0 && monitoringMissedRatio <= 10,
                "Invalid monitoring_missed ratio: " + monitoringMissedRatio + " (expected 0..10)");
        require(securityEventsPer1000BeforeTablets >= 0 && securityEventsPer1000BeforeTablets <= 200
                        && securityEventsPer1000AfterTablets >= 0 && securityEventsPer1000AfterTablets <= 200,
                "Invalid security event rates: " + securityEventsPer1000BeforeTablets + ", "
                        + securityEventsPer1000AfterTablets + " (expected 0..200 per 1,000 sessions)");
        require(caseMixImbalance >= 0 && caseMixImbalance <= 1,
                "Invalid case-mix imbalance: " + caseMixImbalance + " (expected 0..1)");
        require(poorConnectivityEffectRatio >= 0 && poorConnectivityEffectRatio <= 1,
                "Invalid poor-connectivity effect ratio: " + poorConnectivityEffectRatio + " (expected 0..1)");
        require(oldestAgeBandRemoteMultiplier >= 0 && oldestAgeBandRemoteMultiplier <= 1,
                "Invalid 70+ remote multiplier: " + oldestAgeBandRemoteMultiplier + " (expected 0..1)");
        require(remoteShareAfterGoLive * (1 + SHORT_WAIT_UPLIFT * caseMixImbalance) <= 1,
                "Invalid remote share " + remoteShareAfterGoLive + " with case-mix imbalance " + caseMixImbalance
                        + ": the share in short-wait specialties would exceed 1");
    }

    /**
     * The settings of contract version 1 (the twelve of {@code telemed generate}); the safety logs and the
     * {@code patients} log are written and the version 2 plants take their defaults. The connectivity file is not
     * written by default: given one, rollout_impact adds national rows per connectivity subgroup, which the tests
     * of the evaluation on a default landing do not expect yet ({@link #withSiteConnectivity} writes it).
     */
    public GeneratorOptions(long seed, Scale scale, double years, LocalDate endDate, double badRowRate,
                            double correctionRate, int waitEffectDays, double remoteShareAfterGoLive,
                            double noEscortCancelRateBeforeGoLive, double noEscortCancelRateAfterGoLive,
                            boolean writeCommunityBenchmarks, int sites) {
        this(seed, scale, years, endDate, badRowRate, correctionRate, waitEffectDays, remoteShareAfterGoLive,
                noEscortCancelRateBeforeGoLive, noEscortCancelRateAfterGoLive, writeCommunityBenchmarks, sites, true,
                DEFAULT_MONITORING_MISSED_RATIO, DEFAULT_SECURITY_EVENTS_PER_1000_BEFORE_TABLETS,
                DEFAULT_SECURITY_EVENTS_PER_1000_AFTER_TABLETS,
                Math.min(DEFAULT_CASE_MIX_IMBALANCE, largestCaseMixImbalance(remoteShareAfterGoLive)), true, false,
                DEFAULT_POOR_CONNECTIVITY_EFFECT_RATIO, DEFAULT_OLDEST_AGE_BAND_REMOTE_MULTIPLIER);
    }

    /**
     * The largest case-mix imbalance a remote share allows (the short-wait specialties' share may not pass 1):
     * the default 0.8 up to a share of about 0.77, less above it, 0 at a share of 1.
     */
    public static double largestCaseMixImbalance(double remoteShareAfterGoLive) {
        if (remoteShareAfterGoLive <= 0) {
            return 1;
        }
        double k = (1 / remoteShareAfterGoLive - 1) / SHORT_WAIT_UPLIFT;
        return Math.max(0, Math.min(1, Math.floor(k * 1000) / 1000));
    }

    /**
     * Multipliers of the remote share under {@code caseMixImbalance}: the short-wait specialties hold 62 of the
     * 99 referral weights outside the gender identity clinic and the others 37, so 62 x 0.374 = 37 x 0.626 and
     * the weighted mean multiplier is 1.
     */
    static final double SHORT_WAIT_UPLIFT = 37.0 / 99.0;
    static final double LONG_WAIT_REDUCTION = 62.0 / 99.0;

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static GeneratorOptions defaults(Scale scale) {
        return new GeneratorOptions(42, scale, scale == Scale.SMALL ? 0.5 : 1, LocalDate.parse("2026-09-30"), 0.01,
                0.05, 21, 0.6, 0.12, 0.04, true, 0);
    }

    public GeneratorOptions withSeed(long v) {
        return with(b -> b.seed = v);
    }

    public GeneratorOptions withYears(double v) {
        return with(b -> b.years = v);
    }

    public GeneratorOptions withEndDate(LocalDate v) {
        return with(b -> b.endDate = v);
    }

    public GeneratorOptions withBadRowRate(double v) {
        return with(b -> b.badRowRate = v);
    }

    public GeneratorOptions withCorrectionRate(double v) {
        return with(b -> b.correctionRate = v);
    }

    public GeneratorOptions withWaitEffectDays(int v) {
        return with(b -> b.waitEffectDays = v);
    }

    public GeneratorOptions withRemoteShareAfterGoLive(double v) {
        return with(b -> b.remoteShareAfterGoLive = v);
    }

    public GeneratorOptions withNoEscortCancelRates(double before, double after) {
        return with(b -> {
            b.noEscortCancelRateBeforeGoLive = before;
            b.noEscortCancelRateAfterGoLive = after;
        });
    }

    public GeneratorOptions withCommunityBenchmarks(boolean v) {
        return with(b -> b.writeCommunityBenchmarks = v);
    }

    public GeneratorOptions withSites(int v) {
        return with(b -> b.sites = v);
    }

    /** With or without the optional safety logs (prescriptions, medication_incidents, security_events). */
    public GeneratorOptions withSafetyLogs(boolean v) {
        return with(b -> b.writeSafetyLogs = v);
    }

    public GeneratorOptions withMonitoringMissedRatio(double v) {
        return with(b -> b.monitoringMissedRatio = v);
    }

    public GeneratorOptions withSecurityEventsPer1000(double beforeTablets, double afterTablets) {
        return with(b -> {
            b.securityEventsPer1000BeforeTablets = beforeTablets;
            b.securityEventsPer1000AfterTablets = afterTablets;
        });
    }

    public GeneratorOptions withCaseMixImbalance(double v) {
        return with(b -> b.caseMixImbalance = v);
    }

    /** With or without the optional {@code patients} log (contract version 2). */
    public GeneratorOptions withPatients(boolean v) {
        return with(b -> b.writePatients = v);
    }

    /** With or without the optional {@code reference/site_connectivity.csv} (the plants hold either way). */
    public GeneratorOptions withSiteConnectivity(boolean v) {
        return with(b -> b.writeSiteConnectivity = v);
    }

    public GeneratorOptions withPoorConnectivityEffectRatio(double v) {
        return with(b -> b.poorConnectivityEffectRatio = v);
    }

    public GeneratorOptions withOldestAgeBandRemoteMultiplier(double v) {
        return with(b -> b.oldestAgeBandRemoteMultiplier = v);
    }

    /** A copy with some settings changed; the canonical constructor checks the result. */
    private GeneratorOptions with(java.util.function.Consumer<Settings> change) {
        Settings b = new Settings(this);
        change.accept(b);
        return b.build();
    }

    /** The settings as mutable fields, only to copy a record with some changed (records have no withers). */
    private static final class Settings {
        long seed;
        Scale scale;
        double years;
        LocalDate endDate;
        double badRowRate;
        double correctionRate;
        int waitEffectDays;
        double remoteShareAfterGoLive;
        double noEscortCancelRateBeforeGoLive;
        double noEscortCancelRateAfterGoLive;
        boolean writeCommunityBenchmarks;
        int sites;
        boolean writeSafetyLogs;
        double monitoringMissedRatio;
        double securityEventsPer1000BeforeTablets;
        double securityEventsPer1000AfterTablets;
        double caseMixImbalance;
        boolean writePatients;
        boolean writeSiteConnectivity;
        double poorConnectivityEffectRatio;
        double oldestAgeBandRemoteMultiplier;

        Settings(GeneratorOptions o) {
            seed = o.seed;
            scale = o.scale;
            years = o.years;
            endDate = o.endDate;
            badRowRate = o.badRowRate;
            correctionRate = o.correctionRate;
            waitEffectDays = o.waitEffectDays;
            remoteShareAfterGoLive = o.remoteShareAfterGoLive;
            noEscortCancelRateBeforeGoLive = o.noEscortCancelRateBeforeGoLive;
            noEscortCancelRateAfterGoLive = o.noEscortCancelRateAfterGoLive;
            writeCommunityBenchmarks = o.writeCommunityBenchmarks;
            sites = o.sites;
            writeSafetyLogs = o.writeSafetyLogs;
            monitoringMissedRatio = o.monitoringMissedRatio;
            securityEventsPer1000BeforeTablets = o.securityEventsPer1000BeforeTablets;
            securityEventsPer1000AfterTablets = o.securityEventsPer1000AfterTablets;
            caseMixImbalance = o.caseMixImbalance;
            writePatients = o.writePatients;
            writeSiteConnectivity = o.writeSiteConnectivity;
            poorConnectivityEffectRatio = o.poorConnectivityEffectRatio;
            oldestAgeBandRemoteMultiplier = o.oldestAgeBandRemoteMultiplier;
        }

        GeneratorOptions build() {
            return new GeneratorOptions(seed, scale, years, endDate, badRowRate, correctionRate, waitEffectDays,
                    remoteShareAfterGoLive, noEscortCancelRateBeforeGoLive, noEscortCancelRateAfterGoLive,
                    writeCommunityBenchmarks, sites, writeSafetyLogs, monitoringMissedRatio,
                    securityEventsPer1000BeforeTablets, securityEventsPer1000AfterTablets, caseMixImbalance,
                    writePatients, writeSiteConnectivity, poorConnectivityEffectRatio, oldestAgeBandRemoteMultiplier);
        }
    }

    /** How many sites to generate. */
    public int siteCount() {
        return sites > 0 ? sites : scale == Scale.SMALL ? 6 : 120;
    }

    /** First day of the history. */
    public LocalDate startDate() {
        return endDate.minusDays(Math.round(years * 365.25) - 1);
    }

    /**
     * The planted effect on a live site's mean wait to first attendance (pathways referred after go-live), at a
     * site with adequate connectivity at go-live and for patients under 70. With the default ratio and multiplier
     * (1) it is the effect at every live site, the national {@code ALL} expectation; otherwise the generator
     * records the national expectations of both connectivity subgroups and {@code ALL} in its manifest.
     */
    public double expectedEffectMeanFirstAttendanceWaitDays() {
        return -remoteShareAfterGoLive * waitEffectDays;
    }

    /** The same at a site whose connectivity at go-live was poor or none (patients under 70). */
    public double expectedEffectPoorConnectivityWaitDays() {
        return -remoteShareAfterGoLive * waitEffectDays * poorConnectivityEffectRatio;
    }
}
