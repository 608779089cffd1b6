package uk.nhs.healthjustice.telemed.jobs.generate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import uk.nhs.healthjustice.telemed.schemas.Contracts;
import uk.nhs.healthjustice.telemed.schemas.NhsNumber;

/**
 * Writes a seeded, deterministic synthetic landing folder that follows {@code DATA_CONTRACT.md}: the four
 * reference files and the change logs (three of contract version 1, and the three optional safety logs of
 * version 2) as nightly {@code load_date=} folders in CSV, JSON Lines and their gzip forms.
 *
 * <h2>Planted effects (also written to {@code generator_manifest.json})</h2>
 * <ul>
 *   <li><b>Wait to first attendance.</b> Every pathway's baseline wait is at least 35 days (a skewed part on
 *   top: median about 70 days for routine referrals, far longer for gender identity clinics). A pathway
 *   referred on or after its site's {@code telemedicine_go_live} is first seen remotely (video or telephone)
 *   with probability {@code remoteShareAfterGoLive}, and then waits exactly {@code waitEffectDays} less. So
 *   the expected effect of go-live on a site's mean wait is {@code -remoteShareAfterGoLive x waitEffectDays}
 *   days (pathways referred after go-live). Failed appointments (did not attend, cancellations) happen before
 *   the first attendance date and never move it, so they do not confound this effect.</li>
 *   <li><b>Escorts.</b> An offsite appointment is cancelled {@code cancelled_no_escort} with probability
 *   {@code noEscortCancelRateBeforeGoLive}, or {@code noEscortCancelRateAfterGoLive} once the site is live; and
 *   fewer appointments are offsite after go-live because more pathways are remote.</li>
 *   <li><b>DNA.</b> Remote appointments are missed less often (6%) than in-person ones (12%).</li>
 *   <li><b>MHA.</b> After go-live, 60% of first assessments are by video and come sooner (3-13 days after
 *   referral against 7-21 in person).</li>
 *   <li><b>RTT removals.</b> Pathways leave the list without treatment ({@code released}, {@code transferred_out},
 *   {@code died}: removals, not completions) at daily hazards per site type (see
 *   {@code removalHazardsPerDay}); before the first attendance the chance rests on the baseline wait, so it
 *   does not depend on the remote modality and the wait effect above stays exact among pathways seen.</li>
 *   <li><b>Case mix and cost.</b> With {@code caseMixImbalance} k, short-wait specialties are seen remotely more
 *   often and the others less ({@link Run#remoteShare}, the mean share unchanged), and the others cost more
 *   whatever the modality (longer consults, more often offsite: {@link Run#offsiteShare}). {@link PathwayCosts}
 *   records the adjusted and unadjusted cost differences per pathway as the cost-effectiveness mart measures them.</li>
 *   <li><b>Safety logs</b> (contract version 2, unless {@code writeSafetyLogs} is false): see {@link SafetyLogs}.</li>
 *   <li><b>Connectivity.</b> With {@code poorConnectivityEffectRatio} r below 1, a remotely seen pathway at a site
 *   whose connectivity at go-live was poor or none waits r x {@code waitEffectDays} less: see {@link SiteConnectivity}
 *   (the histories are drawn whether or not {@code reference/site_connectivity.csv} is written).</li>
 *   <li><b>Age.</b> With {@code oldestAgeBandRemoteMultiplier} m below 1, a {@code 70+} patient at a live site is
 *   seen remotely m times as often as others: referrals (first attendance and follow-ups) and primary care
 *   consults. The age band is the patient's own ({@link PatientLogs#ageBand}), decided before any consult.</li>
 *   <li><b>Patients</b> (contract version 2, unless {@code writePatients} is false): see {@link PatientLogs}.</li>
 * </ul>
 */
public final class LandingGenerator {

    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final DateTimeFormatter OFFSET = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    // the columns of the contract (version 1 files: the optional columns of later versions are left out)
    static final List<String> REFERRAL_COLUMNS = Contracts.REFERRALS.requiredColumnNames();
    static final List<String> CONSULT_COLUMNS = Contracts.CONSULTS.requiredColumnNames();
    static final List<String> MHA_COLUMNS = Contracts.MHA_ASSESSMENTS.requiredColumnNames();
    static final Map<String, List<String>> COLUMNS = Map.of("referrals", REFERRAL_COLUMNS, "consults",
            CONSULT_COLUMNS, "mha_assessments", MHA_COLUMNS,
            SafetyLogs.PRESCRIPTIONS, SafetyLogs.COLUMNS.get(SafetyLogs.PRESCRIPTIONS),
            SafetyLogs.INCIDENTS, SafetyLogs.COLUMNS.get(SafetyLogs.INCIDENTS),
            SafetyLogs.SECURITY, SafetyLogs.COLUMNS.get(SafetyLogs.SECURITY), PatientLogs.LOG, PatientLogs.COLUMNS);
    /** Every log, in the order each night's files are written (the order also picks each file's format). */
    static final List<String> LOGS = List.of("referrals", "consults", "mha_assessments", SafetyLogs.PRESCRIPTIONS,
            SafetyLogs.INCIDENTS, SafetyLogs.SECURITY, PatientLogs.LOG);

    /** Treatment function codes and their share of referrals; GIC marks a gender identity clinic. */
    static final String[] SPECIALTIES = {"100", "101", "110", "120", "130", "300", "301", "320", "330", "340",
            "360", "400", "410", "502", "650", "656", "710", "GIC"};
    static final double[] SPECIALTY_WEIGHTS = {8, 5, 12, 6, 6, 6, 5, 6, 8, 5, 4, 5, 3, 2, 6, 4, 8, 1};
    /**
     * The specialties with shorter waits: the first nine codes (100-330), whose community median waits in
     * {@code community_benchmarks.csv} are 45-85 days against 90-125 for the next eight (340-710). Under the planted
     * case-mix imbalance they are seen remotely more often, and the others cost more (longer consults).
     */
    static final int SHORT_WAIT_SPECIALTIES = 9;
    /** RTT removals, in the order of {@code removalHazardsPerDay}. */
    static final String[] REMOVAL_REASONS = {"released", "transferred_out", "died"};

