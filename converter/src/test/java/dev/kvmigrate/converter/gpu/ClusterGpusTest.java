package dev.kvmigrate.converter.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.converter.gpu.ClusterGpus.PermittedDevice;
import dev.kvmigrate.converter.gpu.ClusterGpus.PermittedDevice.Kind;
import dev.kvmigrate.converter.validate.KubevirtCr;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterGpusTest {
    private static JsonNode json(String text) throws Exception {
        return Mappers.json().readTree(text);
    }

    @Test
    void aKubevirtCrGivesVersionGatesAndPermittedEntriesInListOrder() throws Exception {
        JsonNode cr = json("""
                {"apiVersion": "kubevirt.io/v1", "kind": "KubeVirt",
                 "metadata": {"name": "kubevirt", "namespace": "kubevirt"},
                 "spec": {"configuration": {
                   "developerConfiguration": {"featureGates": ["HostDevices", "GPU"],
                                              "disabledFeatureGates": ["GPUsWithDRA"]},
                   "permittedHostDevices": {
                     "usb": [{"resourceName": "kubevirt.io/storage",
                              "selectors": [{"vendor": "46f4", "product": "0001"}, {"vendor": "1", "product": "2"}]}],
                     "mediatedDevices": [{"mdevNameSelector": "GRID T4-1Q", "resourceName": "nvidia.com/GRID_T4-1Q",
                                          "externalResourceProvider": true}],
                     "pciHostDevices": [{"pciVendorSelector": "10DE:1EB8",
                                         "resourceName": "nvidia.com/TU104GL_Tesla_T4",
                                         "externalResourceProvider": true},
                                        {"pciVendorSelector": "8086:6F54", "resourceName": "intel.com/qat"},
                                        {"pciVendorSelector": "10DE:2330"}]}}},
                 "status": {"observedKubeVirtVersion": "v1.8.1", "phase": "Deployed"}}""");

        ClusterGpus gpus = ClusterGpus.fromKubevirtCr(cr);

        assertThat(gpus.kubevirtVersion()).contains("v1.8.1");
        assertThat(gpus.featureGates()).containsExactlyInAnyOrder("HostDevices", "GPU");
        assertThat(gpus.disabledFeatureGates()).containsExactly("GPUsWithDRA");
        assertThat(gpus.permitted()).containsExactly(
                new PermittedDevice(Kind.PCI, "10DE:1EB8", "nvidia.com/TU104GL_Tesla_T4", true),
                new PermittedDevice(Kind.PCI, "8086:6F54", "intel.com/qat", false),
                new PermittedDevice(Kind.MDEV, "GRID T4-1Q", "nvidia.com/GRID_T4-1Q", true),
                new PermittedDevice(Kind.USB, "46f4:0001", "kubevirt.io/storage", false));
        assertThat(gpus.permittedResources()).containsExactly("intel.com/qat", "kubevirt.io/storage",
                "nvidia.com/GRID_T4-1Q", "nvidia.com/TU104GL_Tesla_T4");
        assertThat(gpus.deviceClasses()).isEmpty();
        assertThat(gpus.draDevices()).isEmpty();
        assertThat(gpus.nodes()).isEmpty();
        assertThat(KubevirtCr.permittedResources(cr)).isEqualTo(gpus.permittedResources());
    }

    @Test
    void anEmptyCrOrAnAdminPatchWithoutStatusKnowsNoVersion() throws Exception {
        assertThat(ClusterGpus.fromKubevirtCr(json("{}"))).isEqualTo(ClusterGpus.NONE);
        ClusterGpus patch = ClusterGpus.fromKubevirtCr(json("""
                {"spec": {"configuration": {"permittedHostDevices": {"mediatedDevices": [
                  {"mdevNameSelector": "NVIDIA A10-12Q", "resourceName": "nvidia.com/NVIDIA_A10-12Q"}]}}},
                 "status": {"observedKubeVirtVersion": ""}}"""));
        assertThat(patch.kubevirtVersion()).isEqualTo(Optional.empty());
        assertThat(patch.featureGates()).isEmpty();
        assertThat(patch.permittedResources()).isEqualTo(Set.of("nvidia.com/NVIDIA_A10-12Q"));
        assertThat(patch.permitted()).singleElement().extracting(PermittedDevice::externalResourceProvider)
                .isEqualTo(false);
    }

    @Test
    void aUsbEntryWithoutSelectorsHasAnEmptySelector() throws Exception {
        ClusterGpus gpus = ClusterGpus.fromKubevirtCr(json("""
                {"spec": {"configuration": {"permittedHostDevices": {"usb": [{"resourceName": "example.com/key"}]}}}}
                """));
        assertThat(gpus.permitted()).containsExactly(new PermittedDevice(Kind.USB, "", "example.com/key", false));
    }
}
