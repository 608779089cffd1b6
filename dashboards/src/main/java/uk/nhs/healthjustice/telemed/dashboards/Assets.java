package uk.nhs.healthjustice.telemed.dashboards;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Files the pages inline: ECharts from its Maven Central WebJar, and the page templates. */
final class Assets {

    /** Keep in step with {@code echarts.version} in the parent pom. */
    static final String ECHARTS_VERSION = "5.5.0";
    static final String ECHARTS = "META-INF/resources/webjars/echarts/" + ECHARTS_VERSION + "/echarts.min.js";

    private Assets() {
    }

    static String echarts() {
        String js = resource(ECHARTS);
        if (js.contains("</script")) {
            throw new IllegalStateException("Cannot inline " + ECHARTS + ": it contains </script");
        }
        return js;
    }

    static String template(String name) {
        return resource("uk/nhs/healthjustice/telemed/dashboards/" + name);
    }

    private static String resource(String path) {
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("Cannot find " + path + " on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + path, e);
        }
    }
}
