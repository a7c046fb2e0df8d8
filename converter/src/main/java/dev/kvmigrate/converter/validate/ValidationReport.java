package dev.kvmigrate.converter.validate;

import java.util.List;

/**
 * The outcome of a validation.
 *
 * @param objects every object checked, in file order
 * @param findings every problem, in file order
 * @param notes rules not checked for lack of facts (no KubeVirt CR, no cluster)
 */
public record ValidationReport(List<ObjectRef> objects, List<Finding> findings, List<String> notes) {
    /** An object checked: file, position of its document, {@code Kind/name}. */
    public record ObjectRef(String file, LocatedObject.Position position, String id) {}

    public ValidationReport {
        objects = List.copyOf(objects);
        findings = List.copyOf(findings);
        notes = List.copyOf(notes);
    }

    public boolean clean() {
        return findings.isEmpty();
    }

    /** The findings about one object. */
    public List<Finding> findingsFor(ObjectRef o) {
        return findings.stream().filter(f -> f.file().equals(o.file()) && f.object().equals(o.id())).toList();
    }
}
