package dev.kvmigrate.inventory.libvirt;

import static dev.kvmigrate.inventory.libvirt.GpuHostExpectations.GIB;
import static dev.kvmigrate.inventory.libvirt.GpuHostExpectations.codes;
import static dev.kvmigrate.inventory.libvirt.GpuHostExpectations.vm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.DiskSourceType;
import dev.kvmigrate.inventory.model.GpuKind;
import dev.kvmigrate.inventory.model.HostDeviceKind;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.PowerState;
import dev.kvmigrate.inventory.model.SourceKind;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.testing.SharedDir;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Through libvirt-java on libvirt's test driver: a real libvirt, no daemon. */
class LibvirtSourceIT {

    static String gpuHostUri() {
        return "test://" + SharedDir.require("fixtures/libvirt/gpu-host.xml");
    }

    static String edgeHostUri() throws URISyntaxException {
        return "test://" + Path.of(LibvirtSourceIT.class.getResource("edge-host.xml").toURI());
    }

    private static Inventory scan(String uri, VmSelector selector) {
        try (LibvirtSource source = LibvirtSource.open(uri)) {
            Inventory inv = source.scan(selector);
            assertThat(source.problems()).isEmpty();
            return inv;
        }
    }

    @Test
    void gpuHostResolvesVgpusAndPassthroughGpus() {
        Inventory inv = scan(gpuHostUri(), VmSelector.ALL);
        assertThat(inv.source().kind()).isEqualTo(SourceKind.LIBVIRT);
        GpuHostExpectations.assertGpuHost(inv);
    }

    @Test
    void diskSizesComeFromPoolVolumes() {
        Inventory inv = scan(gpuHostUri(), VmSelector.ALL);
        Vm cad = vm(inv, "cad-ws-01");
        assertThat(cad.disks().get(0).virtualSize()).contains(120 * GIB);
        assertThat(cad.disks().get(0).allocatedSize()).contains(41 * GIB);
        assertThat(vm(inv, "train-03").disks().get(0).virtualSize()).contains(500 * GIB);
        // The ISO and the LVM volume are not pool volumes and the URI's files are not here.
        assertThat(cad.disks().get(1).virtualSize()).isEmpty();
        Vm render = vm(inv, "render-02");
        assertThat(render.disks().get(1).source().type()).isEqualTo(DiskSourceType.BLOCK);
        assertThat(render.disks().get(1).virtualSize()).isEmpty();
        assertThat(render.concerns()).filteredOn(c -> c.code().equals("DISK_SIZE_UNKNOWN"))
                .singleElement().satisfies(c -> assertThat(c.field()).contains("disks[1].virtualSize"));
    }

    @Test
    void powerStatesComeFromLibvirt() {
        Inventory inv = scan(gpuHostUri(), VmSelector.ALL);
        assertThat(vm(inv, "cad-ws-01").powerState()).isEqualTo(PowerState.RUNNING);
        assertThat(codes(vm(inv, "cad-ws-01"))).contains("VM_RUNNING");
        assertThat(vm(inv, "render-02").powerState()).isEqualTo(PowerState.SHUTOFF);
        assertThat(codes(vm(inv, "render-02"))).doesNotContain("VM_RUNNING");
    }

    @Test
    void selectorPicksByGlob() {
        Inventory inv = scan(gpuHostUri(), VmSelector.of(List.of("*-0[12]", "train-03")));
        assertThat(inv.vms()).extracting(Vm::name).containsExactly("cad-ws-01", "render-02", "train-03");
    }

