package dev.kvmigrate.inventory.ovirt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds a {@link FakeEngine} from one directory of bodies recorded from a live engine (fixtures/ovirt/recorded):
 * the collections as they are, each VM with its recorded sub-collections (disk attachments with their disks
 * inlined, NICs, snapshots) ready to be inlined when a request asks to {@code follow} them.
 */
final class RecordedEngines {
    private static final Pattern ELEMENT_ID = Pattern.compile("(?s)<(\\w+) href=\"[^\"]*\" id=\"([^\"]+)\">.*?\n    </\\1>");
    private static final Pattern DISK_REF = Pattern.compile("<disk href=\"[^\"]*\" id=\"([^\"]+)\"/>");
    private static final Pattern PROFILE_REF = Pattern.compile("<vnic_profile href=\"[^\"]*\" id=\"([^\"]+)\"/>");

    private RecordedEngines() {}

    /** The first file in {@code dir} whose name, after the NNN- prefix, is exactly {@code name}. */
    static Optional<Path> file(Path dir, String name) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().replaceFirst("^\\d+-", "").equals(name)).sorted().findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p).replaceFirst("^<\\?xml[^>]*\\?>\\s*", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Top-level members of a collection body, by id, as text. */
    static Map<String, String> members(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = ELEMENT_ID.matcher(body);
        while (m.find()) {
            out.put(m.group(2), m.group());
        }
        return out;
    }

    /** Number of VMs the engine will list. */
    static FakeEngine engine(Path dir) {
        FakeEngine e = new FakeEngine();
        for (String c : List.of("clusters", "hosts", "networks", "vnicprofiles", "storagedomains")) {
            e.collection(c, file(dir, c + ".xml").map(RecordedEngines::read).orElse("<" + c + "/>"));
        }
        Map<String, String> disks = file(dir, "disks.xml").map(p -> members(read(p))).orElse(Map.of());
        Map<String, String> profiles = file(dir, "vnicprofiles.xml").map(p -> members(read(p))).orElse(Map.of());
        String vmsBody = file(dir, "vms.xml").map(RecordedEngines::read).orElse("<vms/>");
        for (var vm : members(vmsBody).entrySet()) {
            String text = vm.getValue();
            String open = text.substring(0, text.lastIndexOf("</vm>"));
            Map<String, String> subs = new LinkedHashMap<>();
            sub(dir, vm.getKey(), "diskattachments").ifPresent(b -> subs.put("disk_attachments",
                    inline(b, DISK_REF, disks)));
            sub(dir, vm.getKey(), "nics").ifPresent(b -> subs.put("nics", inline(b, PROFILE_REF, profiles)));
            sub(dir, vm.getKey(), "snapshots").ifPresent(b -> subs.put("snapshots", b));
            e.vm(open, subs);
        }
        return e;
    }

    static int vmCount(Path dir) {
        return file(dir, "vms.xml").map(p -> members(read(p)).size()).orElse(0);
    }

    private static Optional<String> sub(Path dir, String vmId, String name) {
        return file(dir, "vms__" + vmId + "__" + name + ".xml").map(RecordedEngines::read);
    }

    /** Replaces reference elements by the full members they point at, as {@code follow} does. */
    private static String inline(String body, Pattern ref, Map<String, String> byId) {
        Matcher m = ref.matcher(body);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String full = byId.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(full != null ? full : m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static final List<String> FOLLOWABLE = List.of("disk_attachments", "nics", "cdroms", "watchdogs",
            "snapshots", "host_devices", "mediated_devices");

    /**
     * An engine from a directory whose {@code vms.xml} already holds each VM's followed collections inline (our own
     * fixtures): they are split off again so the engine inlines them only when {@code follow} asks.
     */
    static FakeEngine inlined(Path dir) {
        FakeEngine e = new FakeEngine();
        for (String c : List.of("clusters", "hosts", "networks", "vnicprofiles", "storagedomains")) {
            e.collection(c, read(dir.resolve(c + ".xml")));
        }
        if (Files.exists(dir.resolve("hosts-devices.xml"))) {
            e.hostsWithDevices(read(dir.resolve("hosts-devices.xml")));
        }
        for (String vm : members(read(dir.resolve("vms.xml"))).values()) {
            String open = vm.substring(0, vm.lastIndexOf("</vm>"));
            Map<String, String> subs = new LinkedHashMap<>();
            for (String name : FOLLOWABLE) {
                Matcher m = Pattern.compile("(?s)\n        <" + name + "(/>|[ >].*?\n        </" + name + ">)")
                        .matcher(open);
                if (m.find()) {
                    subs.put(name, m.group().substring(1));
                    open = open.substring(0, m.start()) + open.substring(m.end());
                }
            }
            e.vm(open, subs);
        }
        return e;
    }

    /** Every recording directory. */
    static List<Path> directories(Path recorded) {
        try (Stream<Path> s = Files.list(recorded)) {
            return new ArrayList<>(s.filter(Files::isDirectory).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
