package dev.kvmigrate.converter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.converter.gpu.ClusterGpus;
import dev.kvmigrate.converter.gpu.ClusterGpus.GpuNode;
import dev.kvmigrate.converter.gpu.ClusterGpus.PermittedDevice;
import dev.kvmigrate.converter.gpu.DeviceResolver;
import dev.kvmigrate.converter.gpu.dra.DraDevice;
import dev.kvmigrate.converter.mapping.GpuTarget;
import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.converter.mapping.MappingsReader;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.libvirt.XmlDumpSource;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.GpuKind;
import dev.kvmigrate.inventory.model.Inventory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Conversion with the cluster's GPU facts in hand (what {@code convert --from-cluster} reads): {@code gpuTarget:
 * auto} decided from them, the cluster's own device names, capacity blockers naming the pool and the counts.
 * The facts are built here; the fabric8 stand-ins that serve them are exercised in the CLI's cluster tests.
 */
class ClusterAwareConversionTest {
    private static final Path EXAMPLE = Path.of("..", "examples", "gpu-host");
    private static final String VFIO_CLASS = "device.driver == 'gpu.nvidia.com'"
            + " && device.attributes['gpu.nvidia.com'].type == 'vfio'";
    /** The example's storage and networks, no gpus entries: names come from the source or the cluster. */
    private static final Mappings MAPPINGS = MappingsReader.parse("""
            networks:
              br-design: {type: bridge, nad: design/br-design}
              default: {type: pod}
            storage:
              default: {size: 20Gi}
            """, "mappings.yaml");

    private static Inventory example() {
        return XmlDumpSource.open(EXAMPLE).scan(VmSelector.ALL);
    }

    /** A passthrough device as NVIDIA's DRA driver publishes it. */
    private static DraDevice vfio(String node, int index, String deviceId) {
        return new DraDevice("gpu.nvidia.com", node, Optional.of(node), "gpu-vfio-" + index,
                Map.of("gpu.nvidia.com", Map.of("type", "vfio", "vendorID", "0x10de", "deviceID", deviceId,
                        "numa", 0L)), Map.of("gpu.nvidia.com", Map.of("addressableMemory", "16Gi")));
    }

    private static ClusterGpus dra(String version, Set<String> disabled, List<DraDevice> devices) {
        return new ClusterGpus(Optional.of(version), Set.of(), disabled, List.of(),
                Map.of("vfio.gpu.nvidia.com", List.of(VFIO_CLASS), "gpu.nvidia.com", List.of(
                        "device.driver == 'gpu.nvidia.com' && device.attributes['gpu.nvidia.com'].type == 'gpu'")),
                devices, List.of(new GpuNode("gpu-node-1", Map.of(), Map.of("nvidia.com/GRID_T4-2Q", 4L))));
    }

    private static ConversionResult convert(Mappings m, ClusterGpus cluster) {
        return Converter.convert(example(), VmSelector.ALL, m, ConvertOptions.DEFAULTS.withCluster(Optional.of(
                cluster)));
    }

    private static List<String> codes(MigrationUnit u) {
        return u.concerns().stream().map(Concern::code).toList();
    }

    @Test
    void autoPicksDraOnAv19ClusterWithTheNvidiaDeviceClassAndSaysWhy() {
        ConversionResult r = convert(MAPPINGS, dra("v1.9.0", Set.of(), List.of(vfio("gpu-node-1", 0, "0x25b6"))));
        assertThat(r.gpuTarget().target()).isEqualTo(GpuTarget.DRA);
        assertThat(r.gpuTarget().why()).hasValueSatisfying(w -> assertThat(w).contains("KubeVirt v1.9.0",
                "GPUsWithDRA", "vfio.gpu.nvidia.com", "1 matching device"));
        assertThat(r.vm("inference-02").orElseThrow().resourceClaimTemplate()).isPresent();
        assertThat(codes(r.vm("designer-ws-01").orElseThrow())).contains("GPU_DRA_NOT_CLAIMED");
        assertThat(r.adminPatch().summary()).contains("## GPU target", "gpuTarget auto: DRA");
        assertThat(ConversionReport.text(r)).startsWith("gpuTarget auto: DRA");
    }