    static final String[] REGIONS = {"North East", "North West", "Yorkshire and the Humber", "Midlands",
            "East of England", "London", "South West"};
    static final String[] PLACES = {"Ashfield", "Bramley", "Castleton", "Denholme", "Eastwood", "Fairholme",
            "Greystone", "Hatherley", "Ironbridge", "Kingsmere", "Langford", "Marshbrook", "Northgate", "Oakhurst",
            "Pennington", "Queensbury", "Redcliffe", "Stanwell", "Thornbury", "Upton", "Valebrook", "Westmoor",
            "Yardley", "Ashcombe", "Brockley", "Coldharbour", "Dunmore", "Elmstead", "Foxley", "Glenfield"};

    private static final ObjectMapper JSON = new ObjectMapper();

    public GenerationSummary generate(Path landingDir, GeneratorOptions options) throws IOException {
        return new Run(landingDir, options).run();
    }

    /** A site of the synthetic estate. */
    record Site(String id, String name, String type, String region, int capacity, int population, LocalDate goLive,
                List<String> patients) {
        boolean liveOn(LocalDate day) {
            return goLive != null && !day.isBefore(goLive);
        }
    }

    /** One generation: all state lives here so the generator object stays reusable. */
    private static final class Run {
        final Path root;
        final GeneratorOptions o;
        final Random random;
        final LocalDate start;
        final LocalDate lastNight;
        final List<Site> sites = new ArrayList<>();
        /** night -> log -> rows due that night; rows are written when the night comes, then dropped. */
        final TreeMap<LocalDate, Map<String, List<Map<String, Object>>>> nights = new TreeMap<>();
        final List<LocalDate> loadDates = new ArrayList<>();
        /** The optional safety logs (contract version 2), or null when they are not written. */
        final SafetyLogs safety;
        /** The optional patients log (contract version 2), or null when it is not written. */
        final PatientLogs patients;
        /** Each site's connectivity history (drawn always: the connectivity plant needs it). */
        SiteConnectivity connectivity;
        /** The planted cost difference, measured as the cost-effectiveness mart measures it. */
        PathwayCosts pathwayCosts;
        long seq;
        long referralRows;
        long consultRows;
        long mhaRows;
        long badRows;
        long corrections;
        long redeliveries;
        int badKind;

        Run(Path root, GeneratorOptions o) {
            this.root = root;
            this.o = o;
            this.random = new Random(o.seed());
            this.start = o.startDate();
            this.lastNight = o.endDate().plusDays(1);
            this.safety = o.writeSafetyLogs() ? new SafetyLogs(o, this::emit) : null;
            this.patients = o.writePatients() ? new PatientLogs(o, this::emit, start.plusDays(1)) : null;
        }

        GenerationSummary run() throws IOException {
            buildEstate();
            connectivity = new SiteConnectivity(o, sites, start, o.endDate());
            Map<String, LocalDate> goLives = new LinkedHashMap<>();
            sites.forEach(s -> goLives.put(s.id(), s.goLive()));
            pathwayCosts = new PathwayCosts(goLives);
            writeReference();
            for (LocalDate day = start; !day.isAfter(o.endDate()); day = day.plusDays(1)) {
                flush(day);
                for (Site s : sites) {
                    double perDay = s.population() / 365.0;
                    int referrals = poisson(perDay * 1.7);
                    for (int i = 0; i < referrals; i++) {
                        referral(s, day);
                    }
                    int primary = poisson(perDay * 11.0);
                    for (int i = 0; i < primary; i++) {
                        primaryCareConsult(s, day);
                    }
                    if (random.nextDouble() < perDay * 0.0227) {
                        mhaCase(s, day);
                    }
                    if (safety != null) {
                        safety.daily(s, day);
                    }
                }
            }
            flush(lastNight);
            writeManifest();
            return new GenerationSummary(loadDates.isEmpty() ? null : loadDates.get(0),
                    loadDates.isEmpty() ? null : loadDates.get(loadDates.size() - 1), List.copyOf(loadDates),
                    sites.size(), referralRows, consultRows, mhaRows, badRows, corrections, redeliveries,
                    safetyRows(SafetyLogs.PRESCRIPTIONS), safetyRows(SafetyLogs.INCIDENTS),
                    safetyRows(SafetyLogs.SECURITY), safety == null ? 0 : safety.badRows,
                    safety == null ? 0 : safety.corrections + safety.redeliveries,
                    patients == null ? 0 : patients.rows, patients == null ? 0 : patients.badRows);
        }

        long safetyRows(String log) {
            return safety == null ? 0 : safety.rows.getOrDefault(log, 0L);
        }

        // ---------------------------------------------------------------- estate and reference files

