package dev.kvmigrate.inventory.libvirt;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.concern.ConcernCode;
import dev.kvmigrate.inventory.model.Concern;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** What parsing one domain collects besides the model: where it came from and what could not be read. */
final class ParseContext {
    private final String origin;
    private final String vmName;
    private final List<Concern> concerns = new ArrayList<>();

    ParseContext(String origin, String vmName) {
        this.origin = origin;
        this.vmName = vmName;
    }

    String vmName() {
        return vmName;
    }

    /** Records that {@code field} could not be read and was left out or defaulted. */
    void partial(String field, String what) {
        concerns.add(ConcernCode.SOURCE_PARSE_PARTIAL.at(field, "VM " + vmName + ": " + what + " (in " + origin
                + "); check the domain definition"));
    }

    /** Records a concern the source raises itself (a fact only the source's XML shows). */
    void concern(Concern concern) {
        concerns.add(concern);
    }

    List<Concern> concerns() {
        return List.copyOf(concerns);
    }

    /** A fatal problem with one field: the domain cannot be represented at all. */
    KvMigrateException invalid(String field, String what) {
        return KvMigrateException.invalidInput(origin + ": VM " + vmName + ": " + field + " " + what
                + "; fix the domain definition (virsh edit " + vmName + ") and scan again");
    }

    /** Parses an optional value; a value that does not parse becomes a partial concern and is left out. */
    <T> Optional<T> lenient(Optional<String> raw, String field, Function<String, T> parse) {
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse.apply(raw.get()));
        } catch (RuntimeException e) {
            partial(field, field + " '" + raw.get() + "' is unusable: " + e.getMessage() + "; left out");
            return Optional.empty();
        }
    }

    static int positiveInt(String s) {
        int n = Integer.parseInt(s.trim());
        if (n < 1) {
            throw new IllegalArgumentException("must be at least 1");
        }
        return n;
    }
}