    @Test
    void autoStaysOnTheDevicePluginWhenTheGateIsOffOrTheClassMissing() {
        ConversionResult off = convert(MAPPINGS, dra("v1.9.2", Set.of("GPUsWithDRA"), List.of()));
        assertThat(off.gpuTarget().target()).isEqualTo(GpuTarget.DEVICE_PLUGIN);
        assertThat(off.gpuTarget().why().orElseThrow()).contains("disabledFeatureGates");
        ConversionResult old = convert(MAPPINGS, dra("v1.7.1", Set.of(), List.of()));
        assertThat(old.gpuTarget().why().orElseThrow()).contains("before, list it in featureGates");
        ConversionResult noClass = convert(MAPPINGS, new ClusterGpus(Optional.of("v1.9.0"), Set.of(), Set.of(),
                List.of(), Map.of(), List.of(), List.of()));
        assertThat(noClass.gpuTarget().why().orElseThrow()).contains("no DeviceClass vfio.gpu.nvidia.com");
        // an explicit target is not second-guessed
        ConversionResult forced = convert(MAPPINGS.withGpuTarget(GpuTarget.DRA), dra("v1.6.0", Set.of(), List.of()));
        assertThat(forced.gpuTarget().target()).isEqualTo(GpuTarget.DRA);
        assertThat(forced.gpuTarget().why()).isEmpty();
    }

    @Test
    void draCapacityShortfallBlocksTheVmNamingThePoolAndCounts() {
        // a T4 (0x1eb8) is published, the example's A2 (0x25b6) is not
        ConversionResult r = convert(MAPPINGS, dra("v1.9.0", Set.of(), List.of(vfio("gpu-node-1", 0, "0x1eb8"))));
        MigrationUnit inference = r.vm("inference-02").orElseThrow();
        assertThat(inference.blocked()).isTrue();
        assertThat(inference.blockers()).singleElement().satisfies(c -> {
            assertThat(c.code()).isEqualTo("GPU_CAPACITY_EXCEEDED");
            assertThat(c.message()).contains("DeviceClass vfio.gpu.nvidia.com", "0x25b6", "offer 0 matching",
                    "shortfall 1");
        });
        assertThat(r.vm("designer-ws-01").orElseThrow().blocked()).isFalse();
    }

    @Test
    void devicePluginCapacityShortfallNamesTheNodesAndCounts() {
        ClusterGpus cluster = new ClusterGpus(Optional.of("v1.6.2"), Set.of(), Set.of(), List.of(), Map.of(),
                List.of(), List.of(new GpuNode("gpu-a", Map.of(), Map.of("nvidia.com/GA107GL_A2___A16", 1L)),
                        new GpuNode("gpu-b", Map.of(), Map.of())));
        ConversionResult r = convert(MAPPINGS, cluster);
        assertThat(r.vm("inference-02").orElseThrow().blocked()).isFalse();
        assertThat(r.vm("designer-ws-01").orElseThrow().blockers()).singleElement().satisfies(c -> assertThat(
                c.message()).contains("nvidia.com/GRID_T4-2Q", "the cluster's nodes (none advertises it)",
                        "offer 0 allocatable for the 1", "shortfall 1"));
    }

    @Test
    void legacyClusterNamesWinOverDerivedOnesAndTheConversionSaysSo() {
        Gpu t4 = new Gpu(GpuKind.PASSTHROUGH, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("0000:ca:00.0"), Optional.of("10de"), Optional.of("1eb8"),
                Optional.of("TU104GL [Tesla T4]"), false, false, Optional.empty());
        var vm = VmFixtures.vm("t4").withGpus(List.of(t4));
        ClusterGpus byCr = new ClusterGpus(Optional.of("v1.6.2"), Set.of(), Set.of(), List.of(new PermittedDevice(
                PermittedDevice.Kind.PCI, "10DE:1EB8", "nvidia.com/TU104GL_Tesla_T4", true)), Map.of(), List.of(),
                List.of());
        DeviceResolver.Resolution r = DeviceResolver.resolve(vm, Mappings.NONE, Optional.of(byCr));
        assertThat(r.gpus()).singleElement().satisfies(g -> assertThat(g.resource())
                .isEqualTo("nvidia.com/TU104GL_Tesla_T4"));
        assertThat(r.concerns()).singleElement().satisfies(c -> {
            assertThat(c.code()).isEqualTo("GPU_NAME_FROM_CLUSTER");
            assertThat(c.message()).contains("derived nvidia.com/TU104GL_TESLA_T4",
                    "nvidia.com/TU104GL_Tesla_T4", "pciVendorSelector '10DE:1EB8'");
        });
        // nodes alone (no CR entry): the allocatable name that differs only in case
        ClusterGpus byNodes = new ClusterGpus(Optional.empty(), Set.of(), Set.of(), List.of(), Map.of(), List.of(),
                List.of(new GpuNode("n1", Map.of(), Map.of("nvidia.com/TU104GL_Tesla_T4", 2L))));
        assertThat(DeviceResolver.resolve(vm, Mappings.NONE, Optional.of(byNodes)).gpus().get(0).resource())
                .isEqualTo("nvidia.com/TU104GL_Tesla_T4");
        // a mapping that disagrees with the cluster is kept, with a warning
        DeviceResolver.Resolution mapped = DeviceResolver.resolve(vm, MappingsReader.parse(
                "gpus:\n  10de:1eb8: nvidia.com/TU104GL_TESLA_T4\n", "m"), Optional.of(byCr));
        assertThat(mapped.gpus().get(0).resource()).isEqualTo("nvidia.com/TU104GL_TESLA_T4");
        assertThat(mapped.concerns()).extracting(Concern::code).containsExactly("GPU_NAME_CLUSTER_DIFFERS");
        // a GPU nothing could name (another vendor) is named by the CR's selector
        Gpu amd = new Gpu(GpuKind.PASSTHROUGH, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("0000:cb:00.0"), Optional.of("1002"), Optional.of("740f"), Optional.of("Aldebaran"),
                false, false, Optional.empty());
        ClusterGpus amdCr = new ClusterGpus(Optional.empty(), Set.of(), Set.of(), List.of(new PermittedDevice(
                PermittedDevice.Kind.PCI, "1002:740F", "amd.com/mi210", true)), Map.of(), List.of(), List.of());
        DeviceResolver.Resolution named = DeviceResolver.resolve(VmFixtures.vm("mi").withGpus(List.of(amd)),
                Mappings.NONE, Optional.of(amdCr));
        assertThat(named.gpus().get(0).resource()).isEqualTo("amd.com/mi210");
        assertThat(named.concerns()).extracting(Concern::code).containsExactly("GPU_NAME_FROM_CLUSTER");
    }

