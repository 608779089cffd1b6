package uk.nhs.healthjustice.telemed.jobs.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The planted cost difference, measured the way {@code marts/cost_effectiveness} measures it (METRICS.md version
 * 2, {@code CostEffectiveness} and {@code ConsultCosts.slotCosted}): each pathway seen in the history costs every
 * consult up to and including its first attendance, at the unit costs of {@link CostModelDefaults} valid on the
 * consult's day (clinician time, 30 minutes when unknown; escort officers x hours x rate plus a vehicle trip for an
 * attended offsite consult; GBP 5 platform charge per attended remote consult; the site-month fixed cost spread over
 * the site's telemedicine attendances of the month), each part rounded half up to the penny. Pathways are compared
 * by the modality of their first attendance (telemedicine = video or telephone) within strata of specialty x
 * priority x site of each quarter of first attendance; the adjusted difference weights the strata's differences by
 * their telemedicine pathways, the unadjusted one compares all pathways' means. Both are recorded per quarter and
 * over the whole history, so an end-to-end test can check that the pipeline's case-mix-adjusted interval holds the
 * planted (adjusted) difference and the unadjusted one does not.
 */
final class PathwayCosts {

    /** A unit cost and its validity, from {@code reference/costs.json}. */
    private record UnitCost(String name, BigDecimal value, LocalDate from, LocalDate to) {
    }

    /**
     * One costed consult of a pathway: its parts in pence, and the site-month it shares the fixed cost of with the
     * rate of that cost (valid on the month's first live day, as the mart takes it); both null when it shares none.
     */
    private record Part(long nhsPence, long hmppsPence, String sharesMonthOf, BigDecimal siteMonthRate) {
    }

    private record Pathway(String quarter, String stratum, boolean telemedicine, List<Part> parts) {
    }

    private final List<UnitCost> costs = new ArrayList<>();
    private final Map<String, LocalDate> goLive;
    /** site|month -> attended telemedicine consults (every consult, pathway or not). */
    private final Map<String, Integer> teleAttendances = new TreeMap<>();
    private final List<Pathway> pathways = new ArrayList<>();

