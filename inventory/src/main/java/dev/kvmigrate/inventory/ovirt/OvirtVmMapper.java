package dev.kvmigrate.inventory.ovirt;

import static dev.kvmigrate.inventory.ovirt.EngineXml.bool;
import static dev.kvmigrate.inventory.ovirt.EngineXml.integer;
import static dev.kvmigrate.inventory.ovirt.EngineXml.lng;
import static dev.kvmigrate.inventory.ovirt.EngineXml.ref;

import dev.kvmigrate.inventory.concern.ConcernCode;
import dev.kvmigrate.inventory.model.BootMode;
import dev.kvmigrate.inventory.model.Clock;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Cpu;
import dev.kvmigrate.inventory.model.CpuTopology;
import dev.kvmigrate.inventory.model.Features;
import dev.kvmigrate.inventory.model.Firmware;
import dev.kvmigrate.inventory.model.Memory;
import dev.kvmigrate.inventory.model.Placement;
import dev.kvmigrate.inventory.model.PowerState;
import dev.kvmigrate.inventory.model.Tpm;
import dev.kvmigrate.inventory.model.VcpuPin;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.inventory.model.Watchdog;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Maps one engine {@code <vm>} (with its followed collections) to the model. Pure: no I/O. */
final class OvirtVmMapper {
    private static final Set<String> UTC_ZONES = Set.of("Etc/GMT", "Etc/UTC", "UTC", "GMT", "GMT Standard Time",
            "Greenwich Standard Time", "UTC+00:00");

    private OvirtVmMapper() {}

    static Vm map(XmlNode vm, EngineCatalog catalog, String apiUrl) {
        String id = vm.attr("id").orElseThrow(() -> dev.kvmigrate.common.KvMigrateException.invalidInput("oVirt engine"
                + " " + apiUrl + " answered a <vm> without an id attribute (" + vm.text("name").orElse("no name")
                + "); the answer is not an engine's: check the URL, or a proxy in between"));
        String name = vm.text("name").orElse(id);
        List<Concern> partial = new ArrayList<>();
        Optional<XmlNode> cluster = catalog.cluster(ref(vm, "cluster"));
        Map<String, String> props = EngineXml.properties(vm, "custom_properties", "custom_property");
        OvirtDevices.Result devices = OvirtDevices.map(vm, catalog, firmware(vm, cluster));
        partial.addAll(devices.concerns());
        OvirtGpus.Result gpus = OvirtGpus.map(vm, props, catalog);
        partial.addAll(gpus.concerns());
        String base = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
        return new Vm(id, name, base + "/vms/" + id, Optional.empty(),
                vm.text("description").or(() -> vm.text("comment")), powerState(vm.text("status").orElse("")),
                cpu(vm), memory(vm, props), firmware(vm, cluster), vm.text("os/type"), features(vm),
                clock(vm), devices.disks(), devices.nics(), gpus.gpus(), gpus.hostDevices(), tpm(vm),
                watchdog(vm), vm.text("display/type").map(t -> List.of(t.toLowerCase(Locale.ROOT))).orElse(List.of()),
                List.of(), placement(vm, catalog), props, snapshotCount(vm), partial);
    }

    static PowerState powerState(String status) {
        return switch (status.toLowerCase(Locale.ROOT)) {
            case "up", "powering_up", "reboot_in_progress", "migrating", "powering_down", "wait_for_launch" ->
                    PowerState.RUNNING;
            case "paused" -> PowerState.PAUSED;
            case "suspended", "saving_state", "restoring_state" -> PowerState.SUSPENDED;
            case "down", "image_locked" -> PowerState.SHUTOFF;
            default -> PowerState.UNKNOWN;
        };
    }

    static Cpu cpu(XmlNode vm) {
        int sockets = integer(vm, "cpu/topology/sockets").filter(v -> v > 0).orElse(1);
        int cores = integer(vm, "cpu/topology/cores").filter(v -> v > 0).orElse(1);
        int threads = integer(vm, "cpu/topology/threads").filter(v -> v > 0).orElse(1);
        CpuTopology topo = new CpuTopology(sockets, cores, threads);
        List<VcpuPin> pins = new ArrayList<>();
        for (XmlNode pin : vm.all("cpu/cpu_tune/vcpu_pins/vcpu_pin")) {
            Optional<Integer> vcpu = integer(pin, "vcpu");
            Optional<String> set = pin.text("cpu_set");
            if (vcpu.isPresent() && set.isPresent()) {
                pins.add(new VcpuPin(vcpu.get(), set.get()));
            }
        }
        return new Cpu(topo.vcpus(), topo.vcpus(), topo, vm.text("cpu/mode"),
                vm.text("custom_cpu_model"), pins, integer(vm, "cpu_shares").filter(s -> s > 0));
    }