    @Test
    void theAdminPatchKeepsTheClusterEntriesAndGatesAndSkipsWhatIsPermitted() {
        ClusterGpus cluster = new ClusterGpus(Optional.of("v1.8.1"), Set.of("HostDevices"), Set.of(),
                List.of(new PermittedDevice(PermittedDevice.Kind.MDEV, "GRID T4-2Q", "nvidia.com/GRID_T4-2Q", true)),
                Map.of(), List.of(), List.of(new GpuNode("n", Map.of(), Map.of("nvidia.com/GRID_T4-2Q", 4L,
                        "nvidia.com/GA107GL_A2___A16", 1L))));
        ConversionResult r = convert(MAPPINGS, cluster);
        String patch = r.adminPatch().patch().toString();
        // the CR's own vGPU entry is carried (a merge patch replaces the list), the A2 added, the gates merged
        assertThat(r.adminPatch().patch().at("/spec/configuration/permittedHostDevices/mediatedDevices").size())
                .isEqualTo(1);
        assertThat(patch).contains("\"pciVendorSelector\":\"10DE:25B6\"", "\"enabled\":true");
        assertThat(r.adminPatch().patch().at("/spec/configuration/developerConfiguration/featureGates").toString())
                .isEqualTo("[\"HostDevices\",\"VMPersistentState\"]");
        assertThat(r.adminPatch().summary()).contains("`nvidia.com/GRID_T4-2Q` (permitted already)",
                "apply it as it is");
    }

    @Test
    void sriovNodeGroupCapacityCountsOnlyTheGroupsNodes() {
        Gpu vf = new Gpu(GpuKind.SRIOV_VGPU, Optional.empty(), Optional.empty(), Optional.of("NVIDIA L40S-8Q"),
                Optional.of("0000:41:00.4"), Optional.of("10de"), Optional.of("26b9"), Optional.of("AD102GL [L40S]"),
                false, false, Optional.empty(), Optional.of("0000:41:00.0"));
        List<dev.kvmigrate.inventory.model.Vm> vms = new ArrayList<>();
        for (String n : List.of("r1", "r2")) {
            vms.add(VmFixtures.vm(n).withGpus(List.of(vf)));
        }
        Inventory inv = Inventory.of(example().source(), Optional.empty(), vms);
        Mappings m = MappingsReader.parse("""
                gpus: {NVIDIA L40S-8Q: devices.kubevirt.io/l40s}
                nodeGroups: {NVIDIA L40S-8Q: {gpu-profile: l40s-8q}}
                """, "m");
        ClusterGpus cluster = new ClusterGpus(Optional.of("v1.9.0"), Set.of(), Set.of(), List.of(), Map.of(),
                List.of(), List.of(new GpuNode("l40s-a", Map.of("gpu-profile", "l40s-8q"), Map.of(
                        "devices.kubevirt.io/l40s", 1L)), new GpuNode("l40s-b", Map.of("gpu-profile", "l40s-4q"),
                                Map.of("devices.kubevirt.io/l40s", 4L))));
        ConversionResult r = Converter.convert(inv, VmSelector.ALL, m, ConvertOptions.DEFAULTS.withCluster(
                Optional.of(cluster)));
        assertThat(r.vm("r1").orElseThrow().blocked()).isFalse();
        assertThat(r.vm("r2").orElseThrow().blockers()).singleElement().satisfies(c -> assertThat(c.message())
                .contains("the node pool labelled gpu-profile=l40s-8q (l40s-a)", "offer 1 allocatable for the 2",
                        "shortfall 1"));
    }
}