        void buildEstate() {
            boolean small = o.scale() == Scale.SMALL;
            int n = o.siteCount();
            List<String> ids = new ArrayList<>();
            while (ids.size() < n) {
                String id = "" + (char) ('A' + random.nextInt(26)) + (char) ('A' + random.nextInt(26))
                        + (char) ('A' + random.nextInt(26));
                if (!ids.contains(id)) {
                    ids.add(id);
                }
            }
            long days = ChronoUnit.DAYS.between(start, o.endDate());
            for (int i = 0; i < n; i++) {
                String region = small ? (i % 2 == 0 ? "North West" : "London") : REGIONS[i % REGIONS.length];
                String type = i % 17 == 5 ? "irc" : i % 13 == 4 ? "yoi" : i % 23 == 7 ? "secure_childrens_home" : "prison";
                int population = small ? 400 + random.nextInt(500)
                        : type.equals("secure_childrens_home") ? 20 + random.nextInt(30) : 300 + random.nextInt(900);
                LocalDate goLive;
                if (small) {
                    // one in six live before the history, one in six never, the rest staggered through it
                    double at = i % 6 == 0 ? -0.4 : i % 6 == 5 ? Double.NaN : n == 6 ? new double[] {0, 0.3, 0.5, 0.7, 0.85}[i]
                            : 0.25 + 0.6 * i / n;
                    goLive = Double.isNaN(at) ? null : start.plusDays(Math.round(at * days)).withDayOfMonth(1);
                } else {
                    double u = random.nextDouble();
                    goLive = u < 0.15 ? null : u < 0.35 ? start.minusDays(30 + random.nextInt(400))
                            : start.plusDays((long) (random.nextDouble() * days));
                    if (goLive != null) {
                        goLive = goLive.withDayOfMonth(1);
                    }
                }
                String name = (type.equals("irc") ? "IRC " : type.equals("secure_childrens_home") ? "" : "HMP ")
                        + PLACES[i % PLACES.length] + (i >= PLACES.length ? " " + (i / PLACES.length + 1) : "")
                        + (type.equals("secure_childrens_home") ? " Secure Children's Home" : "");
                List<String> patients = new ArrayList<>();
                for (int p = 0; p < population * 2; p++) {
                    patients.add(nhsNumber());
                }
                sites.add(new Site(ids.get(i), name, type, region, population + 50 + random.nextInt(100), population,
                        goLive, patients));
            }
        }

        String nhsNumber() {
            while (true) {
                int stem = 400_000_000 + random.nextInt(500_000_000);
                String d = Integer.toString(stem);
                int check = NhsNumber.checkDigit(d);
                if (check < 0) {
                    continue; // no number is issued with these nine digits
                }
                return d + check;
            }
        }

        void writeReference() throws IOException {
            Path ref = root.resolve("reference");
            Files.createDirectories(ref);
            try (Writer w = Files.newBufferedWriter(ref.resolve("sites.csv"), StandardCharsets.UTF_8)) {
                w.write("site_id,site_name,site_type,region,operational_capacity,telemedicine_go_live\n");
                for (Site s : sites) {
                    w.write(csvLine(List.of(s.id(), s.name(), s.type(), s.region(), s.capacity(),
                            s.goLive() == null ? "" : s.goLive().toString())));
                }
            }
            try (Writer w = Files.newBufferedWriter(ref.resolve("population.csv"), StandardCharsets.UTF_8)) {
                w.write("site_id,month,average_population\n");
                for (Site s : sites) {
                    for (LocalDate m = start.withDayOfMonth(1); !m.isAfter(o.endDate()); m = m.plusMonths(1)) {
                        int pop = (int) Math.round(s.population() * (0.97 + 0.06 * random.nextDouble()));
                        w.write(csvLine(List.of(s.id(), m.toString().substring(0, 7), pop)));
                    }
                }
            }
            Files.writeString(ref.resolve("costs.json"), CostModelDefaults.json(), StandardCharsets.UTF_8);
            if (o.writeSiteConnectivity()) {
                connectivity.write(ref);
            }
            if (o.writeCommunityBenchmarks()) {
                try (Writer w = Files.newBufferedWriter(ref.resolve("community_benchmarks.csv"), StandardCharsets.UTF_8)) {
                    w.write("month,specialty_code,median_wait_days,telemedicine_share\n");
                    for (LocalDate m = start.withDayOfMonth(1); !m.isAfter(o.endDate()); m = m.plusMonths(1)) {
                        for (int i = 0; i < SPECIALTIES.length; i++) {
                            int wait = SPECIALTIES[i].equals("GIC") ? 900 + random.nextInt(200) : 45 + 5 * i + random.nextInt(15);
                            double share = Math.round((0.15 + 0.2 * random.nextDouble()) * 1000) / 1000.0;
                            w.write(csvLine(List.of(m.toString().substring(0, 7), SPECIALTIES[i], wait, share)));
                        }
                    }
                }
            }
        }

        // ---------------------------------------------------------------- referrals and their consults

