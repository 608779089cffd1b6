package uk.nhs.healthjustice.telemed.pipelines.common;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;

/** Telemedicine is a video or telephone consult; in person is either face-to-face modality. */
public final class Modality {

    public static final String MODALITY_GROUP = "modality_group";
    public static final String TELEMEDICINE = "telemedicine";
    public static final String IN_PERSON = "in_person";
    public static final String NOT_SEEN = "not_seen";

    private Modality() {
    }

    public static Column isTelemedicine(Column modality) {
        return modality.isin("video", "telephone");
    }

    /** telemedicine or in_person for a consult modality; null for null. */
    public static Column group(Column modality) {
        return when(isTelemedicine(modality), lit(TELEMEDICINE))
                .when(modality.isin("face_to_face_onsite", "face_to_face_offsite"), lit(IN_PERSON));
    }
}
