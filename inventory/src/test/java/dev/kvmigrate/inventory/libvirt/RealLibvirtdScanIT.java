package dev.kvmigrate.inventory.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Disk;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.testing.RealLibvirtd;
import dev.kvmigrate.testing.SharedDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;

/**
 * {@link LibvirtSource} against the real daemon ({@code qemu:///system}, and the same daemon over qemu+ssh as a
 * remote host): 50+ real corpus domains (rewritten by {@link RealDomains}) scanned both ways and compared with
 * {@link XmlDumpSource} over the same XML; disk sizes from {@code virDomainGetBlockInfo} for files outside any
 * pool, and from a dir pool for volume disks; a vGPU whose mdev does not exist.
 *
 * <p>Every object created is named {@code kvmit-scan-*} (the daemon is shared with other tests) and removed in
 * {@link #cleanUp()}, also after failures; leftovers of an aborted earlier run with that prefix are removed first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealLibvirtdScanIT {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final VmSelector OURS = VmSelector.of(List.of("kvmit-scan-*"));

    /** libvirt prints every error to stderr without a callback; the refused files are listed anyway. */
    private static final org.libvirt.jna.Libvirt.VirErrorCallback QUIET = (userData, error) -> { };

    private Connect conn;
    private final List<RealDomains.Rewritten> defined = new ArrayList<>();
    private final Map<Path, String> refused = new TreeMap<>();
    private final List<Path> tempDirs = new ArrayList<>();
    private Path xmlDir;
    private Path imageDir;
    private Path poolDir;

    @BeforeAll
    void defineEverything() throws Exception {
        String local = RealLibvirtd.require();
        Connect.setErrorCallback(QUIET);
        conn = new Connect(local, false);
        removeOurs();
        List<Path> files = RealDomains.corpus(List.of(SharedDir.require("fixtures/libvirt/domains"),
                SharedDir.require("fixtures/real-2/libvirt")));
        xmlDir = Files.createTempDirectory("kvmit-scan-xml");
        tempDirs.add(xmlDir);
        int index = 0;
        for (Path f : files) {
            Optional<RealDomains.Rewritten> r = RealDomains.rewrite(f, index + 1, RealLibvirtd.domainType());
            if (r.isEmpty()) {
                continue;
            }
            index++;
            try {
                conn.domainDefineXML(r.get().xml()).free();
                defined.add(r.get());
                Files.writeString(xmlDir.resolve(r.get().name() + ".xml"), r.get().xml());
            } catch (LibvirtException e) {
                refused.put(f, e.getMessage() == null ? "(no detail)" : e.getMessage().replaceAll("\\s+", " "));
            }
        }
        System.out.printf("real libvirtd: %d corpus domains rewritten, %d defined, %d refused%n", index,
                defined.size(), refused.size());
        refused.forEach((f, why) -> System.out.println("  refused " + SharedDir.require().relativize(f) + ": " + why));
        defineSizedDomains();
    }

    /** Files outside any pool for kvmit-scan-sizes; a dir pool with two volumes for kvmit-scan-pooldisks. */
    private void defineSizedDomains() throws Exception {
        String rnd = UUID.randomUUID().toString().substring(0, 8);
        imageDir = Files.createDirectories(Path.of("/var/lib/libvirt/images/kvmit-scan-" + rnd));
        tempDirs.add(imageDir);
        sh("qemu-img", "create", "-q", "-f", "qcow2", imageDir.resolve("disk.qcow2").toString(), "3G");
        sh("qemu-io", "-f", "qcow2", "-c", "write -P 0xab 0 1M", imageDir.resolve("disk.qcow2").toString());
        sh("truncate", "-s", "2G", imageDir.resolve("disk.raw").toString());
        sh("dd", "if=/dev/urandom", "of=" + imageDir.resolve("disk.raw"), "bs=1M", "count=1", "conv=notrunc",
                "status=none");
        conn.domainDefineXML(domainXml("kvmit-scan-sizes",
                fileDisk(imageDir.resolve("disk.qcow2"), "qcow2", "vda")
                        + fileDisk(imageDir.resolve("disk.raw"), "raw", "vdb"))).free();

        poolDir = Files.createDirectories(Path.of("/var/lib/libvirt/images/kvmit-scan-pool-" + rnd));
        tempDirs.add(poolDir);
        sh("qemu-img", "create", "-q", "-f", "qcow2", poolDir.resolve("vol.qcow2").toString(), "5G");
        sh("truncate", "-s", "1G", poolDir.resolve("vol.raw").toString());
        StoragePool pool = conn.storagePoolDefineXML("<pool type='dir'><name>kvmit-scan-pool</name><target><path>"
                + poolDir + "</path></target></pool>", 0);
        pool.create(0);
        pool.refresh(0);
        pool.free();
        conn.domainDefineXML(domainXml("kvmit-scan-pooldisks",
                volumeDisk("vol.qcow2", "qcow2", "vda") + volumeDisk("vol.raw", "raw", "vdb"))).free();
    }

    @AfterAll
    void cleanUp() throws Exception {
        try {
            if (conn != null) {
                removeOurs();
                conn.close();
            }
        } finally {
            for (Path dir : tempDirs) {
                deleteTree(dir);
            }
        }
    }

    @Test
    void corpusDomainsScanLikeTheirDumpsLocallyAndOverSsh() throws Exception {
        assertThat(defined).as("corpus domains the daemon accepted").hasSizeGreaterThanOrEqualTo(50);
        assertThat(defined).as("with host devices").anyMatch(RealDomains.Rewritten::hostdev);
        assertThat(defined).as("with qcow2 disks").anyMatch(RealDomains.Rewritten::qcow2);
        VmSelector corpus = VmSelector.of(List.of("kvmit-scan-[0-9]*"));

        long t0 = System.nanoTime();
        Inventory local = scan(RealLibvirtd.require(), corpus);
        long t1 = System.nanoTime();
        Inventory remote = scan(RealLibvirtd.requireRemote(), corpus);
        long t2 = System.nanoTime();
        System.out.printf("real libvirtd: scan of %d domains: qemu:///system %d ms, qemu+ssh %d ms%n",
                local.vms().size(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
        assertThat(local.vms()).extracting(Vm::name)
                .containsExactlyInAnyOrderElementsOf(defined.stream().map(RealDomains.Rewritten::name).toList());
        assertThat((t1 - t0) / 1_000_000).as("local scan ms").isLessThan(60_000);

        // Over ssh the daemon is the same: same VMs; sizes may differ only where a local file was probed.
        assertThat(remote.vms()).extracting(Vm::name).containsExactlyElementsOf(
                local.vms().stream().map(Vm::name).toList());
        for (Vm l : local.vms()) {
            assertThat(shape(remote.vm(l.name()).orElseThrow())).as(l.name()).isEqualTo(shape(l));
        }

        Inventory dumps;
        try (XmlDumpSource source = XmlDumpSource.open(xmlDir)) {
            dumps = source.scan(corpus);
        }
        List<String> differences = new ArrayList<>();
        int reordered = 0;
        Map<String, Integer> normalised = new TreeMap<>();
        for (Vm l : local.vms()) {
            Vm d = dumps.vm(l.name()).orElseThrow(() -> new AssertionError("no dump VM " + l.name()));
            if (!l.disks().stream().map(Disk::target).toList().equals(d.disks().stream().map(Disk::target).toList())) {
                reordered++;
                System.out.println("  daemon vs dump (normalised, not compared): " + l.name() + " disk order "
                        + l.disks().stream().map(Disk::target).toList() + " vs "
                        + d.disks().stream().map(Disk::target).toList());
            }
            for (String f : informational(l, d)) {
                if (normalised.merge(f, 1, Integer::sum) == 1) {
                    System.out.println("  daemon vs dump (normalised, not compared), first of " + f + ": " + l.name()
                            + "\n    daemon " + brief(FIELDS.get(f).apply(l)) + "\n    dump   "
                            + brief(FIELDS.get(f).apply(d)));
                }
            }
            Map<String, Object> a = shape(l);
            Map<String, Object> b = shape(d);
            a.forEach((k, v) -> {
                if (!v.equals(b.get(k))) {
                    differences.add(l.name() + " " + k + ": daemon " + v + ", dump " + b.get(k));
                }
            });
        }
        differences.forEach(s -> System.out.println("  daemon vs dump: " + s));
        System.out.printf("real libvirtd: %d of %d domains compared with their dumps; %d with disks re-ordered by"
                + " the daemon%n", local.vms().size(), dumps.vms().size(), reordered);
        System.out.println("real libvirtd: fields the daemon normalised (VMs differing, not compared): " + normalised);
        assertThat(differences).as("what the daemon's normalisation must not change").isEmpty();
    }

    @Test
    void filesOutsidePoolsAreSizedByBlockInfoLocallyAndOverSsh() {
        for (String uri : List.of(RealLibvirtd.require(), RealLibvirtd.requireRemote())) {
            Vm vm = scan(uri, VmSelector.of(List.of("kvmit-scan-sizes"))).vm("kvmit-scan-sizes").orElseThrow();
            Disk qcow2 = disk(vm, "vda");
            Disk raw = disk(vm, "vdb");
            System.out.printf("real libvirtd %s: blockInfo qcow2 capacity %s allocation %s; raw capacity %s"
                    + " allocation %s%n", uri.startsWith("qemu+ssh") ? "qemu+ssh" : uri, qcow2.virtualSize(),
                    qcow2.allocatedSize(), raw.virtualSize(), raw.allocatedSize());
            assertThat(qcow2.virtualSize()).as(uri).contains(3 * GIB);
            assertThat(raw.virtualSize()).as(uri).contains(2 * GIB);
            assertThat(qcow2.allocatedSize()).as(uri).hasValueSatisfying(a -> assertThat(a).isBetween(1L, 8 * MIB));
            assertThat(raw.allocatedSize()).as(uri).hasValueSatisfying(a -> assertThat(a).isBetween(1L, 8 * MIB));
            assertThat(codes(vm)).as(uri).doesNotContain("DISK_SIZE_UNKNOWN");
        }
    }

    @Test
    void volumeDisksAreSizedByTheirPool() {
        for (String uri : List.of(RealLibvirtd.require(), RealLibvirtd.requireRemote())) {
            Vm vm = scan(uri, VmSelector.of(List.of("kvmit-scan-pooldisks"))).vm("kvmit-scan-pooldisks")
                    .orElseThrow();
            assertThat(disk(vm, "vda").virtualSize()).as(uri).contains(5 * GIB);
            assertThat(disk(vm, "vdb").virtualSize()).as(uri).contains(GIB);
            assertThat(disk(vm, "vdb").allocatedSize()).as(uri).hasValueSatisfying(a -> assertThat(a)
                    .isLessThan(MIB));
            assertThat(codes(vm)).as(uri).doesNotContain("DISK_SIZE_UNKNOWN");
        }
    }

    @Test
    void vgpuWhoseMdevIsMissingKeepsTheVmWithAWarning() {
        List<String> mdevDomains = defined.stream().filter(RealDomains.Rewritten::mdev)
                .map(RealDomains.Rewritten::name).toList();
        assertThat(mdevDomains).as("corpus domains with an mdev hostdev that the daemon accepted").isNotEmpty();
        Inventory inv = scan(RealLibvirtd.require(), VmSelector.of(mdevDomains));
        assertThat(inv.vms()).extracting(Vm::name).containsExactlyInAnyOrderElementsOf(mdevDomains);
        assertThat(inv.vms()).as("a vGPU with no mdev on this host").anySatisfy(vm -> {
            assertThat(codes(vm)).contains("GPU_MDEV_MISSING");
            assertThat(vm.gpus()).isNotEmpty();
        });
    }

    /** What must be the same whoever read the domain: the daemon (local or remote) or its dump. */
    private static Map<String, Object> shape(Vm vm) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", vm.name());
        s.put("disks", vm.disks().size());
        // Sorted: libvirt stores <disk> elements ordered by bus and target on define (virDomainDiskInsert), so
        // the daemon's order can differ from the file's; the set of disks may not.
        s.put("diskTargets", vm.disks().stream().map(d -> d.target() + ":" + d.bus() + ":" + d.device()).sorted()
                .collect(Collectors.toList()));
        s.put("nics", vm.nics().size());
        s.put("gpus", vm.gpus().size());
        s.put("hostDevices", vm.hostDevices().size());
        s.put("bootMode", vm.firmware().bootMode());
        return s;
    }

    /**
     * Fields where the daemon's view may legitimately differ from the file's: libvirt fills in defaults on define
     * (controllers, PCI addresses, {@code <features>}, clock, video, graphics listen, interface models, CPU mode).
     */
    private static final Map<String, java.util.function.Function<Vm, Object>> FIELDS = fields();

    private static Map<String, java.util.function.Function<Vm, Object>> fields() {
        Map<String, java.util.function.Function<Vm, Object>> fields = new LinkedHashMap<>();
        fields.put("cpu", Vm::cpu);
        fields.put("memory", Vm::memory);
        fields.put("firmware", Vm::firmware);
        fields.put("os", Vm::os);
        fields.put("features", Vm::features);
        fields.put("clock", Vm::clock);
        fields.put("disks(full)", v -> v.disks().stream().map(d -> d.withSizes(Optional.empty(), Optional.empty()))
                .sorted(Comparator.comparing(Disk::target)).toList());
        fields.put("nics(full)", Vm::nics);
        fields.put("gpus(full)", Vm::gpus);
        fields.put("hostDevices(full)", Vm::hostDevices);
        fields.put("tpm", Vm::tpm);
        fields.put("watchdog", Vm::watchdog);
        fields.put("graphics", Vm::graphics);
        fields.put("video", Vm::video);
        fields.put("concerns", v -> v.concerns().stream().map(Concern::code).sorted().toList());
        return fields;
    }

    private static String brief(Object o) {
        String s = String.valueOf(o);
        return s.length() > 400 ? s.substring(0, 400) + "…" : s;
    }

    private static List<String> informational(Vm daemon, Vm dump) {
        List<String> out = new ArrayList<>();
        FIELDS.forEach((k, f) -> {
            if (!java.util.Objects.equals(f.apply(daemon), f.apply(dump))) {
                out.add(k);
            }
        });
        return out;
    }

    private static Inventory scan(String uri, VmSelector selector) {
        try (LibvirtSource source = LibvirtSource.open(uri)) {
            Inventory inv = source.scan(selector);
            assertThat(source.problems()).as(uri).isEmpty();
            return inv;
        }
    }

    private static Disk disk(Vm vm, String target) {
        return vm.disks().stream().filter(d -> d.target().equals(target)).findFirst().orElseThrow();
    }

    private static List<String> codes(Vm vm) {
        return vm.concerns().stream().map(Concern::code).toList();
    }

    private static String domainXml(String name, String disks) {
        return "<domain type='" + RealLibvirtd.domainType() + "'><name>" + name + "</name><memory unit='MiB'>256"
                + "</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os><devices>"
                + disks + "</devices></domain>";
    }

    private static String fileDisk(Path file, String format, String target) {
        return "<disk type='file' device='disk'><driver name='qemu' type='" + format + "'/><source file='" + file
                + "'/><target dev='" + target + "' bus='virtio'/></disk>";
    }

    private static String volumeDisk(String volume, String format, String target) {
        return "<disk type='volume' device='disk'><driver name='qemu' type='" + format + "'/><source"
                + " pool='kvmit-scan-pool' volume='" + volume + "'/><target dev='" + target + "' bus='virtio'/></disk>";
    }

    /** Undefines every domain and destroys+undefines every pool named kvmit-scan-* (ours only). */
    private void removeOurs() throws LibvirtException {
        for (Domain d : conn.listAllDomains(0)) {
            try {
                if (d.getName().startsWith(RealDomains.PREFIX)) {
                    if (d.isActive() == 1) {
                        d.destroy();
                    }
                    try {
                        // managed save, snapshot and checkpoint metadata, NVRAM
                        d.undefine(1 | 2 | 4 | 16);
                    } catch (LibvirtException e) {
                        d.undefine();
                    }
                }
            } finally {
                d.free();
            }
        }
        List<String> pools = new ArrayList<>(List.of(conn.listStoragePools()));
        pools.addAll(List.of(conn.listDefinedStoragePools()));
        for (String name : pools) {
            if (name.startsWith(RealDomains.PREFIX)) {
                StoragePool p = conn.storagePoolLookupByName(name);
                try {
                    if (p.isActive() == 1) {
                        p.destroy();
                    }
                    p.undefine();
                } finally {
                    p.free();
                }
            }
        }
    }

    private static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
