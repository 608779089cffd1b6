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
 */
public record GeneratorOptions(long seed, Scale scale, double years, LocalDate endDate, double badRowRate,
                               double correctionRate, int waitEffectDays, double remoteShareAfterGoLive,
                               double noEscortCancelRateBeforeGoLive, double noEscortCancelRateAfterGoLive,
                               boolean writeCommunityBenchmarks, int sites) {

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
    }

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
        return new GeneratorOptions(v, scale, years, endDate, badRowRate, correctionRate, waitEffectDays,
                remoteShareAfterGoLive, noEscortCancelRateBeforeGoLive, noEscortCancelRateAfterGoLive, writeCommunityBenchmarks, sites);
    }

    public GeneratorOptions withYears(double v) {
        return new GeneratorOptions(seed, scale, v, endDate, badRowRate, correctionRate, waitEffectDays,
                remoteShareAfterGoLive, noEscortCancelRateBeforeGoLive, noEscortCancelRateAfterGoLive, writeCommunityBenchmarks, sites);
    }

    public GeneratorOptions withEndDate(LocalDate v) {
        return new GeneratorOptions(seed, scale, years, v, badRowRate, correctionRate, waitEffectDays,
                remoteShareAfterGoLive, noEscortCancelRateBeforeGoLive, noEscortCancelRateAfterGoLive, writeCommunityBenchmarks, sites);
    }

    public GeneratorOptions withBadRowRate(double v) {
        return new GeneratorOptions(seed, scale, years, endDate, v, correctionRate, waitEffectDays,
                remoteShareAfterGoLive, noEscortCancelRateBeforeGoLive, noEscortCancelRateAfterGoLive, writeCommunityBenchmarks, sites);
    }

    public GeneratorOptions withCorrectionRate(double v) {
        return new GeneratorOptions(seed, scale, years, endDate, badRowRate, v, waitEffectDays,
                remoteShareAfterGoLive, noEscortCancelRateBeforeGoLive, noEscortCancelRateAfterGoLive, writeCommunityBenchmarks, sites);
    }

    public GeneratorOptions withWaitEffectDays(int v) {
        return new GeneratorOptions(seed, scale, years, endDate, badRowRate, correctionRate, v,
                remoteShareAfterGoLive, noEscortCancelRateBeforeGoLive, noEscortCancelRateAfterGoLive, writeCommunityBenchmarks, sites);
    }

    public GeneratorOptions withRemoteShareAfterGoLive(double v) {
        return new GeneratorOptions(seed, scale, years, endDate, badRowRate, correctionRate, waitEffectDays,
                v, noEscortCancelRateBeforeGoLive, noEscortCancelRateAfterGoLive, writeCommunityBenchmarks, sites);
    }

    public GeneratorOptions withNoEscortCancelRates(double before, double after) {
        return new GeneratorOptions(seed, scale, years, endDate, badRowRate, correctionRate, waitEffectDays,
                remoteShareAfterGoLive, before, after, writeCommunityBenchmarks, sites);
    }

    public GeneratorOptions withCommunityBenchmarks(boolean v) {
        return new GeneratorOptions(seed, scale, years, endDate, badRowRate, correctionRate, waitEffectDays,
                remoteShareAfterGoLive, noEscortCancelRateBeforeGoLive, noEscortCancelRateAfterGoLive, v, sites);
    }

    public GeneratorOptions withSites(int v) {
        return new GeneratorOptions(seed, scale, years, endDate, badRowRate, correctionRate, waitEffectDays,
                remoteShareAfterGoLive, noEscortCancelRateBeforeGoLive, noEscortCancelRateAfterGoLive,
                writeCommunityBenchmarks, v);
    }

    /** How many sites to generate. */
    public int siteCount() {
        return sites > 0 ? sites : scale == Scale.SMALL ? 6 : 120;
    }

    /** First day of the history. */
    public LocalDate startDate() {
        return endDate.minusDays(Math.round(years * 365.25) - 1);
    }

    /** The planted effect on a live site's mean wait to first attendance (pathways referred after go-live). */
    public double expectedEffectMeanFirstAttendanceWaitDays() {
        return -remoteShareAfterGoLive * waitEffectDays;
    }
}