    PathwayCosts(Map<String, LocalDate> goLive) {
        this.goLive = goLive;
        try {
            for (JsonNode c : new ObjectMapper().readTree(CostModelDefaults.json())) {
                costs.add(new UnitCost(c.get("name").asText(), new BigDecimal(c.get("value_gbp").asText()),
                        LocalDate.parse(c.get("valid_from").asText()),
                        c.hasNonNull("valid_to") ? LocalDate.parse(c.get("valid_to").asText()) : null));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every delivered consult's final version: counts the telemedicine attendances the fixed cost is spread over. */
    void consult(Map<String, Object> c) {
        if (telemedicine(c) && attended(c)) {
            teleAttendances.merge(siteMonth(c), 1, Integer::sum);
        }
    }

    /** A pathway seen in the history: its consults up to and including the first attendance (the last). */
    void pathway(String site, String specialty, String priority, List<Map<String, Object>> consults) {
        Map<String, Object> first = consults.get(consults.size() - 1);
        LocalDate day = day(first);
        String quarter = day.withDayOfMonth(1).withMonth((day.getMonthValue() - 1) / 3 * 3 + 1).toString();
        List<Part> parts = new ArrayList<>();
        for (Map<String, Object> c : consults) {
            Part part = part(c);
            if (part == null) {
                return; // uncosted: the mart leaves a pathway out when one of its consults lacks a unit cost
            }
            parts.add(part);
        }
        pathways.add(new Pathway(quarter, specialty + "|" + priority + "|" + site, telemedicine(first), parts));
    }

    /**
     * One consult's costs, or null when a unit cost it needs has no value on its day (a history longer than the
     * cost model: {@code ConsultCosts} leaves those costs null and the mart leaves the pathway out).
     */
    private Part part(Map<String, Object> c) {
        LocalDate day = day(c);
        Object minutes = c.get("duration_minutes");
        BigDecimal mins = BigDecimal.valueOf(minutes instanceof Integer m ? m : 30);
        BigDecimal clinicianRate = rateOrNull("clinician_hour." + c.get("clinician_role"), day);
        if (clinicianRate == null) {
            return null;
        }
        long clinician = pence(mins.multiply(clinicianRate).divide(BigDecimal.valueOf(60), 10, RoundingMode.HALF_UP));
        long escort = 0;
        if ("face_to_face_offsite".equals(c.get("modality")) && (attended(c) || c.get("escort_officers") != null)) {
            BigDecimal officerHours = BigDecimal.valueOf(((Number) c.get("escort_officers")).longValue())
                    .multiply(c.get("escort_hours") == null ? BigDecimal.ZERO : BigDecimal.valueOf((Double) c.get("escort_hours")));
            BigDecimal officerRate = rateOrNull("escort_officer_hour", day);
            BigDecimal tripRate = rateOrNull("escort_vehicle_trip", day);
            if (officerRate == null || tripRate == null) {
                return null;
            }
            escort = pence(officerHours.multiply(officerRate).add(tripRate));
        }
        boolean teleAttended = telemedicine(c) && attended(c);
        long platform = 0;
        if (teleAttended) {
            BigDecimal teleRate = rateOrNull("telemedicine_per_consult", day);
            if (teleRate == null) {
                return null;
            }
            platform = pence(teleRate);
        }
        String site = (String) c.get("site_id");
        LocalDate live = goLive.get(site);
        boolean liveMonth = live != null && !live.withDayOfMonth(1).isAfter(day.withDayOfMonth(1));
        if (!(teleAttended && liveMonth)) {
            return new Part(clinician + platform, escort, null, null);
        }
        LocalDate firstLiveDay = live.isAfter(day.withDayOfMonth(1)) ? live : day.withDayOfMonth(1);
        BigDecimal siteMonthRate = rateOrNull("telemedicine_site_month", firstLiveDay);
        if (siteMonthRate == null) {
            return null;
        }
        return new Part(clinician + platform, escort, siteMonth(c), siteMonthRate);
    }

    /** {@code planted_effects.cost_per_pathway} for the manifest: GBP, telemedicine minus in person. */
    Map<String, Object> plantedEffect(GeneratorOptions o) {
        // each pathway's cost by perspective, in pence
        Map<String, List<long[]>> byQuarter = new TreeMap<>();
        List<Pathway> ordered = new ArrayList<>(pathways);
        for (Pathway p : ordered) {
            long nhs = 0;
            long hmpps = 0;
            for (Part part : p.parts()) {
                nhs += part.nhsPence();
                hmpps += part.hmppsPence();
                if (part.sharesMonthOf() != null) {
                    nhs += pence(part.siteMonthRate().divide(BigDecimal.valueOf(teleAttendances.get(part.sharesMonthOf())), 10,
                            RoundingMode.HALF_UP));
                }
            }
            long[] row = {nhs, hmpps, nhs + hmpps, p.telemedicine() ? 1 : 0};
            byQuarter.computeIfAbsent(p.quarter(), k -> new ArrayList<>()).add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("description", "telemedicine minus in-person cost per pathway (every consult up to and including the"
                + " first attendance, costed as marts/cost_effectiveness costs it with the unit costs of"
                + " reference/costs.json), by perspective; adjusted = mean over strata of specialty x priority x site"
                + " (within the quarter) weighted by telemedicine pathways, strata lacking an arm dropped; unadjusted ="
                + " difference of all pathways' means. Case-mix imbalance: after go-live specialties with shorter"
                + " community waits (codes 100-330) are seen remotely with probability remote_share x (1 + 0.374k), the"
                + " others (340-710) x (1 - 0.626k) (k = case_mix_imbalance; GIC unchanged); the latter cost more whatever"
                + " the modality (attended consults 50k minutes longer; seen in person, offsite with escort 0.6 + 0.3k"
                + " of the time against 0.6 - 0.179k), so the unadjusted difference overstates the saving. The saving at the"
                + " same case mix comes from escorts avoided (60% of in-person first attendances are offsite with 2-3"
                + " officers for 3-6 hours and a vehicle) and fewer missed appointments, less the platform charge and"
                + " the site's fixed cost");
        out.put("case_mix_imbalance", o.caseMixImbalance());
        out.put("long_wait_specialty_extra_minutes", longWaitExtraMinutes(o));
        List<Map<String, Object>> quarters = new ArrayList<>();
        Map<String, List<long[]>> pooledStrata = new TreeMap<>();
        for (var e : byQuarter.entrySet()) {
            Map<String, List<long[]>> strata = new TreeMap<>();
            List<Pathway> inQuarter = ordered.stream().filter(p -> p.quarter().equals(e.getKey())).toList();
            for (int i = 0; i < inQuarter.size(); i++) {
                strata.computeIfAbsent(inQuarter.get(i).stratum(), k -> new ArrayList<>()).add(e.getValue().get(i));
                pooledStrata.computeIfAbsent(e.getKey() + "|" + inQuarter.get(i).stratum(), k -> new ArrayList<>())
                        .add(e.getValue().get(i));
            }
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("quarter_start", e.getKey());
            q.putAll(differences(strata));
            quarters.add(q);
        }
        Map<String, Object> whole = new LinkedHashMap<>();
        whole.put("strata", "quarter x specialty x priority x site");
        whole.putAll(differences(pooledStrata));
        out.put("whole_history", whole);
        out.put("by_quarter", quarters);
        return out;
    }

    /** Adjusted and unadjusted differences (GBP) per perspective, with the pathway counts. */
    private static Map<String, Object> differences(Map<String, List<long[]>> strata) {
        Map<String, Object> out = new LinkedHashMap<>();
        long tele = 0;
        long inPerson = 0;
        for (List<long[]> s : strata.values()) {
            for (long[] r : s) {
                if (r[3] == 1) {
                    tele++;
                } else {
                    inPerson++;
                }
            }
        }
        out.put("telemedicine_pathways", tele);
        out.put("in_person_pathways", inPerson);
        String[] perspectives = {"nhs", "hmpps", "public_sector"};
        for (int k = 0; k < 3; k++) {
            double weighted = 0;
            long weight = 0;
            double teleSum = 0;
            double ipSum = 0;
            for (List<long[]> s : strata.values()) {
                double ts = 0;
                double is = 0;
                long tn = 0;
                long in = 0;
                for (long[] r : s) {
                    if (r[3] == 1) {
                        ts += r[k];
                        tn++;
                    } else {
                        is += r[k];
                        in++;
                    }
                }
                teleSum += ts;
                ipSum += is;
                if (tn > 0 && in > 0) {
                    weighted += ts - tn * (is / in);
                    weight += tn;
                }
            }
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("adjusted_difference_gbp", weight == 0 ? null : gbp(weighted / weight));
            p.put("unadjusted_difference_gbp", tele == 0 || inPerson == 0 ? null : gbp(teleSum / tele - ipSum / inPerson));
            out.put(perspectives[k], p);
        }
        return out;
    }

    /** Extra minutes of an attended consult in a long-wait specialty (the cost side of the case-mix imbalance). */
    static int longWaitExtraMinutes(GeneratorOptions o) {
        return (int) Math.round(50 * o.caseMixImbalance());
    }

    // ---------------------------------------------------------------- small helpers

    private BigDecimal rateOrNull(String name, LocalDate day) {
        for (UnitCost c : costs) {
            if (c.name().equals(name) && !day.isBefore(c.from()) && (c.to() == null || !day.isAfter(c.to()))) {
                return c.value();
            }
        }
        return null;
    }

    private static long pence(BigDecimal gbp) {
        return gbp.setScale(2, RoundingMode.HALF_UP).movePointRight(2).longValueExact();
    }

    private static double gbp(double pence) {
        return BigDecimal.valueOf(pence / 100).setScale(2, RoundingMode.HALF_UP).doubleValue();
    }

    private static boolean telemedicine(Map<String, Object> c) {
        return "video".equals(c.get("modality")) || "telephone".equals(c.get("modality"));
    }

    private static boolean attended(Map<String, Object> c) {
        return "attended".equals(c.get("outcome"));
    }

    private static LocalDate day(Map<String, Object> c) {
        return ZonedDateTime.parse((String) c.get("scheduled_start")).withZoneSameInstant(LandingGenerator.LONDON).toLocalDate();
    }

    private static String siteMonth(Map<String, Object> c) {
        return c.get("site_id") + "|" + day(c).withDayOfMonth(1);
    }
}
