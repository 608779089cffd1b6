package uk.nhs.healthjustice.telemed.jobs.run;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import uk.nhs.healthjustice.telemed.testing.SparkTestBase;

/**
 * The end-to-end tests run the CLI in the shared test session, not in one {@link SparkSessions} makes: that
 * session must carry every Delta setting a job's session has, or the tests would measure and exercise another
 * configuration than the one operators run (the test base lives in pipelines, which cannot see this class).
 */
class SparkSessionsTest extends SparkTestBase {

    @Test
    void theTestSessionHasEveryDeltaSettingOfAJobSession() {
        Assertions.assertFalse(SparkSessions.DELTA.isEmpty());
        SparkSessions.DELTA.forEach((key, value) ->
                Assertions.assertEquals(value, spark().conf().get(key, null), key));
    }
}
