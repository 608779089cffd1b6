package uk.nhs.healthjustice.telemed.jobs.generate;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.schemas.reference.TreatmentFunctions;

/** Every specialty code the generator writes has a name on the dashboard and in the report. */
class SpecialtyNamesTest {

    @Test
    void everyGeneratedSpecialtyHasAName() {
        for (String code : LandingGenerator.SPECIALTIES) {
            Assertions.assertNotNull(TreatmentFunctions.name(code), "no name for generated specialty " + code);
        }
        // the primary-care consults the generator writes carry 300
        Assertions.assertNotNull(TreatmentFunctions.name("300"));
    }
}