        void referral(Site s, LocalDate day) {
            String id = "R" + s.id() + (++seq);
            String patient = pick(s.patients());
            seen(s, patient, day);
            String specialty = SPECIALTIES[weighted(SPECIALTY_WEIGHTS)];
            double u = random.nextDouble();
            String priority = u < 0.75 ? "routine" : u < 0.95 ? "urgent" : "two_week_wait";
            double remoteChance = remoteShare(specialty) * ageMultiplier(s, patient);
            boolean remote = s.liveOn(day) && random.nextDouble() < remoteChance;
            if (s.liveOn(day)) {
                connectivity.pathwayAfterGoLive(s, remoteChance);
            }
            String modality = remote ? (random.nextDouble() < 0.8 ? "video" : "telephone")
                    : (random.nextDouble() < offsiteShare(specialty) ? "face_to_face_offsite" : "face_to_face_onsite");
            int baselineWait = baselineWait(priority, specialty);
            int wait = baselineWait - (remote ? connectivity.waitReduction(s) : 0);
            LocalDate firstAttendance = day.plusDays(wait);

            Map<String, Object> v1 = new LinkedHashMap<>();
            v1.put("referral_id", id);
            v1.put("patient_id", random.nextInt(10) == 0 ? spaced(patient) : patient);
            v1.put("site_id", s.id());
            v1.put("specialty_code", specialty);
            v1.put("priority", priority);
            v1.put("referral_date", day.toString());
            v1.put("clock_stop_date", null);
            v1.put("clock_stop_reason", null);
            v1.put("status", "open");
            v1.put("record_updated_at", at(day, 17, 0));
            emitGood("referrals", day.plusDays(1), v1);

            if (random.nextDouble() < 0.005) { // entered in error: its consults still happened
                Map<String, Object> cancelled = new LinkedHashMap<>(v1);
                cancelled.put("status", "cancelled");
                cancelled.put("record_updated_at", at(day.plusDays(2), 11, 0));
                emitGood("referrals", day.plusDays(3), cancelled);
            }
            // Removals (RTT: not completed). The chance of leaving before the first attendance rests on the
            // baseline wait (before any remote reduction), so it is the same for remote and in-person pathways
            // and the planted wait effect among the pathways seen stays exactly -remoteShare x waitEffectDays.
            Map<String, Object> latest = v1;
            List<Map<String, Object>> seenWith = null; // the consults up to the first attendance, when seen
            double[] hazards = removalHazardsPerDay(s);
            double hazard = hazards[0] + hazards[1] + hazards[2];
            if (wait > 10 && random.nextDouble() < 1 - Math.exp(-hazard * baselineWait)) {
                // released, transferred or died before being seen: the clock stops, no attendance
                LocalDate stop = day.plusDays(5 + random.nextInt(wait - 6));
                latest = closed(v1, stop, REMOVAL_REASONS[weighted(hazards)]);
                emitGood("referrals", stop.plusDays(1), latest);
            } else {
                seenWith = appointmentsUntilSeen(s, id, patient, specialty, modality, day, firstAttendance);
                int gap = random.nextDouble() < 0.7 ? 0 : 1 + random.nextInt(30);
                LocalDate stop = firstAttendance.plusDays(gap);
                if (gap > 1 && random.nextDouble() < 1 - Math.exp(-hazard * gap)) {
                    // seen, then released, transferred or died before the treatment: no follow-ups here
                    stop = firstAttendance.plusDays(1 + random.nextInt(gap - 1));
                    latest = closed(v1, stop, REMOVAL_REASONS[weighted(hazards)]);
                } else {
                    followUps(s, id, patient, specialty, remote, firstAttendance);
                    double r = random.nextDouble();
                    latest = closed(v1, stop, r < 0.78 ? "first_treatment" : r < 0.95 ? "decision_not_to_treat"
                            : "patient_declined");
                }
                emitGood("referrals", stop.plusDays(1), latest);
            }
            Map<String, Object> corrected = changeLogNoise("referrals", v1, latest, "priority",
                    priority.equals("routine") ? "urgent" : "routine");
            if (seenWith != null && !firstAttendance.isAfter(o.endDate())) {
                pathwayCosts.pathway(s.id(), specialty, (String) (corrected != null ? corrected : latest).get("priority"),
                        seenWith);
            }
        }

        /**
         * The chance a pathway referred at a live site is first seen remotely. With the planted case-mix imbalance
         * k the short-wait specialties are x (1 + 0.374k) as likely and the others x (1 - 0.626k), so that over
         * the referral mix (62 : 37 of the weights outside GIC) the share stays {@code remoteShareAfterGoLive}
         * and the planted wait effect -remoteShare x waitEffectDays is unchanged (removals do not depend on the
         * specialty outside GIC, so the pathways seen keep the mix).
         */
        double remoteShare(String specialty) {
            double k = o.caseMixImbalance();
            int i = List.of(SPECIALTIES).indexOf(specialty);
            double multiplier = specialty.equals("GIC") ? 1
                    : i < SHORT_WAIT_SPECIALTIES ? 1 + GeneratorOptions.SHORT_WAIT_UPLIFT * k
                    : 1 - GeneratorOptions.LONG_WAIT_REDUCTION * k;
            return o.remoteShareAfterGoLive() * multiplier;
        }

        /** The planted age effect: a 70+ patient is seen remotely {@code oldestAgeBandRemoteMultiplier} as often. */
        double ageMultiplier(Site s, String patient) {
            double m = o.oldestAgeBandRemoteMultiplier();
            return m != 1.0 && PatientLogs.OLDEST.equals(PatientLogs.ageBand(o.seed(), patient, s.type())) ? m : 1.0;
        }

        /** A patient appears in a referral or consult on {@code day}: the patients log delivers the record. */
        void seen(Site s, String patient, LocalDate day) {
            if (patients != null) {
                patients.seen(s, patient, day);
            }
        }

        /**
         * The chance a pathway seen in person goes offsite (escorted): 0.6 over the referral mix; with the planted
         * case-mix imbalance k the long-wait specialties (hospital clinics) go offsite more, 0.6 + 0.3k, and the
         * short-wait ones less, 0.6 - 0.3k x 37/62, so the share stays 0.6 over the mix. This and the longer
         * consults make the specialties telemedicine reaches least the dearest, whatever the modality.
         */
        double offsiteShare(String specialty) {
            double k = o.caseMixImbalance();
            int i = List.of(SPECIALTIES).indexOf(specialty);
            return specialty.equals("GIC") ? 0.6
                    : i < SHORT_WAIT_SPECIALTIES ? 0.6 - 0.3 * k * 37 / 62 : 0.6 + 0.3 * k;
        }

        /**
         * Daily hazards of leaving the prison's list before treatment: {released, transferred_out, died}. Releases
         * from sentences in England and Wales run at about 0.56 a prisoner-year (MoJ Offender Management
         * Statistics, January-March 2022: 11,324 releases in the quarter against 80,659 prisoners), before the
         * releases of people on remand (bail, acquittal, time served); the rates below are assumptions around
         * that anchor, higher where stays are shorter. Transfers and deaths are assumptions (see README).
         */
        double[] removalHazardsPerDay(Site s) {
            double releasesPerYear = switch (s.type()) {
                case "irc" -> 2.0;                      // assumption: immigration detention is mostly weeks
                case "yoi", "secure_childrens_home" -> 0.8; // assumption: shorter sentences and remand
                default -> 0.6;                         // MoJ anchor 0.56 plus some remand releases
            };
            return new double[] {releasesPerYear / 365.0, 0.25 / 365.0, 0.004 / 365.0};
        }

