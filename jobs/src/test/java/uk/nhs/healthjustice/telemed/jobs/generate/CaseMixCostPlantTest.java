package uk.nhs.healthjustice.telemed.jobs.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.healthjustice.telemed.schemas.Contracts;

/**
 * The planted cost difference and case-mix imbalance (issue 17 item 10): telemedicine is more likely in the
 * short-wait specialties, whose consults are shorter and so cheaper; at the same case mix telemedicine pathways
 * are cheaper by the amount the manifest records, and the unadjusted difference overstates the saving. The
 * overall remote share after go-live (and so the planted wait effect) is unchanged.
 */
class CaseMixCostPlantTest {

    @TempDir
    Path tmp;

    @Test
    void theManifestRecordsAnAdjustedSavingTheUnadjustedDifferenceOverstates() throws IOException {
        Path landing = tmp.resolve("landing");
        GeneratorOptions o = GeneratorOptions.defaults(Scale.SMALL).withSites(10).withYears(1.0).withBadRowRate(0.01);
        new LandingGenerator().generate(landing, o);
        JsonNode cost = new ObjectMapper().readTree(landing.resolve("generator_manifest.json").toFile())
                .get("planted_effects").get("cost_per_pathway");
        JsonNode whole = cost.get("whole_history");
        double adjusted = whole.get("public_sector").get("adjusted_difference_gbp").asDouble();
        double unadjusted = whole.get("public_sector").get("unadjusted_difference_gbp").asDouble();
        System.out.printf("cost per pathway, telemedicine minus in person: adjusted %.2f, unadjusted %.2f (nhs %s, hmpps %s)%n",
                adjusted, unadjusted, whole.get("nhs"), whole.get("hmpps"));
        for (JsonNode q : cost.get("by_quarter")) {
            System.out.println("  " + q);
        }
        Assertions.assertTrue(whole.get("telemedicine_pathways").asLong() > 1000, whole.toString());
        Assertions.assertTrue(adjusted < -50, "telemedicine is cheaper at the same case mix: " + adjusted);
        Assertions.assertTrue(unadjusted < adjusted - 20, "the unadjusted difference overstates the saving: "
                + unadjusted + " against " + adjusted);
        Assertions.assertEquals(o.caseMixImbalance(), cost.get("case_mix_imbalance").asDouble());
        Assertions.assertTrue(cost.get("by_quarter").size() >= 4);
    }

    /** From the raw files: the imbalance is in the data, and the overall remote share is the planted one. */
    @Test
    void shortWaitSpecialtiesAreSeenRemotelyMoreOftenAtTheSameOverallShare() throws IOException {
        Path landing = tmp.resolve("landing");
        GeneratorOptions o = GeneratorOptions.defaults(Scale.SMALL).withSites(10).withYears(1.0).withBadRowRate(0)
                .withCorrectionRate(0);
        new LandingGenerator().generate(landing, o);
        Map<String, LocalDate> goLive = LandingFiles.goLives(landing);
        Map<String, Map<String, String>> consults = LandingFiles.latestValid(Contracts.CONSULTS,
                LandingFiles.rows(landing, "consults"), goLive.keySet());
        Map<String, Map<String, String>> referrals = LandingFiles.latestValid(Contracts.REFERRALS,
                LandingFiles.rows(landing, "referrals"), goLive.keySet());
        // modality of each pathway's first attended consult, for pathways referred at a live site
        Map<String, Map<String, String>> firstSeen = new HashMap<>();
        for (Map<String, String> c : consults.values()) {
            if (c.get("referral_id") == null || !c.get("outcome").equals("attended")) {
                continue;
            }
            firstSeen.merge(c.get("referral_id"), c, (a, b) ->
                    OffsetDateTime.parse(b.get("scheduled_start")).isBefore(OffsetDateTime.parse(a.get("scheduled_start"))) ? b : a);
        }
        long[] shortWait = new long[2];
        long[] longWait = new long[2];
        long[] all = new long[2];
        double[] minutes = new double[4]; // short sum, short n, long sum, long n
        List<String> codes = List.of(LandingGenerator.SPECIALTIES);
        for (var e : firstSeen.entrySet()) {
            Map<String, String> r = referrals.get(e.getKey());
            LocalDate g = goLive.get(r.get("site_id"));
            String specialty = r.get("specialty_code");
            Map<String, String> c = e.getValue();
            boolean isShort = codes.indexOf(specialty) < LandingGenerator.SHORT_WAIT_SPECIALTIES;
            if (c.get("duration_minutes") != null && !specialty.equals("GIC")) {
                minutes[isShort ? 0 : 2] += Integer.parseInt(c.get("duration_minutes"));
                minutes[isShort ? 1 : 3]++;
            }
            // pathways referred after go-live and early enough to be seen within the history, remote or not
            // (later ones would favour the remote, who wait less)
            LocalDate referred = LocalDate.parse(r.get("referral_date"));
            if (g == null || referred.isBefore(g) || referred.isAfter(o.endDate().minusDays(200))
                    || specialty.equals("GIC")) {
                continue;
            }
            boolean remote = c.get("modality").equals("video") || c.get("modality").equals("telephone");
            long[] group = isShort ? shortWait : longWait;
            group[0]++;
            all[0]++;
            if (remote) {
                group[1]++;
                all[1]++;
            }
        }
        double shortShare = shortWait[1] / (double) shortWait[0];
        double longShare = longWait[1] / (double) longWait[0];
        double overall = all[1] / (double) all[0];
        System.out.printf("remote share after go-live: short-wait %.3f, long-wait %.3f, overall %.3f; minutes %.1f vs %.1f%n",
                shortShare, longShare, overall, minutes[0] / minutes[1], minutes[2] / minutes[3]);
        double k = o.caseMixImbalance();
        Assertions.assertEquals(o.remoteShareAfterGoLive() * (1 + GeneratorOptions.SHORT_WAIT_UPLIFT * k), shortShare, 0.03);
        Assertions.assertEquals(o.remoteShareAfterGoLive() * (1 - GeneratorOptions.LONG_WAIT_REDUCTION * k), longShare, 0.04);
        Assertions.assertEquals(o.remoteShareAfterGoLive(), overall, 0.025, "the planted remote share is unchanged");
        Assertions.assertEquals(PathwayCosts.longWaitExtraMinutes(o), minutes[2] / minutes[3] - minutes[0] / minutes[1], 2.0);
    }

