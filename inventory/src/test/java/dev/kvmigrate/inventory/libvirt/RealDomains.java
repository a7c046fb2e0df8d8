package dev.kvmigrate.inventory.libvirt;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Rewrites corpus domain XML ({@code virsh dumpxml} from other hosts, libvirt's own test data) so that the real
 * daemon of this machine accepts it, on the parsed DOM. Each rewrite and why:
 * <ul>
 *   <li>{@code <name>} → {@code kvmit-scan-NNN-<original>} (original reduced to {@code [A-Za-z0-9._-]}, at most
 *       40 characters): unique per file (corpus files reuse names), and the prefix marks every object this test
 *       owns on a daemon it shares with other tests.</li>
 *   <li>{@code <uuid>} dropped: corpus files share UUIDs (copied test data); the daemon assigns a fresh one.</li>
 *   <li>{@code <sysinfo><system><entry name='uuid'>} dropped: without {@code <uuid>} libvirt takes the domain's
 *       UUID from there, so files sharing an SMBIOS UUID would again collide ("already defined with uuid").</li>
 *   <li>{@code <domain type>} → {@link dev.kvmigrate.testing.RealLibvirtd#domainType()}: {@code xen}, {@code lxc},
 *       {@code test} and friends are not QEMU domains; {@code kvm} needs {@code /dev/kvm}.</li>
 *   <li>{@code <emulator>} → {@code /usr/bin/qemu-system-x86_64}: corpus paths ({@code /usr/libexec/qemu-kvm},
 *       {@code /usr/bin/qemu}, …) do not exist here and the daemon probes the binary at define time.</li>
 *   <li>{@code os/type@machine} → {@code pc-q35-7.2} when the original names q35, else {@code pc-i440fx-7.2}:
 *       the machine must be one QEMU 7.2 knows (corpus files name RHEL machines, old versions, aliases).</li>
 *   <li>{@code <seclabel>} dropped: this daemon has no SELinux/AppArmor security driver, and static labels
 *       name contexts of other hosts.</li>
 * </ul>
 * Files that are not QEMU guests for this host are skipped, not rewritten: roots other than {@code <domain>},
 * text-only {@code <domain>} fragments, architectures other than x86_64/i686, and {@code os/type} other than
 * {@code hvm} (Xen PV, LXC {@code exe}). Everything else the daemon refuses stays refused: the test lists those
 * files with the daemon's error.
 */
final class RealDomains {
    static final String PREFIX = "kvmit-scan-";

    private RealDomains() {}

    /** One rewritten corpus domain. */
    record Rewritten(Path file, String originalName, String name, String xml, boolean hostdev, boolean mdev,
            boolean qcow2) {}

    /** Every {@code *.xml} below {@code dirs}, sorted. */
    static List<Path> corpus(List<Path> dirs) throws IOException {
        List<Path> all = new ArrayList<>();
        for (Path dir : dirs) {
            try (Stream<Path> s = Files.walk(dir)) {
                all.addAll(s.filter(p -> p.toString().endsWith(".xml") && Files.isRegularFile(p))
                        .collect(Collectors.toList()));
            }
        }
        all.sort(null);
        return all;
    }

    /** The rewritten domain, or empty when the file is not a QEMU x86 domain definition. */
    static Optional<Rewritten> rewrite(Path file, int index, String domainType) {
        Document doc;
        try {
            doc = builder().parse(file.toFile());
        } catch (Exception e) {
            return Optional.empty();
        }
        Element d = doc.getDocumentElement();
        if (!d.getTagName().equals("domain") || children(d).isEmpty()) {
            return Optional.empty();
        }
        Element os = child(d, "os");
        Element type = os == null ? null : child(os, "type");
        if (type == null) {
            return Optional.empty();
        }
        String arch = type.getAttribute("arch");
        if (!arch.isEmpty() && !arch.equals("x86_64") && !arch.equals("i686")) {
            return Optional.empty();
        }
        if (!type.getTextContent().trim().equals("hvm")) {
            return Optional.empty();
        }
        Element nameEl = child(d, "name");
        String original = nameEl == null ? "noname" : nameEl.getTextContent().trim();
        String cleaned = original.replaceAll("[^A-Za-z0-9._-]", "_");
        if (cleaned.length() > 40) {
            cleaned = cleaned.substring(0, 40);
        }
        String name = String.format(Locale.ROOT, "%s%03d-%s", PREFIX, index, cleaned);
        if (nameEl == null) {
            nameEl = doc.createElement("name");
            d.insertBefore(nameEl, d.getFirstChild());
        }
        nameEl.setTextContent(name);
        for (Element u : children(d, "uuid")) {
            d.removeChild(u);
        }
        d.setAttribute("type", domainType);
        String machine = type.getAttribute("machine");
        type.setAttribute("machine", machine.contains("q35") ? "pc-q35-7.2" : "pc-i440fx-7.2");
        for (Element s : children(d, "seclabel")) {
            d.removeChild(s);
        }
        for (Element sysinfo : children(d, "sysinfo")) {
            for (Element system : children(sysinfo, "system")) {
                for (Element entry : children(system, "entry")) {
                    if (entry.getAttribute("name").equals("uuid")) {
                        system.removeChild(entry);
                    }
                }
            }
        }
        Element devices = child(d, "devices");
        boolean hostdev = false;
        boolean mdev = false;
        boolean qcow2 = false;
        if (devices != null) {
            for (Element e : children(devices, "emulator")) {
                e.setTextContent("/usr/bin/qemu-system-x86_64");
            }
            for (Element h : children(devices, "hostdev")) {
                hostdev = true;
                mdev |= h.getAttribute("type").equals("mdev");
            }
            for (Element disk : children(devices, "disk")) {
                Element driver = child(disk, "driver");
                qcow2 |= driver != null && driver.getAttribute("type").equals("qcow2");
            }
        }
        return Optional.of(new Rewritten(file, original, name, serialize(doc), hostdev, mdev, qcow2));
    }

    private static DocumentBuilder builder() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setNamespaceAware(true);
        return f.newDocumentBuilder();
    }

    private static String serialize(Document doc) {
        try {
            Transformer t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringWriter w = new StringWriter();
            t.transform(new DOMSource(doc), new StreamResult(w));
            return w.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Element> children(Element e) {
        List<Element> out = new ArrayList<>();
        NodeList nl = e.getChildNodes();
        for (int i = 0; i < nl.getLength(); i++) {
            if (nl.item(i).getNodeType() == Node.ELEMENT_NODE) {
                out.add((Element) nl.item(i));
            }
        }
        return out;
    }

    private static List<Element> children(Element e, String tag) {
        return children(e).stream().filter(c -> tag.equals(c.getLocalName() != null ? c.getLocalName()
                : c.getTagName()) && c.getNamespaceURI() == null).collect(Collectors.toList());
    }

    private static Element child(Element e, String tag) {
        List<Element> c = children(e, tag);
        return c.isEmpty() ? null : c.get(0);
    }
}