        int baselineWait(String priority, String specialty) {
            // at least 35 days (so the planted effect never floors at zero); a log-normal part on top
            double skew = Math.exp(random.nextGaussian() * 0.6);
            if (specialty.equals("GIC")) {
                return 35 + 250 + (int) (600 * skew);
            }
            int median = switch (priority) {
                case "two_week_wait" -> 3;
                case "urgent" -> 15;
                default -> 35;
            };
            return 35 + (int) (median * skew);
        }

        Map<String, Object> closed(Map<String, Object> v1, LocalDate stop, String reason) {
            Map<String, Object> v = new LinkedHashMap<>(v1);
            v.put("clock_stop_date", stop.toString());
            v.put("clock_stop_reason", reason);
            v.put("status", "closed");
            v.put("record_updated_at", at(stop, 18, 30));
            return v;
        }

        /** The failed appointments and the first attendance of a pathway; returns their final versions in order. */
        List<Map<String, Object>> appointmentsUntilSeen(Site s, String referralId, String patient, String specialty,
                                                        String modality, LocalDate referred, LocalDate firstAttendance) {
            List<String> failures = new ArrayList<>();
            boolean remote = modality.equals("video") || modality.equals("telephone");
            while (failures.size() < 3) {
                // the chance of each failure depends on the date of the attempt; attempts sit a week apart
                LocalDate when = firstAttendance.minusDays(7L * (failures.size() + 1));
                String outcome = attemptOutcome(s, modality, remote, when.isAfter(referred) ? when : referred.plusDays(1));
                if (outcome.equals("attended")) {
                    break;
                }
                failures.add(outcome);
            }
            Collections.reverse(failures);
            List<Map<String, Object>> consults = new ArrayList<>();
            for (int k = 0; k < failures.size(); k++) {
                LocalDate when = firstAttendance.minusDays(7L * (failures.size() - k));
                if (!when.isAfter(referred)) {
                    when = referred.plusDays(1);
                }
                if (!when.isBefore(firstAttendance)) {
                    continue;
                }
                consults.add(consult(s, referralId, patient, specialty, modality, when, failures.get(k), true, referred));
            }
            consults.add(consult(s, referralId, patient, specialty, modality, firstAttendance, "attended", true, referred));
            return consults;
        }

        String attemptOutcome(Site s, String modality, boolean remote, LocalDate when) {
            double noEscort = modality.equals("face_to_face_offsite")
                    ? (s.liveOn(when) ? o.noEscortCancelRateAfterGoLive() : o.noEscortCancelRateBeforeGoLive()) : 0;
            double dna = remote ? 0.06 : 0.12;
            double u = random.nextDouble();
            if (u < noEscort) {
                return "cancelled_no_escort";
            }
            u -= noEscort;
            if (u < dna) {
                return "did_not_attend";
            }
            u -= dna;
            if (u < 0.05) {
                String[] other = remote ? new String[] {"cancelled_by_patient", "cancelled_by_provider", "cancelled_technical"}
                        : new String[] {"cancelled_by_patient", "cancelled_by_provider", "cancelled_security"};
                return other[random.nextInt(other.length)];
            }
            return "attended";
        }

        void followUps(Site s, String referralId, String patient, String specialty, boolean remote, LocalDate first) {
            int n = random.nextDouble() < 0.5 ? 0 : 1 + random.nextInt(2);
            LocalDate when = first;
            for (int i = 0; i < n; i++) {
                when = when.plusDays(28 + random.nextInt(56));
                String modality = remote ? (random.nextDouble() < 0.7 ? "video" : "telephone")
                        : (random.nextDouble() < 0.5 ? "face_to_face_offsite" : "face_to_face_onsite");
                String outcome = attemptOutcome(s, modality, remote, when);
                consult(s, referralId, patient, specialty, modality, when, outcome, false, first);
            }
        }

        void primaryCareConsult(Site s, LocalDate day) {
            boolean live = s.liveOn(day);
            double u = random.nextDouble();
            String modality = live ? (u < 0.1 ? "video" : u < 0.25 ? "telephone" : "face_to_face_onsite")
                    : (u < 0.1 ? "telephone" : "face_to_face_onsite");
            double v = random.nextDouble();
            String outcome = v < 0.85 ? "attended" : v < 0.93 ? "did_not_attend" : v < 0.97 ? "cancelled_by_patient"
                    : "cancelled_by_provider";
            String patient = pick(s.patients());
            double m = live ? ageMultiplier(s, patient) : 1.0;
            if (m != 1.0) { // the planted age effect: the same draw, remote m times as often
                modality = u < 0.1 * m ? "video" : u < 0.25 * m ? "telephone" : "face_to_face_onsite";
            }
            seen(s, patient, day);
            consult(s, null, patient, "300", modality, day, outcome, false, day);
        }

