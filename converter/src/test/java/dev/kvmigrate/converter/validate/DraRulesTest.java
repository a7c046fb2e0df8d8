package dev.kvmigrate.converter.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.converter.gpu.ClusterGpus;
import dev.kvmigrate.converter.gpu.ClusterGpus.GpuNode;
import dev.kvmigrate.converter.gpu.dra.DraDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * validate's DRA and capacity rules: claim references, DeviceClasses the cluster has, CEL selectors that compile,
 * and whether the published devices (matched by evaluating the selectors, user-written ones included) and the
 * node pools' allocatable counts serve the whole set.
 */
class DraRulesTest {
    private static final String VFIO = "device.driver == 'gpu.nvidia.com'"
            + " && device.attributes['gpu.nvidia.com'].type == 'vfio'";

    private static LocatedObject object(String yaml) {
        try {
            return new LocatedObject("set.yaml", Mappers.yaml().readTree(yaml), Map.of());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A VM whose one GPU is claimed through {@code claim}/{@code request}, with the template it names. */
    private static String vm(String name, String claim, String request, String template) {
        return """
                apiVersion: kubevirt.io/v1
                kind: VirtualMachine
                metadata: {name: %s, namespace: mig}
                spec:
                  template:
                    spec:
                      resourceClaims: [{name: gpus, resourceClaimTemplateName: %s}]
                      domain:
                        devices:
                          gpus: [{name: gpu0, claimName: %s, requestName: %s}]
                """.formatted(name, template, claim, request);
    }

    private static String template(String name, String deviceClass, String selector) {
        return """
                apiVersion: resource.k8s.io/v1
                kind: ResourceClaimTemplate
                metadata: {name: %s, namespace: mig}
                spec:
                  spec:
                    devices:
                      requests:
                      - name: gpu-0
                        exactly:
                          deviceClassName: %s
                          selectors: [{cel: {expression: '%s'}}]
                          count: 1
                """.formatted(name, deviceClass, selector.replace("'", "''"));
    }

    private static DraDevice a2(String node, int i, long numa) {
        return new DraDevice("gpu.nvidia.com", node, Optional.of(node), "gpu-vfio-" + i, Map.of("gpu.nvidia.com",
                Map.of("type", "vfio", "vendorID", "0x10de", "deviceID", "0x25b6", "productName", "NVIDIA A2",
                        "numa", numa)), Map.of("gpu.nvidia.com", Map.of("addressableMemory", "16Gi")));
    }

    private static ClusterFacts cluster(List<DraDevice> devices, List<GpuNode> nodes) {
        ClusterGpus gpus = new ClusterGpus(Optional.of("v1.9.0"), Set.of(), Set.of(), List.of(),
                Map.of("vfio.gpu.nvidia.com", List.of(VFIO)), devices, nodes);
        return new ClusterFacts(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), "mig", Optional.of(gpus));
    }

    private static List<String> rules(List<LocatedObject> objects, ClusterFacts facts) {
        return Rules.check(objects, facts).stream().map(f -> f.rule() + " " + f.object() + " " + f.path() + " "
                + f.message()).toList();
    }

    @Test
    void claimReferencesMustResolve() {
        List<LocatedObject> set = List.of(
                object(vm("ok", "gpus", "gpu-0", "ok")), object(template("ok", "vfio.gpu.nvidia.com", VFIO)),
                object(vm("no-template", "gpus", "gpu-0", "missing")),
                object(vm("bad-claim", "other", "gpu-0", "ok")),
                object(vm("bad-request", "gpus", "gpu-9", "ok")),
                object("""
                        apiVersion: kubevirt.io/v1
                        kind: VirtualMachine
                        metadata: {name: both, namespace: mig}
                        spec:
                          template:
                            spec:
                              resourceClaims: [{name: gpus, resourceClaimName: a, resourceClaimTemplateName: b}]
                              domain: {devices: {gpus: [{name: gpu0}]}}
                        """));
        assertThat(rules(set, ClusterFacts.NONE)).containsExactlyInAnyOrder(
                "DRA_CLAIM_MISSING VirtualMachine/no-template $.spec.template.spec.resourceClaims[0]"
                        + ".resourceClaimTemplateName ResourceClaimTemplate missing is not in this set; add its"
                        + " manifest (kv-migrate convert writes it beside the VM) or create it first",
                "DRA_CLAIM_MISSING VirtualMachine/bad-claim $.spec.template.spec.domain.devices.gpus[0].claimName"
                        + " claimName other is not in spec.template.spec.resourceClaims (gpus)",
                "DRA_CLAIM_MISSING VirtualMachine/bad-request $.spec.template.spec.domain.devices.gpus[0]"
                        + ".requestName requestName 'gpu-9' is not a request of ResourceClaimTemplate ok",
                "DRA_CLAIM_MISSING VirtualMachine/both $.spec.template.spec.resourceClaims[0] resourceClaims entry"
                        + " 'gpus' must name exactly one of resourceClaimName and resourceClaimTemplateName",
                "DRA_CLAIM_MISSING VirtualMachine/both $.spec.template.spec.resourceClaims[0]"
                        + ".resourceClaimTemplateName ResourceClaimTemplate b is not in this set; add its manifest"
                        + " (kv-migrate convert writes it beside the VM) or create it first",
                "DRA_CLAIM_MISSING VirtualMachine/both $.spec.template.spec.domain.devices.gpus[0] gpus entry"
                        + " 'gpu0' has neither deviceName nor claimName/requestName; KubeVirt cannot tell what to give"
                        + " it");
    }

    @Test
    void theDeviceClassMustExistAndSelectorsCompile() {
        List<LocatedObject> set = List.of(object(vm("a", "gpus", "gpu-0", "a")),
                object(template("a", "gpu-vfio.example.com", "device.attributes['gpu.nvidia.com'].numa ==")));
        assertThat(rules(set, cluster(List.of(), List.of()))).anySatisfy(r -> assertThat(r).startsWith(
                "DRA_DEVICE_CLASS_MISSING ResourceClaimTemplate/a $.spec.spec.devices.requests[0].exactly"
                        + ".deviceClassName DeviceClass gpu-vfio.example.com does not exist in the cluster (it has"
                        + " vfio.gpu.nvidia.com)"))
                .anySatisfy(r -> assertThat(r).startsWith("DRA_SELECTOR_INVALID ResourceClaimTemplate/a")
                        .contains("does not compile"));
        // without a cluster the class is not checked, the selector is
        assertThat(rules(set, ClusterFacts.NONE)).singleElement().satisfies(r -> assertThat(r)
                .startsWith("DRA_SELECTOR_INVALID"));
    }

    @Test
    void userWrittenSelectorsAreEvaluatedAgainstThePublishedDevicesForTheWholeSet() {
        // an admin's selector: an A2 on NUMA node 1 with at least 16Gi of addressable memory
        String numa1 = "device.attributes['gpu.nvidia.com'].productName == 'NVIDIA A2'"
                + " && device.attributes['gpu.nvidia.com'].numa == 1"
                + " && device.capacity['gpu.nvidia.com'].addressableMemory.compareTo(quantity('16Gi')) >= 0";
        List<LocatedObject> set = new ArrayList<>();
        for (String vm : List.of("r1", "r2", "r3")) {
            set.add(object(vm(vm, "gpus", "gpu-0", vm)));
            set.add(object(template(vm, "vfio.gpu.nvidia.com", numa1)));
        }
        // three A2s, two on NUMA node 1: r3 goes without
        ClusterFacts facts = cluster(List.of(a2("gpu-node-1", 0, 1), a2("gpu-node-1", 1, 0), a2("gpu-node-2", 0, 1)),
                List.of());
        assertThat(rules(set, facts)).singleElement().satisfies(r -> assertThat(r).startsWith(
                "GPU_CAPACITY_SHORT VirtualMachine/r3 $.spec.template.spec.domain.devices VM r3 claims a device of"
                        + " DeviceClass vfio.gpu.nvidia.com with selector " + numa1 + ", but the ResourceSlices offer"
                        + " 2 matching (node gpu-node-1, node gpu-node-2) for the 3 the set requests: shortfall 1"));
        // NUMA 0 is plentiful enough: clean
        List<LocatedObject> two = set.subList(0, 4);
        assertThat(rules(two, facts)).isEmpty();
    }

    @Test
    void devicePluginCapacityCountsTheVmsNodePoolAndLegacyNamesAreRecognised() {
        String vm = """
                apiVersion: kubevirt.io/v1
                kind: VirtualMachine
                metadata: {name: %s, namespace: mig}
                spec:
                  template:
                    spec:
                      nodeSelector: {%s}
                      domain:
                        devices:
                          gpus: [{name: gpu0, deviceName: %s}]
                """;
        List<LocatedObject> set = List.of(object(vm.formatted("r1", "gpu-profile: l40s-8q",
                "devices.kubevirt.io/l40s")), object(vm.formatted("r2", "gpu-profile: l40s-8q",
                        "devices.kubevirt.io/l40s")));
        ClusterFacts facts = cluster(List.of(), List.of(
                new GpuNode("a", Map.of("gpu-profile", "l40s-8q"), Map.of("devices.kubevirt.io/l40s", 1L)),
                new GpuNode("b", Map.of("gpu-profile", "l40s-4q"), Map.of("devices.kubevirt.io/l40s", 8L))));
        assertThat(rules(set, facts)).singleElement().satisfies(r -> assertThat(r).contains(
                "GPU_CAPACITY_SHORT VirtualMachine/r2", "the node pool labelled gpu-profile=l40s-8q (a) offer 1"
                        + " allocatable for the 2 the set requests: shortfall 1"));

        LocatedObject t4 = object(vm.formatted("t4", "", "nvidia.com/TU104GL_TESLA_T4"));
        ClusterFacts legacy = ClusterFacts.NONE.withPermittedDevices(Set.of("nvidia.com/TU104GL_Tesla_T4"));
        assertThat(rules(List.of(t4), legacy)).singleElement().satisfies(r -> assertThat(r).contains(
                "DEVICE_NOT_PERMITTED", "the CR permits nvidia.com/TU104GL_Tesla_T4, which differs only in case"));
    }
}
