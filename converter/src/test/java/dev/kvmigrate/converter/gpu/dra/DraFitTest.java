package dev.kvmigrate.converter.gpu.dra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.converter.gpu.dra.DraFit.Demand;
import dev.kvmigrate.converter.gpu.dra.DraFit.GroupFit;
import dev.kvmigrate.converter.gpu.dra.DraFit.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Fitting VMs' DRA requests onto published devices: capacity, shortfalls, missing classes, overlaps, errors. */
class DraFitTest {
    static final String VFIO = "vfio.gpu.nvidia.com";
    static final Map<String, List<String>> CLASSES = Map.of(VFIO, List.of(
            "device.driver == 'gpu.nvidia.com' && device.attributes['gpu.nvidia.com'].type == 'vfio'"));
    static final String A100 = "device.attributes['gpu.nvidia.com'].deviceID == '0x20b5'";
    static final String L40S = "device.attributes['gpu.nvidia.com'].deviceID == '0x26b9'";

    static DraDevice gpu(String node, String name, String type, String deviceId, Map<String, Object> more) {
        Map<String, Object> attributes = new java.util.HashMap<>(Map.of("type", type, "vendorID", "0x10de",
                "deviceID", deviceId));
        attributes.putAll(more);
        return new DraDevice("gpu.nvidia.com", node, Optional.of(node), name, Map.of("gpu.nvidia.com", attributes),
                Map.of("gpu.nvidia.com", Map.of("addressableMemory", "80Gi")));
    }

