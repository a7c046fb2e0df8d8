package dev.kvmigrate.converter;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.inventory.model.Concern;
import java.util.Locale;

/** The concerns of a conversion as a tree ({@code concerns.yaml}) and as text for people. Pure. */
public final class ConversionReport {
    private ConversionReport() {}

    public static ObjectNode tree(ConversionResult result) {
        ObjectNode root = Trees.obj();
        ArrayNode vms = root.putArray("vms");
        for (MigrationUnit v : result.vms()) {
            ObjectNode n = vms.addObject().put("source", v.sourceName()).put("name", v.targetName())
                    .put("written", !v.blocked());
            ArrayNode cs = n.putArray("concerns");
            for (Concern c : v.concerns()) {
                ObjectNode cn = cs.addObject().put("severity", c.severity().name()).put("code", c.code());
                c.field().ifPresent(f -> cn.put("field", f));
                cn.put("message", c.message());
            }
        }
        return root;
    }

    /** One line per VM, then its concerns indented. */
    public static String text(ConversionResult result) {
        StringBuilder s = new StringBuilder();
        result.gpuTarget().why().ifPresent(why -> s.append(why).append('\n'));
        for (MigrationUnit v : result.vms()) {
            s.append(v.blocked() ? "BLOCKED " : "written ").append(v.sourceName());
            if (!v.sourceName().equals(v.targetName())) {
                s.append(" → ").append(v.targetName());
            }
            s.append('\n');
            for (Concern c : v.concerns()) {
                s.append("  ").append(c.severity().name().toLowerCase(Locale.ROOT)).append(' ').append(c.code())
                        .append(": ").append(c.message()).append('\n');
            }
        }
        return s.toString();
    }
}
