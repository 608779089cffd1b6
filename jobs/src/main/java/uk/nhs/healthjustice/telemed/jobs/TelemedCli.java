package uk.nhs.healthjustice.telemed.jobs;

public class TelemedCli { public static void main(String[] a) {} }