        /** A consult: its booking and outcome versions; returns the version that wins (after any correction). */
        Map<String, Object> consult(Site s, String referralId, String patient, String specialty, String modality,
                                    LocalDate day, String outcome, boolean firstAttendanceFlag, LocalDate bookedOn) {
            String id = "C" + s.id() + (++seq);
            boolean remote = modality.equals("video") || modality.equals("telephone");
            // clinic hours; one in a hundred in the small hours (night-time care), which exercises London dates
            ZonedDateTime startAt = random.nextInt(100) == 0
                    ? day.atTime(0, 30).atZone(LONDON)
                    : day.atTime(LocalTime.of(9, 0).plusMinutes(30L * random.nextInt(15))).atZone(LONDON);
            String role = role(specialty, referralId == null);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("consult_id", id);
            c.put("referral_id", referralId);
            c.put("patient_id", patient);
            c.put("site_id", s.id());
            c.put("specialty_code", specialty);
            c.put("scheduled_start", startAt.format(OFFSET));
            c.put("modality", modality);
            c.put("outcome", "booked");
            // the flag is mostly right; about 2% are wrong, as in real data
            c.put("first_attendance", random.nextInt(50) == 0 != firstAttendanceFlag);
            c.put("duration_minutes", null);
            c.put("clinician_role", role);
            c.put("escort_officers", null);
            c.put("escort_hours", null);
            c.put("technical_failure", false);
            c.put("prescription_issued", false);
            LocalDate booking = day.minusDays(14 + random.nextInt(14));
            if (booking.isBefore(bookedOn)) {
                booking = bookedOn;
            }
            c.put("record_updated_at", at(booking, 16, 0));
            if (referralId != null && booking.isBefore(day)) {
                emitGood("consults", booking.plusDays(1), new LinkedHashMap<>(c));
            }
            Map<String, Object> done = new LinkedHashMap<>(c);
            done.put("outcome", outcome);
            boolean attended = outcome.equals("attended");
            if (attended) {
                // the cost side of the planted case-mix imbalance: long-wait specialties have longer consults
                int extra = List.of(SPECIALTIES).indexOf(specialty) >= SHORT_WAIT_SPECIALTIES && !specialty.equals("GIC")
                        ? PathwayCosts.longWaitExtraMinutes(o) : 0;
                done.put("duration_minutes", random.nextInt(20) == 0 ? null : 10 + random.nextInt(41) + extra);
                done.put("prescription_issued", random.nextDouble() < 0.25);
                if (modality.equals("face_to_face_offsite")) {
                    done.put("escort_officers", random.nextDouble() < 0.7 ? 2 : 3);
                    done.put("escort_hours", 3.0 + 0.5 * random.nextInt(7));
                }
            }
            done.put("technical_failure", remote && (outcome.equals("cancelled_technical") || random.nextDouble() < 0.05));
            done.put("record_updated_at", at(day, 18, 0));
            emitGood("consults", day.plusDays(1), done);
            if (safety != null && !day.plusDays(1).isAfter(lastNight)) {
                safety.afterConsult(s, done, day); // its prescriptions and any security event of the session
            }
            Map<String, Object> corrected = changeLogNoise("consults", c, done, "duration_minutes", attended ? 25 : null);
            Map<String, Object> latest = corrected != null ? corrected : done;
            if (!day.plusDays(1).isAfter(lastNight)) {
                pathwayCosts.consult(latest);
            }
            return latest;
        }

        String role(String specialty, boolean primaryCare) {
            if (primaryCare) {
                return random.nextDouble() < 0.6 ? "gp" : "nurse_practitioner";
            }
            return switch (specialty) {
                case "710" -> random.nextDouble() < 0.7 ? "psychiatrist" : "psychologist";
                case "656" -> "psychologist";
                case "GIC" -> random.nextBoolean() ? "psychiatrist" : "psychologist";
                case "650" -> "allied_health";
                default -> random.nextDouble() < 0.85 ? "consultant" : "nurse_practitioner";
            };
        }

        // ---------------------------------------------------------------- Mental Health Act cases

        void mhaCase(Site s, LocalDate day) {
            String id = "M" + s.id() + (++seq);
            boolean video = s.liveOn(day) && random.nextDouble() < 0.6;
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("case_id", id);
            v.put("patient_id", pick(s.patients()));
            v.put("site_id", s.id());
            v.put("section", random.nextDouble() < 0.6 ? "s47" : "s48");
            v.put("referral_date", day.toString());
            for (String c : List.of("first_assessment_date", "first_assessment_modality", "second_assessment_date",
                    "second_assessment_modality", "bed_offered_date", "transfer_date")) {
                v.put(c, null);
            }
            v.put("outcome", "open");
            v.put("record_updated_at", at(day, 17, 30));
            Map<String, Object> first = new LinkedHashMap<>(v);
            emitGood("mha_assessments", day.plusDays(1), first);
            double u = random.nextDouble();
            if (u < 0.92) {
                LocalDate d1 = day.plusDays(video ? 3 + random.nextInt(11) : 7 + random.nextInt(15));
                v.put("first_assessment_date", d1.toString());
                v.put("first_assessment_modality", video ? "video" : "in_person");
                v.put("record_updated_at", at(d1, 18, 0));
                emitGood("mha_assessments", d1.plusDays(1), new LinkedHashMap<>(v));
                LocalDate d2 = d1.plusDays(2 + random.nextInt(9));
                v.put("second_assessment_date", d2.toString());
                v.put("second_assessment_modality", random.nextDouble() < 0.2 ? "video" : "in_person");
                double w = random.nextDouble();
                LocalDate last = d2;
                if (w < 0.7) {
                    LocalDate bed = d2.plusDays(3 + random.nextInt(23));
                    LocalDate transfer = bed.plusDays(random.nextInt(6));
                    v.put("bed_offered_date", bed.toString());
                    v.put("transfer_date", transfer.toString());
                    v.put("outcome", "transferred");
                    last = transfer;
                } else if (w < 0.85) {
                    v.put("outcome", "not_detainable");
                } else if (w < 0.9) {
                    v.put("outcome", random.nextBoolean() ? "withdrawn" : "released");
                }
                v.put("record_updated_at", at(last, 18, 30));
                emitGood("mha_assessments", last.plusDays(1), new LinkedHashMap<>(v));
            }
            changeLogNoise("mha_assessments", first, new LinkedHashMap<>(v), "section", v.get("section").equals("s47") ? "s48" : "s47");
        }

        // ---------------------------------------------------------------- change-log noise and bad rows

