package dev.kvmigrate.inventory;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
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
        return patterns.isEmpty() || patterns.stream().anyMatch(p -> glob(p).matcher(vmName).matches());
    }

    /** The patterns that match none of {@code names}: a typo the user should hear about. */
    public List<String> unmatched(List<String> names) {
        return patterns.stream()
                .filter(p -> names.stream().noneMatch(n -> glob(p).matcher(n).matches()))
                .collect(Collectors.toList());
    }

    private static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        boolean inClass = false;
        for (char c : glob.toCharArray()) {
            if (inClass) {
                if (c == ']') {
                    inClass = false;
                    re.append(']');
                } else if (c == '\\' || c == '[') {
                    re.append('\\').append(c);
                } else {
                    re.append(c == '!' && re.charAt(re.length() - 1) == '[' ? '^' : c);
                }
                continue;
            }
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> {
                    inClass = true;
                    re.append('[');
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (inClass) {
            // An unclosed '[' is a literal, as in the shell.
            return Pattern.compile(Pattern.quote(glob));
        }
        return Pattern.compile(re.toString());
    }
}
