package dev.kvmigrate.inventory.ovirt;

import dev.kvmigrate.inventory.xml.XmlNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Typed reads of the engine's XML: booleans, numbers, {@code <property>} lists, followed collections. */
final class EngineXml {
    private EngineXml() {}

    static boolean bool(XmlNode n, String path) {
        return n.text(path).map("true"::equalsIgnoreCase).orElse(false);
    }

    static Optional<Long> lng(XmlNode n, String path) {
        return n.text(path).flatMap(EngineXml::parseLong);
    }

    static Optional<Integer> integer(XmlNode n, String path) {
        return lng(n, path).filter(v -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE).map(Long::intValue);
    }

    static Optional<Long> parseLong(String s) {
        try {
            return Optional.of(Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The id attribute of a reference element ({@code <cluster id="…"/>}). */
    static Optional<String> ref(XmlNode n, String path) {
        return n.attr(path, "id");
    }

    /** {@code <custom_properties><custom_property><name/><value/>} or {@code <spec_params><property>…} as a map. */
    static Map<String, String> properties(XmlNode parent, String container, String item) {
        Map<String, String> out = new LinkedHashMap<>();
        for (XmlNode p : parent.all(container + "/" + item)) {
            p.text("name").ifPresent(name -> out.put(name, p.text("value").orElse("")));
        }
        return out;
    }

    /**
     * The members of a followed collection: {@code <disk_attachments><disk_attachment>…}. Absent when the answer
     * did not inline it (only a link), which callers report as a partial read.
     */
    static Optional<List<XmlNode>> followed(XmlNode vm, String container, String item) {
        return vm.child(container).map(c -> c.children(item));
    }
}
