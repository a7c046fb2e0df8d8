package dev.kvmigrate.converter.validate;

import dev.kvmigrate.common.Markup;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A validation report as text for people, JSON for scripts, and JUnit XML (one testcase per object) for CI. */
public final class ReportRenderer {
    private ReportRenderer() {}

    public static String text(ValidationReport r) {
        StringBuilder s = new StringBuilder();
        for (Finding f : r.findings()) {
            s.append(f).append('\n');
        }
        for (String n : r.notes()) {
            s.append("note: ").append(n).append('\n');
        }
        s.append(r.objects().size()).append(" objects, ").append(r.findings().size())
                .append(r.findings().size() == 1 ? " finding" : " findings").append('\n');
        return s.toString();
    }

    public static ObjectNode json(ValidationReport r) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("objects", r.objects().size());
        root.put("clean", r.clean());
        ArrayNode fs = root.putArray("findings");
        for (Finding x : r.findings()) {
            fs.addObject().put("file", x.file()).put("line", x.position().line()).put("column",
                    x.position().column()).put("object", x.object()).put("path", x.path()).put("rule", x.rule())
                    .put("message", x.message());
        }
        ArrayNode notes = root.putArray("notes");
        r.notes().forEach(notes::add);
        return root;
    }

    /** JUnit XML: one testcase per object (classname = file), failures are its findings; file-level problems too. */
    public static String junit(ValidationReport r) {
        StringBuilder cases = new StringBuilder();
        int tests = 0;
        int failures = 0;
        java.util.Set<Finding> attached = new java.util.HashSet<>();
        for (ValidationReport.ObjectRef o : r.objects()) {
            tests++;
            var findings = r.findingsFor(o);
            attached.addAll(findings);
            failures += findings.isEmpty() ? 0 : 1;
            cases.append(testcase(o.file(), o.id(), findings));
        }
        for (Finding f : r.findings()) {
            if (!attached.contains(f)) {
                tests++;
                failures++;
                cases.append(testcase(f.file(), f.object(), java.util.List.of(f)));
            }
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"kv-migrate validate\""
                + " tests=\"" + tests + "\" failures=\"" + failures + "\" errors=\"0\" skipped=\"0\">\n" + cases
                + "  </testsuite>\n</testsuites>\n";
    }

    private static String testcase(String file, String name, java.util.List<Finding> findings) {
        StringBuilder s = new StringBuilder("    <testcase classname=\"").append(Markup.escape(file)).append("\" name=\"")
                .append(Markup.escape(name)).append('"');
        if (findings.isEmpty()) {
            return s.append("/>\n").toString();
        }
        s.append(">\n      <failure message=\"").append(Markup.escape(findings.size() + (findings.size() == 1 ? " finding: "
                : " findings, first: ") + findings.get(0).message())).append("\" type=\"")
                .append(Markup.escape(findings.get(0).rule())).append("\">");
        for (Finding f : findings) {
            s.append(Markup.escape(f.toString())).append('\n');
        }
        return s.append("</failure>\n    </testcase>\n").toString();
    }
}