        /**
         * Corrections, exact re-deliveries and stale copies at {@code correctionRate}. Returns the correction when
         * one was delivered (it is then the version that wins), else null.
         */
        Map<String, Object> changeLogNoise(String log, Map<String, Object> firstVersion, Map<String, Object> latest,
                            String field, Object correctedValue) {
            if (random.nextDouble() >= o.correctionRate()) {
                return null;
            }
            LocalDate latestNight = nightOf(latest);
            double u = random.nextDouble();
            if (u < 0.4) {
                redeliveries++;
                emit(log, latestNight.plusDays(1 + random.nextInt(10)), new LinkedHashMap<>(latest));
            } else if (u < 0.7 && latest != firstVersion) {
                redeliveries++; // an older version arriving after a newer one
                emit(log, latestNight.plusDays(1 + random.nextInt(5)), new LinkedHashMap<>(firstVersion));
            } else {
                corrections++;
                Map<String, Object> fixed = new LinkedHashMap<>(latest);
                fixed.put(field, correctedValue);
                LocalDate night = latestNight.plusDays(1 + random.nextInt(7));
                fixed.put("record_updated_at", at(night.minusDays(1), 20, 15));
                return emit(log, night, fixed) ? fixed : null;
            }
            return null;
        }

        LocalDate nightOf(Map<String, Object> row) {
            return ZonedDateTime.parse((String) row.get("record_updated_at")).withZoneSameInstant(LONDON)
                    .toLocalDate().plusDays(1);
        }

        void emitGood(String log, LocalDate night, Map<String, Object> row) {
            emit(log, night, row);
            if (random.nextDouble() < o.badRowRate() && emit(log, night, BadRows.corrupt(log, row, badKind++, random, night))) {
                badRows++;
            }
        }

        /** Queues a row for its night; false when that night is beyond the history. */
        boolean emit(String log, LocalDate night, Map<String, Object> row) {
            if (night.isAfter(lastNight) || night.isBefore(start.plusDays(1))) {
                return false; // beyond the history: that night has not come yet
            }
            nights.computeIfAbsent(night, k -> new LinkedHashMap<>()).computeIfAbsent(log, k -> new ArrayList<>()).add(row);
            switch (log) {
                case "referrals" -> referralRows++;
                case "consults" -> consultRows++;
                case "mha_assessments" -> mhaRows++;
                default -> { } // the safety logs and the patients log count their own rows
            }
            return true;
        }

        /** Writes every night up to and including {@code night}, then forgets them. */
        void flush(LocalDate night) throws IOException {
            while (!nights.isEmpty() && !nights.firstKey().isAfter(night)) {
                Map.Entry<LocalDate, Map<String, List<Map<String, Object>>>> e = nights.pollFirstEntry();
                if (e.getKey().isBefore(start.plusDays(1))) {
                    continue;
                }
                loadDates.add(e.getKey());
                int dayIndex = (int) ChronoUnit.DAYS.between(start, e.getKey());
                for (int li = 0; li < LOGS.size(); li++) {
                    List<Map<String, Object>> rows = e.getValue().get(LOGS.get(li));
                    if (rows != null && !rows.isEmpty()) {
                        writeNight(LOGS.get(li), e.getKey(), dayIndex + li, rows);
                    }
                }
            }
        }

        void writeNight(String log, LocalDate night, int variant, List<Map<String, Object>> rows) throws IOException {
            String[] ext = {".csv", ".jsonl", ".csv.gz", ".jsonl.gz"};
            String suffix = ext[Math.floorMod(variant, 4)];
            Path dir = root.resolve(log).resolve("load_date=" + night);
            Files.createDirectories(dir);
            Path file = dir.resolve(log + "-" + night + suffix);
            try (OutputStream raw = Files.newOutputStream(file);
                 OutputStream out = suffix.endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw;
                 Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
                if (suffix.startsWith(".csv")) {
                    List<String> columns = new ArrayList<>(COLUMNS.get(log));
                    if (variant % 5 == 0) {
                        Collections.reverse(columns); // any column order is allowed
                    }
                    boolean extra = variant % 7 == 0; // columns outside the contract are ignored
                    List<Object> header = new ArrayList<>(columns);
                    if (extra) {
                        header.add("source_system");
                    }
                    w.write(csvLine(header));
                    for (Map<String, Object> r : rows) {
                        if (r.containsKey(BadRows.MALFORMED)) {
                            w.write("\"" + r.get(BadRows.MALFORMED) + ",unterminated\n");
                            continue;
                        }
                        List<Object> values = new ArrayList<>();
                        columns.forEach(c -> values.add(r.get(c)));
                        if (extra) {
                            values.add("SystmOne");
                        }
                        w.write(csvLine(values));
                    }
                } else {
                    for (Map<String, Object> r : rows) {
                        if (r.containsKey(BadRows.MALFORMED)) {
                            w.write("{\"" + r.get(BadRows.MALFORMED) + "\": \n");
                            continue;
                        }
                        w.write(JSON.writeValueAsString(r));
                        w.write('\n');
                    }
                }
            }
        }

