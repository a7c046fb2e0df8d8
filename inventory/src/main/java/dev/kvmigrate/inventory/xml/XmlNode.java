package dev.kvmigrate.inventory.xml;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A read-only view of one element, navigated by local name (namespaces are ignored, so libvirt's
 * {@code test:runstate}, OVF's {@code ovf:Disk} and the engine's plain names all read the same way).
 */
public final class XmlNode {
    private final Element element;

    XmlNode(Element element) {
        this.element = element;
    }

    /** Local name of this element ({@code domain}, {@code Disk}). */
    public String name() {
        String local = element.getLocalName();
        return local != null ? local : element.getTagName();
    }

    /** First child element of that local name. */
    public Optional<XmlNode> child(String localName) {
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(localName(e))) {
                return Optional.of(new XmlNode(e));
            }
        }
        return Optional.empty();
    }

    /** All child elements of that local name, in document order. */
    public List<XmlNode> children(String localName) {
        List<XmlNode> out = new ArrayList<>();
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(localName(e))) {
                out.add(new XmlNode(e));
            }
        }
        return out;
    }

    /** All child elements. */
    public List<XmlNode> children() {
        List<XmlNode> out = new ArrayList<>();
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(new XmlNode(e));
            }
        }
        return out;
    }

    /** The element at a {@code /}-separated path of local names ({@code os/type}). */
    public Optional<XmlNode> at(String path) {
        Optional<XmlNode> cur = Optional.of(this);
        for (String step : path.split("/")) {
            cur = cur.flatMap(n -> n.child(step));
        }
        return cur;
    }

    /** All elements at a path; the last step may match several ({@code devices/disk}). */
    public List<XmlNode> all(String path) {
        int slash = path.lastIndexOf('/');
        if (slash < 0) {
            return children(path);
        }
        return at(path.substring(0, slash)).map(n -> n.children(path.substring(slash + 1))).orElse(List.of());
    }

    /** An attribute by local name (namespace ignored), when present and not blank. */
    public Optional<String> attr(String localName) {
        if (element.hasAttribute(localName)) {
            return nonBlank(element.getAttribute(localName));
        }
        var attrs = element.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            Node a = attrs.item(i);
            if (localName.equals(a.getLocalName())) {
                return nonBlank(a.getNodeValue());
            }
        }
        return Optional.empty();
    }

    /** Trimmed text content, when not blank. */
    public Optional<String> text() {
        return nonBlank(element.getTextContent());
    }

    /** Trimmed text of the element at a path, when present and not blank. */
    public Optional<String> text(String path) {
        return at(path).flatMap(XmlNode::text);
    }

    /** Attribute of the element at a path. */
    public Optional<String> attr(String path, String attribute) {
        return at(path).flatMap(n -> n.attr(attribute));
    }

    /** Line-independent location for messages: the element path from the root ({@code domain/devices/disk}). */
    public String path() {
        StringBuilder sb = new StringBuilder();
        for (Node n = element; n instanceof Element e; n = n.getParentNode()) {
            sb.insert(0, sb.length() == 0 ? localName(e) : localName(e) + "/");
        }
        return sb.toString();
    }

    private static String localName(Element e) {
        return e.getLocalName() != null ? e.getLocalName() : e.getTagName();
    }

    private static Optional<String> nonBlank(String s) {
        if (s == null) {
            return Optional.empty();
        }
        String t = s.trim();
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }

    @Override
    public String toString() {
        return "<" + name() + ">";
    }
}
