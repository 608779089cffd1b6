package uk.nhs.healthjustice.telemed.jobs.generate;

/** How much synthetic estate to generate. */
public enum Scale {
    /** 6 sites in 2 regions: seconds per half year; for demos and tests. */
    SMALL,
    /** About 120 sites in 7 regions, ~88,000 people: ~1.5 million consults a year. */
    NATIONAL
}
