package uk.nhs.healthjustice.telemed.schemas;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NhsNumberTest {

    @Test
    void acceptsTheDomainExampleWithAndWithoutSpaces() {
        // 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299; 299 mod 11 = 2; 11-2 = 9 = last digit
        assertTrue(NhsNumber.isValid("9434765919"));
        assertTrue(NhsNumber.isValid("943 476 5919"));
    }

    @Test
    void rejectsAWrongCheckDigit() {
        assertFalse(NhsNumber.isValid("9434765910"));
        assertFalse(NhsNumber.isValid("943 476 5918"));
    }

    @Test
    void checkValueElevenMeansZero() {
        // 1*10 + 6*2 = 22; 22 mod 11 = 0; 11 - 0 = 11 -> check digit 0
        assertTrue(NhsNumber.isValid("1000000060"));
        assertFalse(NhsNumber.isValid("1000000061"));
    }

    @Test
    void checkValueTenIsNeverIssued() {
        // 1*10 + 1*2 = 12; 12 mod 11 = 1; 11 - 1 = 10 -> invalid whatever the last digit
        for (int last = 0; last <= 9; last++) {
            assertFalse(NhsNumber.isValid("100000001" + last), "last digit " + last);
        }
    }

    @Test
    void rejectsTenIdenticalDigitsAndWrongShapes() {
        // 0000000000 passes the arithmetic (sum 0 -> check 11 -> 0) but is excluded by the contract
        assertFalse(NhsNumber.isValid("0000000000"));
        assertFalse(NhsNumber.isValid("1111111111"));
        assertFalse(NhsNumber.isValid("943476591"));
        assertFalse(NhsNumber.isValid("94347659199"));
        assertFalse(NhsNumber.isValid("943-476-5919"));
        assertFalse(NhsNumber.isValid("94347659l9"));
        assertFalse(NhsNumber.isValid(null));
    }

    /**
     * 943476591: 9x10 + 4x9 + 3x8 + 4x7 + 7x6 + 6x5 + 5x4 + 9x3 + 1x2 = 299; 299 mod 11 = 2; 11 - 2 = 9.
     * 000000000: remainder 0, 11 means 0. 000000006: 6x2 = 12, remainder 1, 11 - 1 = 10: never issued.
     */
    @Test
    void checkDigitWorkedByHand() {
        org.junit.jupiter.api.Assertions.assertEquals(9, NhsNumber.checkDigit("943476591"));
        org.junit.jupiter.api.Assertions.assertEquals(0, NhsNumber.checkDigit("000000000"));
        org.junit.jupiter.api.Assertions.assertEquals(-1, NhsNumber.checkDigit("000000006"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> NhsNumber.checkDigit("94347659"));
    }
}
