package dev.kvmigrate.converter.validate;

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
        java.util.List<JUnitXml.Case> cases = new java.util.ArrayList<>();
        java.util.Set<Finding> attached = new java.util.HashSet<>();
        for (ValidationReport.ObjectRef o : r.objects()) {
            var findings = r.findingsFor(o);
            attached.addAll(findings);
            cases.add(testcase(o.file(), o.id(), findings));
        }
        for (Finding f : r.findings()) {
            if (!attached.contains(f)) {
                cases.add(testcase(f.file(), f.object(), java.util.List.of(f)));
            }
        }
        return JUnitXml.render("kv-migrate validate", cases);
    }

    private static JUnitXml.Case testcase(String file, String name, java.util.List<Finding> findings) {
        if (findings.isEmpty()) {
            return JUnitXml.Case.passed(file, name);
        }
        StringBuilder body = new StringBuilder();
        for (Finding f : findings) {
            body.append(f.toString()).append('\n');
        }
        String message = findings.size() + (findings.size() == 1 ? " finding: " : " findings, first: ")
                + findings.get(0).message();
        return new JUnitXml.Case(file, name, java.util.Optional.empty(), java.util.Optional.of(
                new JUnitXml.Failure(message, findings.get(0).rule(), body.toString())), java.util.Optional.empty());
    }
}