    static Memory memory(XmlNode vm, Map<String, String> props) {
        long bytes = lng(vm, "memory").filter(v -> v > 0).orElse(1L << 30);
        int numaNodes = vm.child("numa_nodes").map(n -> n.children().size()).orElse(0);
        // The engine reports numa_tune_mode on every VM (default interleave); it only binds anything with vNUMA nodes.
        Optional<String> numaMode = numaNodes > 0 ? vm.text("numa_tune_mode") : Optional.empty();
        Optional<Long> hugepages = Optional.ofNullable(props.get("hugepages"))
                .flatMap(EngineXml::parseLong).filter(v -> v > 0).map(kib -> kib * 1024);
        return new Memory(bytes, Optional.empty(), lng(vm, "memory_policy/max").filter(v -> v > 0),
                lng(vm, "memory_policy/guaranteed").filter(v -> v > 0), hugepages, numaMode, Optional.empty(),
                numaNodes);
    }

    /** BIOS type with {@code cluster_default} (or none) resolved through the cluster. */
    static String biosType(XmlNode vm, Optional<XmlNode> cluster) {
        Optional<String> own = vm.text("bios/type").filter(t -> !t.equals("cluster_default"));
        return own.or(() -> cluster.flatMap(c -> c.text("bios_type")))
                .filter(t -> !t.equals("cluster_default"))
                .orElse("i440fx_sea_bios");
    }

    static Firmware firmware(XmlNode vm, Optional<XmlNode> cluster) {
        String bios = biosType(vm, cluster);
        boolean uefi = bios.endsWith("ovmf") || bios.endsWith("secure_boot");
        String chipset = bios.startsWith("q35") ? "q35" : "i440fx";
        Optional<String> machine = vm.text("custom_emulated_machine")
                .or(() -> cluster.flatMap(c -> c.text("emulated_machine")))
                .or(() -> Optional.of(chipset));
        String arch = vm.text("cpu/architecture").orElse("x86_64").toLowerCase(Locale.ROOT);
        return new Firmware(uefi ? BootMode.UEFI : BootMode.BIOS, bios.equals("q35_secure_boot"), Optional.empty(),
                Optional.empty(), machine, arch);
    }

    static Features features(XmlNode vm) {
        boolean secure = vm.text("bios/type").filter("q35_secure_boot"::equals).isPresent();
        return new Features(true, true, secure, Map.of());
    }

    static Clock clock(XmlNode vm) {
        Optional<String> tz = vm.text("time_zone/name");
        if (tz.isEmpty() || UTC_ZONES.contains(tz.get())) {
            return new Clock("utc", tz, List.of());
        }
        return new Clock("timezone", tz, List.of());
    }

    static Optional<Tpm> tpm(XmlNode vm) {
        return bool(vm, "tpm_enabled") ? Optional.of(new Tpm("tpm-crb", "emulator", Optional.of("2.0")))
                : Optional.empty();
    }

    static Optional<Watchdog> watchdog(XmlNode vm) {
        return EngineXml.followed(vm, "watchdogs", "watchdog").orElse(List.of()).stream().findFirst()
                .map(w -> new Watchdog(w.text("model").orElse("i6300esb"), w.text("action").orElse("reset")));
    }

    static Placement placement(XmlNode vm, EngineCatalog catalog) {
        Optional<String> cluster = catalog.name(catalog.clusters(), ref(vm, "cluster")).or(() -> ref(vm, "cluster"));
        Optional<String> hostId = runningOrPinnedHost(vm);
        Optional<String> host = hostId.flatMap(h -> catalog.name(catalog.hosts(), Optional.of(h)).or(() -> hostId));
        return new Placement(cluster, host, bool(vm, "high_availability/enabled"));
    }

    /** The host the VM runs on, else the first host it is pinned to. */
    static Optional<String> runningOrPinnedHost(XmlNode vm) {
        return ref(vm, "host").or(() -> vm.all("placement_policy/hosts/host").stream()
                .map(h -> h.attr("id")).flatMap(Optional::stream).findFirst());
    }

    static int snapshotCount(XmlNode vm) {
        return (int) EngineXml.followed(vm, "snapshots", "snapshot").orElse(List.of()).stream()
                .filter(s -> !s.text("snapshot_type").filter("active"::equals).isPresent())
                .count();
    }

    /** A concern for a followed collection the answer did not inline. */
    static Optional<Concern> missing(XmlNode vm, String container, String field) {
        return vm.child(container).isPresent() ? Optional.empty()
                : Optional.of(ConcernCode.SOURCE_PARSE_PARTIAL.at(field, "the engine's answer did not include "
                        + container + " for VM " + vm.text("name").orElse("?") + "; " + field + " is left empty"));
    }
}