    @Test
    void unmatchedSelectorNamesThePatternAndTheVms() {
        try (LibvirtSource source = LibvirtSource.open(gpuHostUri())) {
            assertThatThrownBy(() -> source.scan(VmSelector.of(List.of("cad-ws-01", "nope-*"))))
                    .isInstanceOfSatisfying(KvMigrateException.class,
                            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
                    .hasMessageContaining("matches --vm nope-*;").hasMessageContaining("legacy-db-04");
        }
    }

    @Test
    void edgeHostCoversPlainMdevNamesNonGpuDevicesAndUnknownNames() throws Exception {
        Inventory inv = scan(edgeHostUri(), VmSelector.ALL);
        Vm viz = vm(inv, "Viz_WS.07");
        assertThat(viz.powerState()).isEqualTo(PowerState.RUNNING);
        assertThat(viz.snapshots()).isEqualTo(1);
        assertThat(viz.cpu().vcpus()).isEqualTo(2);
        assertThat(viz.cpu().maxVcpus()).isEqualTo(4);
        assertThat(viz.memory().currentBytes()).contains(6144L << 20);
        assertThat(viz.gpus()).hasSize(2);
        assertThat(viz.gpus().get(0).mdevTypeName()).contains("NVIDIA L4-2Q");
        assertThat(viz.gpus().get(0).pciAddress()).contains("0000:17:00.0");
        assertThat(viz.gpus().get(0).driverParams()).contains("vgpu_params=frame_rate_limiter=0");
        assertThat(viz.gpus().get(1).mdevType()).contains("nvidia-999");
        assertThat(viz.gpus().get(1).mdevTypeName()).isEmpty();
        assertThat(viz.hostDevices()).extracting(h -> h.kind()).containsExactly(HostDeviceKind.PCI,
                HostDeviceKind.USB);
        assertThat(viz.hostDevices().get(0).address()).contains("0000:81:00.1");
        assertThat(viz.hostDevices().get(0).productName()).contains("Ethernet Controller E810-C for SFP");
        assertThat(viz.hostDevices().get(1).vendorDevice()).contains("0781:5567");
        // Volume by pool/volume name, with sizes from the pool.
        assertThat(viz.disks().get(0).source().type()).isEqualTo(DiskSourceType.VOLUME);
        assertThat(viz.disks().get(0).virtualSize()).contains(60 * GIB);
        // <os><boot dev='cdrom'/><boot dev='hd'/>: the CD-ROM first (libvirt lists it last).
        assertThat(disk(viz, "sda").bootOrder()).contains(1);
        assertThat(disk(viz, "vda").bootOrder()).contains(2);
        assertThat(disk(viz, "vdb").bootOrder()).isEmpty();
        assertThat(disk(viz, "vdb").source().protocol()).contains("rbd");
        assertThat(disk(viz, "vdb").source().host()).contains("ceph-a:6789,ceph-b:6789");
        assertThat(viz.nics().get(0).mac()).contains("52:54:00:aa:07:01");
        assertThat(viz.nics().get(0).plugged()).isFalse();
        assertThat(codes(viz)).contains("GPU_TYPE_NAME_UNKNOWN", "HOSTDEV_UNMAPPED", "VM_RUNNING",
                "SNAPSHOTS_PRESENT", "DISK_SOURCE_UNREADABLE", "DISK_SHAREABLE", "NIC_UNPLUGGED");
        // The name, the USB device and the NIC model are what the target changes: the converter reports them.
        assertThat(codes(viz)).doesNotContain("NAME_CHANGED", "HOSTDEV_DROPPED", "NIC_MODEL_CHANGED");

        Vm mystery = vm(inv, "mystery-gpu-08");
        assertThat(mystery.gpus()).singleElement().satisfies(g -> {
            assertThat(g.kind()).isEqualTo(GpuKind.PASSTHROUGH);
            assertThat(g.vendorDevice()).contains("10de:2ffe");
            assertThat(g.productName()).isEmpty();
        });
        assertThat(mystery.hostDevices()).singleElement().satisfies(h -> {
            assertThat(h.kind()).isEqualTo(HostDeviceKind.MDEV);
            assertThat(h.deviceClass()).contains("i915-GVTg_V5_8");
            assertThat(h.productName()).contains("GVTg_V5_8");
        });
        assertThat(mystery.firmware().secureBoot()).isTrue();
        assertThat(codes(mystery)).contains("GPU_PRODUCT_UNKNOWN", "HOSTDEV_UNMAPPED", "NVRAM_NOT_CARRIED");
    }

    private static dev.kvmigrate.inventory.model.Disk disk(Vm vm, String target) {
        return vm.disks().stream().filter(d -> d.target().equals(target)).findFirst()
                .orElseThrow(() -> new AssertionError("no disk " + target));
    }

    @Test
    void unreachableUriIsSourceUnreachableNamingTheUri() {
        String uri = "test:///nonexistent/kv-migrate/no-such-host.xml";
        assertThatThrownBy(() -> LibvirtSource.open(uri))
                .isInstanceOfSatisfying(KvMigrateException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.SOURCE_UNREACHABLE))
                .hasMessageContaining(uri).hasMessageContaining("check the URI");
    }

    @Test
    void remoteUrisAreNotProbedLocally() {
        assertThat(LibvirtSource.isLocal("qemu:///system")).isTrue();
        assertThat(LibvirtSource.isLocal("test:///tmp/x.xml")).isTrue();
        assertThat(LibvirtSource.isLocal("qemu+ssh://root@kvm1/system")).isFalse();
        assertThat(LibvirtSource.isLocal("qemu://kvm1/system")).isFalse();
    }
}
