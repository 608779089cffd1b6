package uk.nhs.healthjustice.telemed.jobs.generate;

import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import uk.nhs.healthjustice.telemed.schemas.Contracts;

/**
 * The optional {@code patients} log of contract version 2: demographics as recorded at reception, one record per
 * patient seen in a referral or consult, delivered on the night of the patient's first referral or consult (its
 * {@code record_updated_at} early that day, at reception).
 *
 * <p>Drawn from its own random stream (seeded from the run's seed), so writing it or not leaves every byte of the
 * other logs unchanged. A patient's age band is not drawn from that stream but from the NHS number and the seed
 * ({@link #ageBand}), so that the generator can decide it before the patient's consults are drawn (the planted
 * lower telemedicine share of the {@code 70+} band) whether or not this log is written.
 *
 * <h2>Shares (assumptions unless stated; see README, synthetic data)</h2>
 * Shaped on the HMPPS Offender Management Statistics (prison population by age, sex and ethnicity): adults by
 * age band {@link #ADULT_AGE_WEIGHTS}, about 96% male, ethnic groups white 72%, black 12%, asian 8%, mixed 5%,
 * other 2% (1% not stated). Young offender institutions hold 15-24-year-olds ({@link #YOI_AGE_WEIGHTS}) and
 * secure children's homes under-18s. {@link #NO_RECORD} of patients have no record at all; some fields are blank
 * (unknown, valid); gender identity differs from sex registered at birth for {@link #GENDER_IDENTITY_DIFFERS} of
 * those recorded; a disability is recorded for {@link #DISABILITY} of those recorded.
 */
final class PatientLogs {

    static final String LOG = Contracts.PATIENTS.log();
    static final List<String> COLUMNS = Contracts.PATIENTS.requiredColumnNames();

    /** Weights of {@link Contracts#AGE_BANDS} (18-20 .. 70+, under_18) in adult prisons and IRCs. */
    static final double[] ADULT_AGE_WEIGHTS = {4, 9, 15, 32, 21, 12, 5, 2, 0};
    static final double[] YOI_AGE_WEIGHTS = {50, 40, 0, 0, 0, 0, 0, 0, 10};
    static final double[] CHILDRENS_HOME_AGE_WEIGHTS = {0, 0, 0, 0, 0, 0, 0, 0, 1};
    static final String OLDEST = "70+";
    /** Weights of {@link Contracts#SEXES} (female, male). */
    static final double[] SEX_WEIGHTS = {4, 96};
    /** Weights of {@link Contracts#ETHNIC_GROUPS} (asian, black, mixed, white, other) and, last, not stated. */
    static final double[] ETHNIC_WEIGHTS = {8, 12, 5, 72, 2, 1};

    static final double NO_RECORD = 0.04;
    static final double AGE_BLANK = 0.03;
    static final double SEX_BLANK = 0.02;
    static final double GENDER_IDENTITY_BLANK = 0.10;
    static final double GENDER_IDENTITY_DIFFERS = 0.005;
    static final double DISABILITY_BLANK = 0.15;
    static final double DISABILITY = 0.25;

    private final GeneratorOptions o;
    private final Random random;
    private final SafetyLogs.Queue queue;
    private final LocalDate firstNight;
    private final Set<String> seen = new HashSet<>();
    private int badKind;

    long rows;
    long badRows;
    long corrections;
    long redeliveries;
    long patientsWithoutRecord;

    PatientLogs(GeneratorOptions o, SafetyLogs.Queue queue, LocalDate firstNight) {
        this.o = o;
        this.queue = queue;
        this.firstNight = firstNight;
        this.random = new Random(o.seed() * 1_000_037L + 0x9A71E27L);
    }

    /**
     * A patient's age band, the same whenever asked: drawn from the NHS number and the seed, by the type of the
     * site the patient is held at.
     */
    static String ageBand(long seed, String nhsNumber, String siteType) {
        Random r = new Random(seed * 0x9E3779B97F4A7C15L ^ Long.parseLong(nhsNumber));
        r.nextLong(); // the first draw of a fresh Random varies little with its seed
        double[] weights = switch (siteType) {
            case "yoi" -> YOI_AGE_WEIGHTS;
            case "secure_childrens_home" -> CHILDRENS_HOME_AGE_WEIGHTS;
            default -> ADULT_AGE_WEIGHTS;
        };
        return Contracts.AGE_BANDS[Draws.weighted(r, weights)];
    }

