package dev.kvmigrate.inventory.concern;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Kubernetes object names for VMs: RFC 1123 labels (lower-case alphanumerics and {@code -}, starting and
 * ending alphanumeric, at most 63 characters). A VM's name becomes its hostname, so the label rule applies
 * rather than the longer subdomain rule.
 */
public final class KubernetesName {
    public static final int MAX_LENGTH = 63;
    private static final Pattern VALID = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern INVALID_RUN = Pattern.compile("[^a-z0-9]+");

    private KubernetesName() {}

    /** Whether {@code name} is already a valid RFC 1123 label. */
    public static boolean isValid(String name) {
        return name.length() <= MAX_LENGTH && VALID.matcher(name).matches();
    }

    /**
     * The label a source name becomes: lower-cased, every run of other characters ({@code _}, {@code .},
     * spaces, non-ASCII) replaced by one {@code -}, trimmed of {@code -} at both ends, cut to 63 characters.
     * A name with nothing usable left becomes {@code vm}. Uniqueness within a set is the converter's job.
     */
    public static String of(String sourceName) {
        String s = INVALID_RUN.matcher(sourceName.toLowerCase(Locale.ROOT)).replaceAll("-");
        s = trimDashes(s);
        if (s.length() > MAX_LENGTH) {
            s = trimDashes(s.substring(0, MAX_LENGTH));
        }
        return s.isEmpty() ? "vm" : s;
    }

    private static String trimDashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '-') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '-') {
            end--;
        }
        return s.substring(start, end);
    }
}
