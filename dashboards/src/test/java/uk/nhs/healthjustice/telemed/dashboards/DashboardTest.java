package uk.nhs.healthjustice.telemed.dashboards;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardTest {

    @TempDir
    Path tmp;

    @Test
    void oneOfflineFileWithEscapedDataAndInlinedCharts() throws Exception {
        Path root = PublishedFixture.write(PublishedFixture.spark(), tmp.resolve("out"));
        Path html = Dashboard.write(PublishedFixture.spark(), root, tmp.resolve("dashboard.html"));
        String page = Files.readString(html);
        // the attack string never appears raw, only escaped inside the JSON block
        Assertions.assertFalse(page.contains(PublishedFixture.EVIL));
        Assertions.assertTrue(page.contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"));
        // four script elements: error hook, ECharts, data, page code; nothing fetched from the network
        Assertions.assertEquals(4, page.split("<script", -1).length - 1);
        Assertions.assertFalse(page.contains("src=\"http") || page.contains("href=\"http"));
        Assertions.assertTrue(page.contains("Licensed to the Apache Software Foundation"), "ECharts licence header kept");
        Assertions.assertTrue(page.contains("\"run_date\":\"2026-09-30\""));
    }

    @Test
    void saysClearlyWhenThereIsNothingPublished() {
        IllegalArgumentException e = Assertions.assertThrows(IllegalArgumentException.class,
                () -> Dashboard.write(PublishedFixture.spark(), tmp.resolve("empty"), tmp.resolve("d.html")));
        Assertions.assertTrue(e.getMessage().contains("run the nightly job first"), e.getMessage());
    }
}