        void writeManifest() throws IOException {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("generator", "telemed generate");
            Map<String, Object> opts = new LinkedHashMap<>();
            opts.put("seed", o.seed());
            opts.put("scale", o.scale().name().toLowerCase());
            opts.put("years", o.years());
            opts.put("end_date", o.endDate().toString());
            opts.put("bad_row_rate", o.badRowRate());
            opts.put("correction_rate", o.correctionRate());
            opts.put("wait_effect_days", o.waitEffectDays());
            opts.put("remote_share_after_go_live", o.remoteShareAfterGoLive());
            opts.put("no_escort_cancel_rate_before_go_live", o.noEscortCancelRateBeforeGoLive());
            opts.put("no_escort_cancel_rate_after_go_live", o.noEscortCancelRateAfterGoLive());
            opts.put("write_safety_logs", o.writeSafetyLogs());
            opts.put("monitoring_missed_ratio", o.monitoringMissedRatio());
            opts.put("security_events_per_1000_before_tablets", o.securityEventsPer1000BeforeTablets());
            opts.put("security_events_per_1000_after_tablets", o.securityEventsPer1000AfterTablets());
            opts.put("case_mix_imbalance", o.caseMixImbalance());
            opts.put("write_patients", o.writePatients());
            opts.put("write_site_connectivity", o.writeSiteConnectivity());
            opts.put("poor_connectivity_effect_ratio", o.poorConnectivityEffectRatio());
            opts.put("oldest_age_band_remote_multiplier", o.oldestAgeBandRemoteMultiplier());
            m.put("options", opts);
            m.put("history_start", start.toString());
            m.put("history_end", o.endDate().toString());
            m.put("expected_effect_mean_first_attendance_wait_days", o.expectedEffectMeanFirstAttendanceWaitDays());
            // ordered maps throughout: the same seed writes the same bytes
            Map<String, Object> planted = new LinkedHashMap<>();
            planted.putAll(ordered(
                    "wait_to_first_attendance", "pathways referred on or after their site's go-live are first seen"
                            + " remotely with probability remoteShareAfterGoLive and then wait exactly waitEffectDays"
                            + " less; expected effect on a live site's mean wait = -remoteShareAfterGoLive * waitEffectDays",
                    "cancelled_no_escort", "offsite appointments are cancelled for want of an escort with probability"
                            + " noEscortCancelRateBeforeGoLive before go-live and noEscortCancelRateAfterGoLive after;"
                            + " fewer appointments are offsite after go-live",
                    "did_not_attend", "remote appointments 6%, in person 12%",
                    "mha_first_assessment", "after go-live 60% of first assessments are by video, 3-13 days after"
                            + " referral against 7-21 days in person",
                    "rtt_removals", "a pathway leaves the list before its first attendance with probability"
                            + " 1 - exp(-h * baseline wait), h the sum of daily hazards of release (per prisoner-year:"
                            + " prison 0.6, yoi and secure children's home 0.8, irc 2.0), transfer out (0.25) and death"
                            + " (0.004), the reason in proportion to the hazards; a seen pathway whose treatment comes"
                            + " g > 1 days after the first attendance leaves before it with probability 1 - exp(-h * g);"
                            + " completions are first_treatment 78%, decision_not_to_treat 17%, patient_declined 5%"));
            planted.put("cost_per_pathway", pathwayCosts.plantedEffect(o));
            if (safety != null) {
                planted.putAll(safety.plantedEffects());
            }
            planted.put("wait_effect_by_connectivity_at_go_live", connectivity.plantedEffect());
            planted.put("telemedicine_share_70_plus", ordered("description", "a patient in the 70+ age band (the"
                    + " patient's own, drawn from the NHS number and the seed) at a live site is seen remotely"
                    + " multiplier x as often as other patients there: referral pathways and primary care consults",
                    "multiplier", o.oldestAgeBandRemoteMultiplier()));
            if (patients != null) {
                planted.put("patients_demographics", patients.plantedEffect());
            }
            m.put("planted_effects", planted);

            List<Map<String, Object>> goLive = new ArrayList<>();
            for (Site s : sites) {
                goLive.add(ordered("site_id", s.id(), "telemedicine_go_live", s.goLive() == null ? "never" : s.goLive().toString()));
            }
            m.put("sites", goLive);
            Map<String, Object> rows = ordered("referrals", referralRows, "consults", consultRows, "mha_assessments",
                    mhaRows, "bad_rows_planted", badRows, "corrections", corrections, "redeliveries_and_stale_copies",
                    redeliveries);
            if (safety != null) {
                rows.putAll(safety.rows);
                rows.put("safety_logs_bad_rows_planted", safety.badRows);
                rows.put("safety_logs_corrections", safety.corrections);
                rows.put("safety_logs_redeliveries", safety.redeliveries);
            }
            if (patients != null) {
                rows.put("patients", patients.rows);
                rows.put("patients_bad_rows_planted", patients.badRows);
                rows.put("patients_corrections", patients.corrections);
                rows.put("patients_redeliveries", patients.redeliveries);
            }
            m.put("rows", rows);
            m.put("safety_logs_written", safety != null);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(root.resolve("generator_manifest.json").toFile(), m);
        }

        // ---------------------------------------------------------------- small helpers

        /** A map in the order of its keys as given (Map.of iterates in an order that changes between JVMs). */
        static Map<String, Object> ordered(Object... keysAndValues) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < keysAndValues.length; i += 2) {
                m.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
            return m;
        }

        String at(LocalDate day, int hour, int minute) {
            return LandingGenerator.at(day, hour, minute);
        }

        String spaced(String n) {
            return LandingGenerator.spaced(n);
        }

        <T> T pick(List<T> list) {
            return list.get(random.nextInt(list.size()));
        }

        int weighted(double[] weights) {
            return Draws.weighted(random, weights);
        }

        int poisson(double lambda) {
            return Draws.poisson(random, lambda);
        }
    }

    /** A London wall-clock time on {@code day} as a timestamp with its offset. */
    static String at(LocalDate day, int hour, int minute) {
        return day.atTime(hour, minute).atZone(LONDON).format(OFFSET);
    }

    /** An NHS number written with spaces (3 3 4), as the contract allows. */
    static String spaced(String n) {
        return n.substring(0, 3) + " " + n.substring(3, 6) + " " + n.substring(6);
    }

    static String csvLine(List<?> values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            Object v = values.get(i);
            String s = v == null ? "" : v.toString();
            if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
                s = "\"" + s.replace("\"", "\"\"") + "\"";
            }
            b.append(s);
        }
        return b.append('\n').toString();
    }
}
