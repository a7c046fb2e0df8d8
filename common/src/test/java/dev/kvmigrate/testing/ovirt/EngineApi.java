package dev.kvmigrate.testing.ovirt;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The engine side of the stand-in: SSO, the published CA, and the REST API v4 as far as a scan, a shutdown and a
 * disk download use it — VMs (paged with {@code search=… page N} and {@code max}, sub-collections inlined on
 * {@code follow}), the catalog collections and disks; image transfers are {@link ImageTransfers}.
 */
final class EngineApi {
    private static final List<String> FOLLOWABLE = List.of("disk_attachments", "nics", "host_devices",
            "mediated_devices", "watchdogs", "cdroms", "snapshots");
    static final String CLUSTER = "c-standin";
    static final String HOST = "h-standin";
    static final String NETWORK = "n-ovirtmgmt";
    static final String PROFILE = "p-ovirtmgmt";
    static final String DOMAIN = "sd-data";

    /** One VM; its status changes with shutdown and stop actions. */
    static final class VmState {
        final String id;
        final String name;
        final List<StandInDisk> disks;
        String status = "down";

        VmState(String id, String name, List<StandInDisk> disks) {
            this.id = id;
            this.name = name;
            this.disks = List.copyOf(disks);
        }
    }

    private final Map<String, VmState> vms = new LinkedHashMap<>();
    /** The image transfers; reached only under this object's lock, like everything the API answers. */
    final ImageTransfers imageTransfers = new ImageTransfers(() -> this.base, this::ownerOf);
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tokenCounter = new AtomicInteger();
    private final AtomicInteger usesOfCurrent = new AtomicInteger();
    private final Optional<String> caPem;
    private volatile URI base;
    volatile int tokenUses = Integer.MAX_VALUE;

    EngineApi(Optional<String> caPem) {
        this.caPem = caPem;
    }

    void base(URI base) {
        this.base = base;
    }

    synchronized void add(VmState vm) {
        if (vms.values().stream().anyMatch(v -> v.name.equals(vm.name))) {
            throw new IllegalArgumentException("the stand-in already has a VM named " + vm.name);
        }
        vms.put(vm.id, vm);
    }

