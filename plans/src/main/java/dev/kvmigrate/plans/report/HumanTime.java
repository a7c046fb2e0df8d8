package dev.kvmigrate.plans.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Pattern;

/** Times and durations as the report shows them: whole seconds, UTC marked {@code Z}. */
final class HumanTime {
    private static final DateTimeFormatter INSTANT = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss'Z'",
            Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final Pattern UTC = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
            + "(\\.[0-9]{1,9})?Z");

    private HumanTime() {}

    /** {@code 2026-12-01T21:04:38.194239798Z} → {@code 2026-12-01 21:04:38Z}; text that is no instant as it is. */
    static String instant(String iso) {
        if (UTC.matcher(iso).matches()) {
            // Instant.toString's form: truncating the text is truncating the time, and much faster than parsing.
            return iso.substring(0, 10) + " " + iso.substring(11, 19) + "Z";
        }
        try {
            return INSTANT.format(Instant.parse(iso).truncatedTo(ChronoUnit.SECONDS));
        } catch (DateTimeParseException e) {
            return iso;
        }
    }

    /** {@code 4.2 s} under a minute, {@code 2m 05s} under an hour, {@code 1h 02m 05s} above. */
    static String duration(double seconds) {
        long tenths = Math.round(Math.max(0, seconds) * 10);
        if (tenths < 600) {
            return tenths / 10 + "." + tenths % 10 + " s";
        }
        long s = Math.round(seconds);
        if (s < 3600) {
            return s / 60 + "m " + twoDigits(s % 60) + "s";
        }
        return s / 3600 + "h " + twoDigits(s / 60 % 60) + "m " + twoDigits(s % 60) + "s";
    }

    /** A tick label on a time axis: {@code 0}, {@code 45s}, {@code 5m}, {@code 1h}, {@code 1h 30m}. */
    static String tick(long seconds) {
        if (seconds == 0) {
            return "0";
        }
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds % 60 == 0 ? seconds / 60 + "m" : seconds / 60 + "m " + seconds % 60 + "s";
        }
        return seconds % 3600 == 0 ? seconds / 3600 + "h" : seconds / 3600 + "h " + seconds / 60 % 60 + "m";
    }

    private static String twoDigits(long n) {
        return n < 10 ? "0" + n : Long.toString(n);
    }
}
