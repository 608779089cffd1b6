package uk.nhs.healthjustice.telemed.schemas.reference;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names people read for {@code specialty_code}: the NHS treatment function codes the pipeline meets, and the
 * contract's own {@code GIC}, so pages say "330 Dermatology" rather than "330".
 *
 * <p>Names are the NATIONAL CODES descriptions of TREATMENT FUNCTION CODE in the NHS Data Dictionary
 * (https://v3.datadictionary.nhs.uk/data_dictionary/attributes/t/tran/treatment_function_code_de.asp), without
 * the word "Service" that the 2021 update of the Treatment Function and Main Specialty standard (DCB0028)
 * appended to every description ("Dermatology Service"): on a chart axis it adds nothing. 710 is the current
 * "Adult Mental Health" (before 2021 "Adult Mental Illness"). There is no treatment function code for gender
 * identity clinics (DOMAIN.md), hence the contract's {@code GIC}. A code not listed here is shown as the code
 * alone: a name is never guessed.
 */
public final class TreatmentFunctions {

    /** The contract's code for a gender identity clinic (not an NHS treatment function code). */
    public static final String GIC = "GIC";

    private static final Map<String, String> NAMES;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("100", "General Surgery");
        m.put("101", "Urology");
        m.put("110", "Trauma and Orthopaedic");
        m.put("120", "Ear Nose and Throat");
        m.put("130", "Ophthalmology");
        m.put("300", "General Internal Medicine");
        m.put("301", "Gastroenterology");
        m.put("320", "Cardiology");
        m.put("330", "Dermatology");
        m.put("340", "Respiratory Medicine");
        m.put("360", "Genitourinary Medicine");
        m.put("400", "Neurology");
        m.put("410", "Rheumatology");
        m.put("502", "Gynaecology");
        m.put("650", "Physiotherapy");
        m.put("656", "Clinical Psychology");
        m.put("710", "Adult Mental Health");
        m.put(GIC, "Gender identity clinic");
        NAMES = Collections.unmodifiableMap(m);
    }

    private TreatmentFunctions() {
    }

    /** Every code with its name, in code order ({@code GIC} last). */
    public static Map<String, String> names() {
        return NAMES;
    }

    /** The name of a code ("Dermatology" for 330), or null when the code is not in the table. */
    public static String name(String code) {
        return code == null ? null : NAMES.get(code);
    }

    /**
     * What a page shows for a code: the code and its name ("330 Dermatology", "GIC Gender identity clinic"), the
     * code alone when it has no name here, null for null.
     */
    public static String label(String code) {
        String name = name(code);
        return name == null ? code : code + " " + name;
    }
}