    synchronized VmState vmNamed(String name) {
        return vms.values().stream().filter(v -> v.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the stand-in has no VM named " + name));
    }

    synchronized Optional<StandInDisk> disk(String id) {
        return vms.values().stream().flatMap(v -> v.disks.stream()).filter(d -> d.id.equals(id)).findFirst();
    }

    synchronized List<OvirtStandIn.Transfer> transfers() {
        return imageTransfers.list();
    }

    /** The disk an imageio ticket gives access to, while its transfer is transferring. */
    synchronized Optional<StandInDisk> ticket(String ticket) {
        return imageTransfers.ticket(ticket);
    }

    /** The VM a disk belongs to. */
    private Optional<VmState> ownerOf(String diskId) {
        return vms.values().stream().filter(v -> v.disks.stream().anyMatch(d -> d.id.equals(diskId))).findFirst();
    }

    int logins() {
        return tokenCounter.get();
    }

    void handle(HttpExchange x, String path) throws IOException {
        if (path.equals("/ovirt-engine/sso/oauth/token") && x.getRequestMethod().equals("POST")) {
            token(x);
        } else if (path.equals("/ovirt-engine/services/pki-resource")) {
            if (caPem.isPresent()) {
                Http.send(x, 200, "application/x-x509-ca-cert", caPem.get());
            } else {
                Http.send(x, 404, "text/plain", "no CA: the stand-in serves plain HTTP");
            }
        } else if (path.equals("/ovirt-engine/api") || path.startsWith(OvirtStandIn.API_PATH)) {
            if (authorized(x)) {
                String rel = path.length() <= OvirtStandIn.API_PATH.length() ? ""
                        : path.substring(OvirtStandIn.API_PATH.length()).replaceAll("/+$", "");
                api(x, rel);
            }
        } else {
            Http.send(x, 404, "text/html", "<html><body>Not Found</body></html>");
        }
    }

    private void token(HttpExchange x) throws IOException {
        Map<String, String> form = Http.params(Http.body(x));
        if (!"password".equals(form.get("grant_type"))
                || !String.valueOf(form.get("scope")).contains("ovirt-app-api")
                || !OvirtStandIn.USER.equals(form.get("username"))
                || !OvirtStandIn.PASSWORD.equals(form.get("password"))) {
            Http.json(x, 400, "{\"error_code\":\"access_denied\",\"error\":\"Cannot authenticate user '"
                    + form.getOrDefault("username", "") + "': The username or password is incorrect.\"}");
            return;
        }
        String t = "standin-token-" + tokenCounter.incrementAndGet();
        tokens.add(t);
        usesOfCurrent.set(0);
        Http.json(x, 200, "{\"access_token\":\"" + t + "\",\"scope\":\"ovirt-app-api\",\"exp\":\"9999999999999\","
                + "\"token_type\":\"bearer\"}");
    }

    private boolean authorized(HttpExchange x) throws IOException {
        String auth = String.valueOf(x.getRequestHeaders().getFirst("Authorization"));
        String tok = auth.startsWith("Bearer ") ? auth.substring(7) : "";
        if (tokens.contains(tok) && usesOfCurrent.incrementAndGet() > tokenUses) {
            tokens.remove(tok);
        }
        if (!tokens.contains(tok)) {
            Http.send(x, 401, "text/html", "<html><head><title>Error</title></head><body>Unauthorized</body></html>");
            return false;
        }
        return true;
    }

    private void api(HttpExchange x, String rel) throws IOException {
        String method = x.getRequestMethod();
        boolean json = String.valueOf(x.getRequestHeaders().getFirst("Accept")).contains("json");
        Map<String, String> query = Http.params(x.getRequestURI().getRawQuery());
        String[] p = rel.isEmpty() ? new String[0] : rel.split("/");
        Answer a;
        synchronized (this) {
            a = route(method, p, query, method.equals("POST") ? Http.body(x) : "",
                    String.valueOf(x.getRequestHeaders().getFirst("Content-Type")));
        }
        if (a.location() != null) {
            x.getResponseHeaders().set("Location", a.location());
        }
        if (json) {
            Http.json(x, a.status(), a.body().json());
        } else {
            Http.send(x, a.status(), "application/xml", a.body().xml());
        }
    }

    private Answer route(String method, String[] p, Map<String, String> q, String body, String contentType) {
        boolean get = method.equals("GET");
        if (p.length == 0 && get) {
            return Answer.ok(Element.of("api").add(Element.of("product_info").leaf("name", "oVirt Engine (stand-in)")
                    .add(Element.of("version").leaf("major", 4).leaf("minor", 5).leaf("build", 7)
                            .leaf("revision", 0).leaf("full_version", "4.5.7"))));
        }
        List<String> follow = q.containsKey("follow") ? List.of(q.get("follow").split(",")) : List.of();
        switch (p[0]) {
            case "vms":
                if (p.length == 1 && get) {
                    return vms(q, follow);
                }
                VmState vm = vms.get(p[1]);
                if (vm == null) {
                    return Answer.notFound("VM " + p[1]);
                }
                if (p.length == 2 && get) {
                    return Answer.ok(vm(vm, follow));
                }
                if (p.length == 3 && get && p[2].equals("diskattachments")) {
                    return Answer.ok(Element.of("disk_attachments").children(attachments(vm,
                            List.of("disk_attachments.disk"))));
                }
                if (p.length == 3 && method.equals("POST")) {
                    return action(vm, p[2]);
                }
                break;
            case "disks":
                if (p.length == 1 && get) {
                    return Answer.ok(Element.of("disks").children(vms.values().stream()
                            .flatMap(v -> v.disks.stream()).map(this::disk).toList()));
                }
                if (p.length == 2 && get) {
                    return vms.values().stream().flatMap(v -> v.disks.stream()).filter(d -> d.id.equals(p[1]))
                            .findFirst().map(d -> Answer.ok(disk(d))).orElseGet(() -> Answer.notFound("disk " + p[1]));
                }
                break;
            case "clusters":
                return get && p.length == 1 ? Answer.ok(Element.of("clusters").add(Element.entity("cluster",
                        "clusters/" + CLUSTER, CLUSTER).leaf("name", "Default").leaf("bios_type", "q35_sea_bios")
                        .add(Element.of("cpu").leaf("architecture", "x86_64").leaf("type", "Secure Intel Cascadelake"
                                + " Server Family"))
                        .add(Element.of("version").leaf("major", 4).leaf("minor", 7)))) : Answer.notFound(p[0]);
            case "hosts":
                Element host = Element.entity("host", "hosts/" + HOST, HOST).leaf("name", "standin-host-1")
                        .leaf("address", "127.0.0.1").leaf("status", "up")
                        .add(Element.entity("cluster", "clusters/" + CLUSTER, CLUSTER));
                if (follow.contains("devices")) {
                    host.add("devices", List.of());
                }
                return get && p.length == 1 ? Answer.ok(Element.of("hosts").add(host)) : Answer.notFound(p[0]);
            case "networks":
                return get && p.length == 1 ? Answer.ok(Element.of("networks").add(Element.entity("network",
                        "networks/" + NETWORK, NETWORK).leaf("name", "ovirtmgmt"))) : Answer.notFound(p[0]);
            case "vnicprofiles":
                return get && p.length == 1 ? Answer.ok(Element.of("vnic_profiles").add(profile())) : Answer.notFound(p[0]);
            case "storagedomains":
                return get && p.length == 1 ? Answer.ok(Element.of("storage_domains").add(Element.entity(
                        "storage_domain", "storagedomains/" + DOMAIN, DOMAIN).leaf("name", "data")
                        .leaf("type", "data"))) : Answer.notFound(p[0]);
            case "imagetransfers":
                return imageTransfers.answer(method, p, body, contentType);
            default:
                break;
        }
        return Answer.notFound(String.join("/", p));
    }

    // ---- VMs

    private Answer vms(Map<String, String> q, List<String> follow) {
        List<VmState> picked = new ArrayList<>(vms.values());
        int page = 1;
        boolean descending = false;
        List<String> terms = terms(q.getOrDefault("search", ""));
        for (int i = 0; i < terms.size(); i++) {
            String t = terms.get(i);
            String lower = t.toLowerCase(Locale.ROOT);
            if (lower.equals("and")) {
                continue;
            }
            if (lower.equals("page") && i + 1 < terms.size() && terms.get(i + 1).matches("\\d+")) {
                page = Integer.parseInt(terms.get(++i));
            } else if (lower.equals("sortby") && i + 1 < terms.size() && terms.get(i + 1).equalsIgnoreCase("name")) {
                i++;
                if (i + 1 < terms.size() && terms.get(i + 1).matches("(?i)asc|desc")) {
                    descending = terms.get(++i).equalsIgnoreCase("desc");
                }
            } else if (t.contains("=")) {
                String key = t.substring(0, t.indexOf('=')).toLowerCase(Locale.ROOT);
                Pattern value = glob(t.substring(t.indexOf('=') + 1).replaceAll("^\"|\"$", ""));
                switch (key) {
                    case "name" -> picked.removeIf(v -> !value.matcher(v.name).matches());
                    case "status" -> picked.removeIf(v -> !value.matcher(v.status).matches());
                    case "cluster" -> picked.removeIf(v -> !value.matcher("Default").matches());
                    default -> {
                        return Answer.fault(400, "Operation Failed", "the stand-in engine does not search by " + key);
                    }
                }
            } else {
                return Answer.fault(400, "Operation Failed", "the stand-in engine does not understand the search term "
                        + t);
            }
        }
        picked.sort(Comparator.comparing((VmState v) -> v.name));
        if (descending) {
            java.util.Collections.reverse(picked);
        }
        int max = q.containsKey("max") ? Integer.parseInt(q.get("max")) : Integer.MAX_VALUE;
        long from = (long) (page - 1) * max;
        List<Element> out = new ArrayList<>();
        for (long i = from; i < Math.min(picked.size(), from + max); i++) {
            out.add(vm(picked.get((int) i), follow));
        }
        return Answer.ok(Element.of("vms").children(out));
    }

    /** Search terms: whitespace-separated, a double-quoted value kept whole. */
    private static List<String> terms(String search) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?:[^\\s\"]|\"[^\"]*\")+").matcher(search);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** An engine search value: {@code *} matches anything, case does not matter. */
    private static Pattern glob(String value) {
        return Pattern.compile(Arrays.stream(value.split("\\*", -1)).map(Pattern::quote)
                .collect(Collectors.joining(".*")), Pattern.CASE_INSENSITIVE);
    }

    private Element vm(VmState vm, List<String> follow) {
        Element e = Element.entity("vm", "vms/" + vm.id, vm.id).leaf("name", vm.name)
                .add(Element.of("bios").leaf("type", "cluster_default"))
                .add(Element.of("cpu").leaf("architecture", "x86_64")
                        .add(Element.of("topology").leaf("cores", 2).leaf("sockets", 1).leaf("threads", 1)))
                .add(Element.of("display").leaf("type", "vnc"))
                .leaf("memory", 4L << 30)
                .add(Element.of("memory_policy").leaf("guaranteed", 4L << 30).leaf("max", 8L << 30))
                .add(Element.of("os").leaf("type", "rhel_9x64"))
                .add(Element.of("usb").leaf("enabled", false))
                .add(Element.entity("cluster", "clusters/" + CLUSTER, CLUSTER))
                .leaf("status", vm.status);
        if (!vm.status.equals("down")) {
            e.add(Element.entity("host", "hosts/" + HOST, HOST));
        }
        if (vm.status.equals("powering_down")) {
            vm.status = "down"; // a guest that obeys ACPI at once: down from the next read on
        }
        for (String sub : FOLLOWABLE) {
            if (follow.stream().noneMatch(f -> f.equals(sub) || f.startsWith(sub + "."))) {
                e.add(Element.of("link").attr("href", OvirtStandIn.API_PATH + "vms/" + vm.id + "/"
                        + sub.replace("_", "")).attr("rel", sub.replace("_", "")));
                continue;
            }
            switch (sub) {
                case "disk_attachments" -> e.add("disk_attachments", attachments(vm, follow));
                case "nics" -> e.add("nics", List.of(nic(vm, follow.contains("nics.vnic_profile"))));
                case "snapshots" -> e.add("snapshots", List.of(Element.entity("snapshot", "vms/" + vm.id
                        + "/snapshots/active-" + vm.id, "active-" + vm.id).leaf("description", "Active VM")
                        .leaf("snapshot_type", "active").leaf("persist_memorystate", false)));
                default -> e.add(sub, List.of());
            }
        }
        return e;
    }

    private List<Element> attachments(VmState vm, List<String> follow) {
        boolean inline = follow.contains("disk_attachments.disk");
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < vm.disks.size(); i++) {
            StandInDisk d = vm.disks.get(i);
            out.add(Element.entity("disk_attachment", "vms/" + vm.id + "/diskattachments/" + d.id, d.id)
                    .leaf("active", true).leaf("bootable", i == 0).leaf("interface", "virtio_scsi")
                    .leaf("pass_discard", false).leaf("read_only", false).leaf("uses_scsi_reservation", false)
                    .add(inline ? disk(d) : Element.entity("disk", "disks/" + d.id, d.id))
                    .add(Element.entity("vm", "vms/" + vm.id, vm.id)));
        }
        return out;
    }

