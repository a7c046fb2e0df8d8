package dev.kvmigrate.testing.ovirt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One element of an engine answer, written the two ways the engine writes it: its native XML, and its JSON (where
 * {@code href}/{@code id} attributes become fields, repeated children an array, and every leaf a string — the
 * engine prints numbers and booleans as strings).
 */
final class Element {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private final List<Element> children = new ArrayList<>();
    private String text;

    private Element(String name) {
        this.name = name;
    }

    static Element of(String name) {
        return new Element(name);
    }

    /** An entity: {@code <name href="/ovirt-engine/api/PATH" id="ID">}. */
    static Element entity(String name, String path, String id) {
        return new Element(name).attr("href", OvirtStandIn.API_PATH + path).attr("id", id);
    }

    Element attr(String key, String value) {
        attributes.put(key, value);
        return this;
    }

    /** Adds {@code <child>text</child>}. */
    Element leaf(String child, Object value) {
        Element e = new Element(child);
        e.text = String.valueOf(value);
        children.add(e);
        return this;
    }

    Element add(Element child) {
        children.add(child);
        return this;
    }

    Element children(List<Element> members) {
        children.addAll(members);
        return this;
    }

    /** Adds a container, possibly empty: {@code <disk_attachments>…</disk_attachments>}. */
    Element add(String container, List<Element> members) {
        Element c = new Element(container);
        c.children.addAll(members);
        children.add(c);
        return this;
    }

    String name() {
        return name;
    }

    String xml() {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
        xml(sb, 0);
        return sb.toString();
    }

    private void xml(StringBuilder sb, int depth) {
        sb.append("    ".repeat(depth)).append('<').append(name);
        attributes.forEach((k, v) -> sb.append(' ').append(k).append("=\"").append(escape(v)).append('"'));
        if (text != null) {
            sb.append('>').append(escape(text)).append("</").append(name).append(">\n");
        } else if (children.isEmpty()) {
            sb.append("/>\n");
        } else {
            sb.append(">\n");
            for (Element c : children) {
                c.xml(sb, depth + 1);
            }
            sb.append("    ".repeat(depth)).append("</").append(name).append(">\n");
        }
    }

    String json() {
        return json(this).toString();
    }

    private static JsonNode json(Element e) {
        if (e.text != null) {
            return JSON.getNodeFactory().textNode(e.text);
        }
        ObjectNode o = JSON.createObjectNode();
        e.attributes.forEach(o::put);
        Map<String, List<Element>> byName = new LinkedHashMap<>();
        for (Element c : e.children) {
            byName.computeIfAbsent(c.name, k -> new ArrayList<>()).add(c);
        }
        byName.forEach((n, list) -> {
            boolean collection = e.attributes.isEmpty() && e.children.size() == list.size() && list.size() >= 1
                    && e.name.equals(plural(n));
            if (list.size() == 1 && !collection) {
                o.set(n, json(list.get(0)));
            } else {
                ArrayNode a = o.putArray(n);
                list.forEach(c -> a.add(json(c)));
            }
        });
        return o;
    }

    /** Collection names: {@code vms} of {@code vm}, {@code disk_attachments} of {@code disk_attachment}. */
    private static String plural(String member) {
        return member + "s";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