    /** The twelve settings of {@code telemed generate} take the default imbalance where the remote share allows it. */
    @Test
    void aHighRemoteShareGetsTheImbalanceItAllows() {
        Assertions.assertEquals(GeneratorOptions.DEFAULT_CASE_MIX_IMBALANCE,
                GeneratorOptions.defaults(Scale.SMALL).caseMixImbalance());
        GeneratorOptions d = GeneratorOptions.defaults(Scale.SMALL);
        for (double share : new double[] {0.8, 0.9, 1.0}) {
            GeneratorOptions o = new GeneratorOptions(d.seed(), d.scale(), d.years(), d.endDate(), d.badRowRate(),
                    d.correctionRate(), d.waitEffectDays(), share, d.noEscortCancelRateBeforeGoLive(),
                    d.noEscortCancelRateAfterGoLive(), true, 0);
            Assertions.assertTrue(o.caseMixImbalance() < GeneratorOptions.DEFAULT_CASE_MIX_IMBALANCE);
            Assertions.assertTrue(share * (1 + GeneratorOptions.SHORT_WAIT_UPLIFT * o.caseMixImbalance()) <= 1);
        }
        Assertions.assertThrows(IllegalArgumentException.class, () -> d.withRemoteShareAfterGoLive(0.95));
    }

    @Test
    void withoutImbalanceTheAdjustedAndUnadjustedDifferencesAgreeMoreClosely() throws IOException {
        GeneratorOptions o = GeneratorOptions.defaults(Scale.SMALL).withSites(8).withYears(0.75);
        double gapWith = gap(tmp.resolve("with"), o);
        double gapWithout = gap(tmp.resolve("without"), o.withCaseMixImbalance(0));
        System.out.printf("unadjusted minus adjusted: with imbalance %.2f, without %.2f%n", gapWith, gapWithout);
        Assertions.assertTrue(Math.abs(gapWithout) < Math.abs(gapWith) / 2, gapWith + " vs " + gapWithout);
    }

    private static double gap(Path landing, GeneratorOptions o) throws IOException {
        new LandingGenerator().generate(landing, o);
        JsonNode p = new ObjectMapper().readTree(landing.resolve("generator_manifest.json").toFile())
                .get("planted_effects").get("cost_per_pathway").get("whole_history").get("public_sector");
        return p.get("unadjusted_difference_gbp").asDouble() - p.get("adjusted_difference_gbp").asDouble();
    }
}
