package dev.kvmigrate.inventory;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Which VMs to take: names or shell-style globs ({@code *}, {@code ?}, {@code [abc]}); none means all.
 */
public record VmSelector(List<String> patterns) {
    public static final VmSelector ALL = new VmSelector(List.of());

    public VmSelector {
        patterns = List.copyOf(Objects.requireNonNullElse(patterns, List.of()));
    }

    public static VmSelector of(List<String> patterns) {
        return new VmSelector(patterns);
    }

    public boolean matches(String vmName) {
        return patterns.isEmpty() || patterns.stream().anyMatch(p -> globMatches(p, vmName));
    }

    /** The patterns that match none of {@code names}: a typo the user should hear about. */
    public List<String> unmatched(List<String> names) {
        return patterns.stream()
                .filter(p -> names.stream().noneMatch(n -> globMatches(p, n)))
                .collect(Collectors.toList());
    }

    /**
     * Shell-style matching without regular expressions: {@code *} any run, {@code ?} one character, {@code [abc]},
     * {@code [a-z]} and {@code [!abc]} one of (or none of) a set; an unclosed {@code [} is a literal. The classic
     * single-backtrack algorithm: at most pattern × name steps, whatever the input (a regex of many {@code .*}
     * backtracks far worse on long names).
     */
    static boolean globMatches(String glob, String name) {
        int g = 0;
        int n = 0;
        int starG = -1;
        int starN = 0;
        while (n < name.length()) {
            if (g < glob.length() && glob.charAt(g) == '*') {
                starG = g++;
                starN = n;
                continue;
            }
            int next = g < glob.length() ? matchOne(glob, g, name.charAt(n)) : -1;
            if (next >= 0) {
                g = next;
                n++;
            } else if (starG >= 0) {
                g = starG + 1;
                n = ++starN;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }

    /** The index after the pattern element at {@code g} when it matches {@code c}, else -1. */
    private static int matchOne(String glob, int g, char c) {
        char p = glob.charAt(g);
        if (p == '?') {
            return g + 1;
        }
        if (p == '[') {
            int close = glob.indexOf(']', g + 2);
            if (close > 0) {
                boolean negate = glob.charAt(g + 1) == '!';
                int i = negate ? g + 2 : g + 1;
                boolean in = false;
                for (; i < close; i++) {
                    if (i + 2 < close && glob.charAt(i + 1) == '-') {
                        in |= c >= glob.charAt(i) && c <= glob.charAt(i + 2);
                        i += 2;
                    } else {
                        in |= c == glob.charAt(i);
                    }
                }
                return in != negate ? close + 1 : -1;
            }
        }
        return p == c ? g + 1 : -1;
    }
}
