package dev.kvmigrate.converter.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.testing.SharedDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every rule reads whatever node type it gets: a map where a list belongs is a finding, never an exception. */
class RulesWrongTypesTest {
    static final String VM = """
            apiVersion: kubevirt.io/v1
            kind: VirtualMachine
            metadata: {name: web-03}
            spec:
              dataVolumeTemplates: {name: x}
              template:
                spec:
                  domain:
                    devices:
                      interfaces: {name: nic0, macAddress: "52:54:00:3f:9d:03"}
                      gpus: {name: gpu0, deviceName: nvidia.com/X}
                      hostDevices: "none"
                      disks: 7
                  networks: {name: nic0}
                  volumes: {name: vda, dataVolume: {name: web-03-vda}}
            """;

    @Test
    void mapsAndScalarsWhereListsBelongAreFindings() {
        ManifestReader.Result r = ManifestReader.read("vm.yaml", VM);
        ClusterFacts facts = ClusterFacts.NONE.withPermittedDevices(Set.of("nvidia.com/Y"));
        List<Finding> findings = Rules.check(r.objects(), facts);
        assertThat(findings).extracting(Finding::rule).containsOnly("MANIFEST_SCHEMA");
        assertThat(findings).extracting(Finding::path).containsExactlyInAnyOrder(
                "$.spec.template.spec.domain.devices.gpus", "$.spec.template.spec.domain.devices.hostDevices",
                "$.spec.template.spec.domain.devices.interfaces", "$.spec.template.spec.domain.devices.disks",
                "$.spec.template.spec.volumes", "$.spec.template.spec.networks", "$.spec.dataVolumeTemplates");
        assertThat(findings).anySatisfy(f -> assertThat(f.message()).contains("interfaces must be a list, not a map"));
    }

    @Test
    void theHostileFixtureWithInterfacesAsAMapValidatesToAFinding() throws Exception {
        Path dir = SharedDir.require("fixtures/hostile/validate-npe");
        List<Finding> findings = new ArrayList<>();
        List<Path> files = Validator.files(List.of(dir));
        List<LocatedObject> objects = new ArrayList<>(Validator.read(files, findings));
        // Make sure the crafted case is present even if the fixture's VM lists its interfaces.
        String web = Files.readString(dir.resolve("virtualmachine-web-03.yaml")).replace(
                "          interfaces:\n          - name: nic0\n", "          interfaces:\n            name: nic0\n")
                .replaceAll("(?m)^            (model|macAddress|masquerade)", "            $1");
        objects.removeIf(o -> o.name().equals("web-03") && o.kind().equals("VirtualMachine"));
        objects.addAll(ManifestReader.read("virtualmachine-web-03.yaml", web).objects());
        List<Finding> rules = Rules.check(objects, ClusterFacts.NONE);
        assertThat(rules).anySatisfy(f -> {
            assertThat(f.object()).isEqualTo("VirtualMachine/web-03");
            assertThat(f.rule()).isEqualTo("MANIFEST_SCHEMA");
            assertThat(f.message()).contains("interfaces must be a list");
        });
    }
}
