package uk.nhs.healthjustice.telemed.jobs.generate;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The planted cost difference, worked by hand. One site AAA, live from 2026-01-01; May 2026; consultants at
 * GBP 143 an hour, escort officers at GBP 32.50 an hour (after 1 November 2025) plus GBP 120 a trip, GBP 5 per
 * remote attendance, GBP 1,500 a site-month spread over the site's two remote attendances of May (GBP 750 each).
 * <ul>
 *   <li>Stratum 100/routine: telemedicine, video 30 min: 71.50 + 5 + 750 = 826.50 (nhs); in person, offsite 30 min
 *   with 2 officers for 4 hours: 71.50 (nhs) + 2 x 4 x 32.50 + 120 = 380 (hmpps), 451.50 in all. Difference 375.</li>
 *   <li>Stratum 340/routine: telemedicine, telephone 60 min: 143 + 5 + 750 = 898; in person, a missed onsite
 *   appointment (30 minutes booked: 71.50) then an onsite attendance of 60 minutes (143): 214.50. Difference 683.50.</li>
 *   <li>Stratum 410/routine: in person only, onsite 20 min: 47.67. Dropped from the adjusted difference.</li>
 * </ul>
 * Adjusted (public sector) = (375 + 683.50) / 2 = 529.25; unadjusted = (826.50 + 898) / 2 - (451.50 + 214.50
 * + 47.67) / 3 = 862.25 - 237.89 = 624.36. HMPPS adjusted = (-380 + 0) / 2 = -190.
 */
class PathwayCostsTest {

    /** The consults and pathways above, on a model of site AAA live from 2026-01-01. */
    private static PathwayCosts workedExampleModel() {
        Map<String, LocalDate> goLive = new HashMap<>();
        goLive.put("AAA", LocalDate.parse("2026-01-01"));
        PathwayCosts costs = new PathwayCosts(goLive);
        Map<String, Object> video = consult("video", "attended", "2026-05-10", 30, null, null);
        Map<String, Object> offsite = consult("face_to_face_offsite", "attended", "2026-05-11", 30, 2, 4.0);
        Map<String, Object> phone = consult("telephone", "attended", "2026-05-12", 60, null, null);
        Map<String, Object> missed = consult("face_to_face_onsite", "did_not_attend", "2026-05-05", null, null, null);
        Map<String, Object> onsite = consult("face_to_face_onsite", "attended", "2026-05-13", 60, null, null);
        Map<String, Object> other = consult("face_to_face_onsite", "attended", "2026-05-14", 20, null, null);
        for (Map<String, Object> c : List.of(video, offsite, phone, missed, onsite, other)) {
            costs.consult(c);
        }
        costs.pathway("AAA", "100", "routine", List.of(video));
        costs.pathway("AAA", "100", "routine", List.of(offsite));
        costs.pathway("AAA", "340", "routine", List.of(phone));
        costs.pathway("AAA", "340", "routine", List.of(missed, onsite));
        costs.pathway("AAA", "410", "routine", List.of(other));
        return costs;
    }

    @Test
    void workedExample() {
        PathwayCosts costs = workedExampleModel();
        Map<String, Object> planted = costs.plantedEffect(GeneratorOptions.defaults(Scale.SMALL));
        @SuppressWarnings("unchecked")
        Map<String, Object> whole = (Map<String, Object>) planted.get("whole_history");
        Assertions.assertEquals(2L, whole.get("telemedicine_pathways"));
        Assertions.assertEquals(3L, whole.get("in_person_pathways"));
        Assertions.assertEquals(Map.of("adjusted_difference_gbp", 529.25, "unadjusted_difference_gbp", 624.36),
                whole.get("public_sector"));
        Assertions.assertEquals(-190.0, ((Map<?, ?>) whole.get("hmpps")).get("adjusted_difference_gbp"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> quarters = (List<Map<String, Object>>) planted.get("by_quarter");
        Assertions.assertEquals(1, quarters.size());
        Assertions.assertEquals("2026-04-01", quarters.get(0).get("quarter_start"));
        Assertions.assertEquals(whole.get("public_sector"), quarters.get(0).get("public_sector"));
    }

    /**
     * A history longer than the cost model (5-year benchmarks start before its 1 April 2024): a pathway with a
     * consult before then has no unit cost for it, so it is left out, as {@code marts/cost_effectiveness} leaves
     * out a pathway with an uncosted consult; here a missed appointment on 15 March 2024 before an attendance in
     * May 2026. The estimate is the worked example's.
     */
    @Test
    void aPathwayWithAConsultBeforeTheCostModelIsLeftOut() {
        PathwayCosts costs = workedExampleModel();
        Map<String, Object> early = consult("face_to_face_onsite", "did_not_attend", "2024-03-15", 30, null, null);
        Map<String, Object> late = consult("face_to_face_onsite", "attended", "2026-05-15", 30, null, null);
        costs.consult(early);
        costs.consult(late);
        costs.pathway("AAA", "100", "routine", List.of(early, late));

        @SuppressWarnings("unchecked")
        Map<String, Object> whole = (Map<String, Object>) costs.plantedEffect(GeneratorOptions.defaults(Scale.SMALL))
                .get("whole_history");
        Assertions.assertEquals(2L, whole.get("telemedicine_pathways"));
        Assertions.assertEquals(3L, whole.get("in_person_pathways"), "the early pathway is not counted");
        Assertions.assertEquals(Map.of("adjusted_difference_gbp", 529.25, "unadjusted_difference_gbp", 624.36),
                whole.get("public_sector"));
    }

    private static Map<String, Object> consult(String modality, String outcome, String day, Integer minutes,
                                               Integer officers, Double hours) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("site_id", "AAA");
        c.put("scheduled_start", day + "T10:00:00+01:00");
        c.put("modality", modality);
        c.put("outcome", outcome);
        c.put("duration_minutes", minutes);
        c.put("clinician_role", "consultant");
        c.put("escort_officers", officers);
        c.put("escort_hours", hours);
        return c;
    }
}