    static List<DraDevice> a100s(String node, int count) {
        List<DraDevice> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(gpu(node, "gpu-vfio-" + i, "vfio", "0x20b5", Map.of("numa", (long) (i % 2))));
        }
        return out;
    }

    static Demand demand(String owner, String selector, int count) {
        return new Demand(owner, "gpu-0", VFIO, selector == null ? List.of() : List.of(selector), count);
    }

    @Test
    void exactCapacityFits() {
        Result result = DraFit.fit(List.of(demand("vm-a", A100, 2), demand("vm-b", A100, 2)), CLASSES,
                a100s("node-1", 4));

        assertThat(result.problems()).isEmpty();
        assertThat(result.isShort()).isFalse();
        assertThat(result.shortfalls()).isEmpty();
        assertThat(result.groups()).singleElement().satisfies(g -> {
            assertThat(g.deviceClass()).isEqualTo(VFIO);
            assertThat(g.selectors()).containsExactly(A100);
            assertThat(g.requested()).isEqualTo(4);
            assertThat(g.served()).isEqualTo(4);
            assertThat(g.matching()).isEqualTo(4);
            assertThat(g.owners()).isEmpty();
            assertThat(g.where()).containsExactly("node node-1");
        });
    }

    @Test
    void aShortfallCountsUnitsAndNamesTheLastOwners() {
        Result result = DraFit.fit(List.of(demand("vm-a", A100, 2), demand("vm-b", A100, 1),
                demand("vm-c", A100, 2)), CLASSES, a100s("node-1", 3));

        assertThat(result.isShort()).isTrue();
        GroupFit group = result.shortfalls().get(0);
        assertThat(group.requested()).isEqualTo(5);
        assertThat(group.served()).isEqualTo(3);
        assertThat(group.unserved()).isEqualTo(2);
        assertThat(group.matching()).isEqualTo(3);
        assertThat(group.owners()).containsExactly("vm-c");
    }

    @Test
    void aMissingDeviceClassIsAProblemNamingItAndItsOwners() {
        Demand demand = new Demand("vm-a", "gpu-0", "gpu.nvidia.com", List.of(A100), 1);
        Result result = DraFit.fit(List.of(demand, new Demand("vm-b", "gpu-1", "gpu.nvidia.com", List.of(), 1)),
                CLASSES, a100s("node-1", 2));

        assertThat(result.problems()).singleElement().asString()
                .startsWith("DeviceClass gpu.nvidia.com does not exist in the cluster; install the DRA driver")
                .contains("vfio.gpu.nvidia.com")
                .contains("vm-a (gpu-0), vm-b (gpu-1)");
        assertThat(result.groups()).allSatisfy(g -> {
            assertThat(g.served()).isZero();
            assertThat(g.matching()).isZero();
        });
        assertThat(result.shortfalls()).hasSize(2);
    }

    @Test
    void overlappingSelectorsAreMatchedNotGreedy() {
        // node-1: two A100s, numa 0 and 1. vm-broad takes any A100 and comes first; vm-narrow needs numa 0.
        // Greedy would give vm-broad the numa-0 GPU (first in order) and leave vm-narrow with nothing.
        List<DraDevice> devices = a100s("node-1", 2);
        Result result = DraFit.fit(List.of(demand("vm-broad", A100, 1),
                demand("vm-narrow", A100 + " && device.attributes['gpu.nvidia.com'].numa == 0", 1)),
                CLASSES, devices);

        assertThat(result.problems()).isEmpty();
        assertThat(result.isShort()).isFalse();
        assertThat(result.groups()).extracting(GroupFit::served).containsExactly(1, 1);
        assertThat(result.groups()).extracting(GroupFit::matching).containsExactly(2, 1);
    }

    @Test
    void theMatchingServesEveryUnitGreedyWouldLeaveShort() {
        // four A100s, numa 0,1,0,1. vm-broad (2 units, any A100) comes first: greedy gives it both numa-0 GPUs
        // gpu-vfio-0 (numa 0) and gpu-vfio-1; vm-narrow, which needs numa 0, would then get one of two.
        List<DraDevice> devices = a100s("node-1", 4);
        String numa0 = A100 + " && device.attributes['gpu.nvidia.com'].numa == 0";
        Result result = DraFit.fit(List.of(demand("vm-broad", A100, 2), demand("vm-narrow", numa0, 2)),
                CLASSES, devices);

        assertThat(result.isShort()).isFalse();
        assertThat(result.groups()).extracting(GroupFit::served).containsExactly(2, 2);
    }

    @Test
    void whenDevicesRunShortEarlierUnitsAreServedFirstAndEveryDeviceIsUsed() {
        List<DraDevice> devices = a100s("node-1", 4); // numa 0,1,0,1
        String numa0 = A100 + " && device.attributes['gpu.nvidia.com'].numa == 0";
        Result result = DraFit.fit(List.of(demand("vm-broad", A100, 3), demand("vm-narrow", numa0, 2)),
                CLASSES, devices);

        assertThat(result.groups()).extracting(GroupFit::served).containsExactly(3, 1);
        assertThat(result.shortfalls()).singleElement().satisfies(g -> {
            assertThat(g.owners()).containsExactly("vm-narrow");
            assertThat(g.unserved()).isEqualTo(1);
            assertThat(g.matching()).isEqualTo(2);
        });
    }

    @Test
    void aDeviceNotOfTypeVfioIsNotCounted() {
        List<DraDevice> devices = List.of(gpu("node-1", "gpu-0", "gpu", "0x20b5", Map.of()),
                gpu("node-1", "gpu-vfio-1", "vfio", "0x20b5", Map.of()));
        Result result = DraFit.fit(List.of(demand("vm-a", A100, 2)), CLASSES, devices);

        assertThat(result.groups().get(0).matching()).isEqualTo(1);
        assertThat(result.groups().get(0).served()).isEqualTo(1);
        assertThat(result.groups().get(0).owners()).containsExactly("vm-a");
    }

    @Test
    void devicesOnTwoNodesAreListedWhere() {
        List<DraDevice> devices = new ArrayList<>(a100s("node-2", 1));
        devices.addAll(a100s("node-1", 1));
        devices.add(gpu("node-3", "gpu-vfio-0", "vfio", "0x26b9", Map.of()));
        Result result = DraFit.fit(List.of(demand("vm-a", A100, 1), demand("vm-b", L40S, 2)), CLASSES, devices);

        assertThat(result.groups().get(0).where()).containsExactly("node node-1", "node node-2");
        assertThat(result.groups().get(1).where()).containsExactly("node node-3");
        assertThat(result.groups().get(1).served()).isEqualTo(1);
        assertThat(result.groups().get(1).owners()).containsExactly("vm-b");
    }

    @Test
    void aSelectorErroringOnSomeDevicesIsSummarisedOnce() {
        // only the first GPU publishes numa: the others make the selector fail with "no such key"
        List<DraDevice> devices = List.of(gpu("node-1", "gpu-vfio-0", "vfio", "0x20b5", Map.of("numa", 0L)),
                gpu("node-1", "gpu-vfio-1", "vfio", "0x20b5", Map.of()),
                gpu("node-2", "gpu-vfio-0", "vfio", "0x20b5", Map.of()));
        String numa0 = "device.attributes['gpu.nvidia.com'].numa == 0";
        Result result = DraFit.fit(List.of(demand("vm-a", numa0, 1), demand("vm-b", numa0, 1)), CLASSES, devices);

        assertThat(result.problems()).containsExactly("CEL selector " + numa0 + " failed on 2 devices, counted as"
                + " not matching; first: gpu-vfio-1 on node node-1: no such key: numa");
        assertThat(result.groups()).singleElement().satisfies(g -> {
            assertThat(g.matching()).isEqualTo(1);
            assertThat(g.served()).isEqualTo(1);
            assertThat(g.owners()).containsExactly("vm-b");
        });
    }

    @Test
    void aSelectorThatDoesNotCompileNamesOwnerRequestAndError() {
        Result result = DraFit.fit(List.of(new Demand("vm-a", "gpu-1", VFIO, List.of("device.attributes[ == 1"),
                1), demand("vm-b", A100, 1)), CLASSES, a100s("node-1", 1));

        assertThat(result.problems()).singleElement().asString()
                .startsWith("VM vm-a request gpu-1: CEL selector device.attributes[ == 1 does not compile");
        assertThat(result.groups()).extracting(GroupFit::served).containsExactly(0, 1);
        assertThat(result.groups().get(0).owners()).containsExactly("vm-a");
    }

    @Test
    void theClassSelectorsApplyBeforeTheRequestsSoOtherDriversDoNotError() {
        DraDevice amd = new DraDevice("gpu.amd.com", "node-1", Optional.of("node-1"), "gpu-0",
                Map.of("gpu.amd.com", Map.of("type", "vfio")), Map.of());
        List<DraDevice> devices = new ArrayList<>(a100s("node-1", 1));
        devices.add(amd);
        Result result = DraFit.fit(List.of(demand("vm-a", A100, 1)), CLASSES, devices);

        assertThat(result.problems()).isEmpty();
        assertThat(result.groups().get(0).served()).isEqualTo(1);
    }
}