    private Element disk(StandInDisk d) {
        boolean locked = imageTransfers.locks(d);
        return Element.entity("disk", "disks/" + d.id, d.id).leaf("actual_size", d.actualSize)
                .leaf("alias", d.alias).leaf("content_type", "data").leaf("format", d.format)
                .leaf("propagate_errors", false).leaf("provisioned_size", d.virtualSize).leaf("shareable", false)
                .leaf("sparse", true).leaf("status", locked ? "locked" : "ok").leaf("storage_type", "image")
                .leaf("total_size", d.actualSize).leaf("wipe_after_delete", false)
                .add("storage_domains", List.of(Element.entity("storage_domain", "storagedomains/" + DOMAIN,
                        DOMAIN)));
    }

    private Element nic(VmState vm, boolean inlineProfile) {
        int n = Math.abs(vm.id.hashCode());
        return Element.entity("nic", "vms/" + vm.id + "/nics/nic1-" + vm.id, "nic1-" + vm.id).leaf("name", "nic1")
                .leaf("interface", "virtio").leaf("linked", true)
                .add(Element.of("mac").leaf("address", String.format("56:6f:%02x:%02x:%02x:01", (n >> 16) & 0xff,
                        (n >> 8) & 0xff, n & 0xff)))
                .leaf("plugged", true)
                .add(inlineProfile ? profile() : Element.entity("vnic_profile", "vnicprofiles/" + PROFILE, PROFILE));
    }

    private static Element profile() {
        return Element.entity("vnic_profile", "vnicprofiles/" + PROFILE, PROFILE).leaf("name", "ovirtmgmt")
                .add(Element.of("pass_through").leaf("mode", "disabled")).leaf("port_mirroring", false)
                .add(Element.entity("network", "networks/" + NETWORK, NETWORK));
    }

    /** shutdown: powering_down, then down on the next read; stop: down at once; start: up. */
    private Answer action(VmState vm, String name) {
        switch (name) {
            case "shutdown" -> vm.status = vm.status.equals("up") ? "powering_down" : vm.status;
            case "stop" -> vm.status = "down";
            case "start" -> vm.status = "up";
            default -> {
                return Answer.notFound("action " + name);
            }
        }
        return Answer.ok(Element.of("action").leaf("status", "complete"));
    }

}
