package dev.kvmigrate.converter.validate;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * JUnit XML as CI systems read it (Jenkins, GitLab, GitHub actions): one suite of test cases, each passed,
 * failed (with a message, a type and a body) or skipped. Used by {@code validate} and by plan run reports.
 */
public final class JUnitXml {
    /** A failure: short message (an attribute), type (e.g. a rule or step) and the full text. */
    public record Failure(String message, String type, String body) {
        public Failure {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(body, "body");
        }
    }

    /** One test case; {@code seconds} is written when present. */
    public record Case(String classname, String name, Optional<Double> seconds, Optional<Failure> failure,
            Optional<String> skipped) {
        public Case {
            Objects.requireNonNull(classname, "classname");
            Objects.requireNonNull(name, "name");
            seconds = Objects.requireNonNullElse(seconds, Optional.empty());
            failure = Objects.requireNonNullElse(failure, Optional.empty());
            skipped = Objects.requireNonNullElse(skipped, Optional.empty());
        }

        public static Case passed(String classname, String name) {
            return new Case(classname, name, Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    private JUnitXml() {}

    public static String render(String suite, List<Case> cases) {
        StringBuilder body = new StringBuilder();
        long failures = cases.stream().filter(c -> c.failure().isPresent()).count();
        long skipped = cases.stream().filter(c -> c.failure().isEmpty() && c.skipped().isPresent()).count();
        for (Case c : cases) {
            body.append("    <testcase classname=\"").append(xml(c.classname())).append("\" name=\"")
                    .append(xml(c.name())).append('"');
            c.seconds().ifPresent(s -> body.append(" time=\"").append(String.format(java.util.Locale.ROOT, "%.3f", s))
                    .append('"'));
            if (c.failure().isPresent()) {
                Failure f = c.failure().get();
                body.append(">\n      <failure message=\"").append(xml(f.message())).append("\" type=\"")
                        .append(xml(f.type())).append("\">").append(xml(f.body()))
                        .append("</failure>\n    </testcase>\n");
            } else if (c.skipped().isPresent()) {
                body.append(">\n      <skipped message=\"").append(xml(c.skipped().get()))
                        .append("\"/>\n    </testcase>\n");
            } else {
                body.append("/>\n");
            }
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"" + xml(suite)
                + "\" tests=\"" + cases.size() + "\" failures=\"" + failures + "\" errors=\"0\" skipped=\""
                + skipped + "\">\n" + body + "  </testsuite>\n</testsuites>\n";
    }

    /** Text made safe for XML attributes and content. */
    public static String xml(String s) {
        return dev.kvmigrate.common.Markup.escape(s);
    }
}
