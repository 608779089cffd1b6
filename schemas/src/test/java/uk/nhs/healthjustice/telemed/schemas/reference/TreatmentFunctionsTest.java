package uk.nhs.healthjustice.telemed.schemas.reference;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class TreatmentFunctionsTest {

    @Test
    void codesAreLabelledWithTheirDataDictionaryNames() {
        Assertions.assertEquals("330 Dermatology", TreatmentFunctions.label("330"));
        Assertions.assertEquals("110 Trauma and Orthopaedic", TreatmentFunctions.label("110"));
        Assertions.assertEquals("710 Adult Mental Health", TreatmentFunctions.label("710"));
        Assertions.assertEquals("GIC Gender identity clinic", TreatmentFunctions.label("GIC"));
        Assertions.assertEquals("Dermatology", TreatmentFunctions.name("330"));
    }

    @Test
    void anUnknownCodeIsShownAsItselfNeverGuessed() {
        Assertions.assertEquals("999", TreatmentFunctions.label("999"));
        Assertions.assertNull(TreatmentFunctions.name("999"));
        Assertions.assertNull(TreatmentFunctions.label(null));
    }

    @Test
    void everyCodeIsThreeDigitsOrGic() {
        TreatmentFunctions.names().forEach((code, name) -> {
            Assertions.assertTrue(code.matches("\\d{3}|GIC"), code);
            Assertions.assertFalse(name.isBlank(), code);
        });
    }
}