    /**
     * A patient appears in a referral or consult on {@code day} (the first row of it is delivered the next
     * night): the first time, the patient's record is delivered that same night.
     */
    void seen(LandingGenerator.Site s, String nhsNumber, LocalDate day) {
        if (!seen.add(nhsNumber)) {
            return;
        }
        if (random.nextDouble() < NO_RECORD) {
            patientsWithoutRecord++;
            return;
        }
        // the night of the first referral or consult (earlier nights are written already), at reception that day
        LocalDate night = day.plusDays(1);
        if (night.isBefore(firstNight)) {
            night = firstNight;
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("patient_id", random.nextInt(10) == 0 ? LandingGenerator.spaced(nhsNumber) : nhsNumber);
        r.put("age_band", random.nextDouble() < AGE_BLANK ? null : ageBand(o.seed(), nhsNumber, s.type()));
        r.put("sex", random.nextDouble() < SEX_BLANK ? null : Contracts.SEXES[Draws.weighted(random, SEX_WEIGHTS)]);
        r.put("gender_identity_differs", random.nextDouble() < GENDER_IDENTITY_BLANK ? null
                : random.nextDouble() < GENDER_IDENTITY_DIFFERS);
        r.put("ethnic_group", ethnicGroup());
        r.put("disability", disability());
        r.put("record_updated_at", LandingGenerator.at(night.minusDays(1), 7, 30 + random.nextInt(30)));
        if (!emit(night, r)) {
            return;
        }
        if (random.nextDouble() < o.badRowRate()) {
            // a newer version that breaks one rule: quarantined, and the valid version stays
            if (emit(night, BadRows.corruptPatient(r, badKind++))) {
                badRows++;
            }
        }
        if (random.nextDouble() < o.correctionRate()) {
            LocalDate later = night.plusDays(1 + random.nextInt(30));
            if (random.nextDouble() < 0.5) {
                if (emit(later, new LinkedHashMap<>(r))) {
                    redeliveries++; // an exact re-delivery
                }
            } else {
                // a correction at a later reception or review: ethnic group and disability recorded afresh
                Map<String, Object> fixed = new LinkedHashMap<>(r);
                fixed.put("ethnic_group", ethnicGroup());
                fixed.put("disability", disability());
                fixed.put("record_updated_at", LandingGenerator.at(later.minusDays(1), 14, 0));
                if (emit(later, fixed)) {
                    corrections++;
                }
            }
        }
    }

    private String ethnicGroup() {
        int g = Draws.weighted(random, ETHNIC_WEIGHTS);
        return g < Contracts.ETHNIC_GROUPS.length ? Contracts.ETHNIC_GROUPS[g] : null;
    }

    private Boolean disability() {
        return random.nextDouble() < DISABILITY_BLANK ? null : random.nextDouble() < DISABILITY;
    }

    private boolean emit(LocalDate night, Map<String, Object> row) {
        if (queue.emit(LOG, night, row)) {
            rows++;
            return true;
        }
        return false;
    }

    /** The shares planted, for the manifest. */
    Map<String, Object> plantedEffect() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("description", "one record per patient seen in a referral or consult, delivered on or before the night"
                + " of the first; shares by field as below (weights), blank = unknown; a patient's age band is drawn"
                + " from the NHS number and the seed, by site type");
        m.put("no_record", NO_RECORD);
        Map<String, Object> ages = new LinkedHashMap<>();
        for (int i = 0; i < Contracts.AGE_BANDS.length; i++) {
            ages.put(Contracts.AGE_BANDS[i], ADULT_AGE_WEIGHTS[i] / 100);
        }
        m.put("age_band_adult_estate", ages);
        m.put("age_band_blank", AGE_BLANK);
        m.put("male", SEX_WEIGHTS[1] / 100);
        m.put("sex_blank", SEX_BLANK);
        m.put("gender_identity_differs", GENDER_IDENTITY_DIFFERS);
        m.put("gender_identity_differs_blank", GENDER_IDENTITY_BLANK);
        Map<String, Object> ethnic = new LinkedHashMap<>();
        for (int i = 0; i < Contracts.ETHNIC_GROUPS.length; i++) {
            ethnic.put(Contracts.ETHNIC_GROUPS[i], ETHNIC_WEIGHTS[i] / 100);
        }
        m.put("ethnic_group", ethnic);
        m.put("ethnic_group_blank", ETHNIC_WEIGHTS[ETHNIC_WEIGHTS.length - 1] / 100);
        m.put("disability", DISABILITY);
        m.put("disability_blank", DISABILITY_BLANK);
        m.put("patients_without_record", patientsWithoutRecord);
        return m;
    }


}
