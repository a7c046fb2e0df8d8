package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.testing.SharedDir;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
    static final String BROKEN_VM = """
            apiVersion: kubevirt.io/v1
            kind: VirtualMachine
            metadata:
              name: vm1
            spec:
              template:
                spec:
                  domain:
                    devices:
                      gpus:
                      - name: g
                        deviceName: nvidia.com/GRID_T4-2Q
                    bogus: 1
            """;

    @Test
    void findingsGiveExitOneTextJsonAndJunit(@TempDir Path tmp) throws Exception {
        Path schemas = SharedDir.require("schemas");
        Path vm = tmp.resolve("vm.yaml");
        Files.writeString(vm, BROKEN_VM);
        Path cr = tmp.resolve("kubevirt.yaml");
        Files.writeString(cr, "spec:\n  configuration:\n    permittedHostDevices:\n      mediatedDevices:\n"
                + "      - {mdevNameSelector: GRID T4-1Q, resourceName: nvidia.com/GRID_T4-1Q}\n");
        Path junit = tmp.resolve("junit.xml");
        CliRun text = CliRun.run("validate", vm.toString(), "--schema", schemas.toString(),
                "--kubevirt-cr", cr.toString(), "--report-junit", junit.toString());
        assertThat(text.code()).isEqualTo(1);
        assertThat(text.out()).contains(vm + ":13:9: VirtualMachine/vm1: $.spec.template.spec.domain.bogus:"
                + " unknown field 'bogus' [MANIFEST_SCHEMA]").contains("deviceName nvidia.com/GRID_T4-2Q is not permitted")
                .contains("1 objects, 2 findings");
        assertThat(Files.readString(junit)).contains("<testcase classname=\"" + vm + "\" name=\"VirtualMachine/vm1\">")
                .contains("tests=\"1\" failures=\"1\"");
        CliRun json = CliRun.run("validate", vm.toString(), "--schema", schemas.toString(),
                "-o", "json");
        assertThat(json.code()).isEqualTo(1);
        assertThat(json.out()).contains("\"rule\" : \"MANIFEST_SCHEMA\"", "\"line\" : 13", "\"clean\" : false");
    }

    @Test
    void usageErrorsExitTwo(@TempDir Path tmp) {
        assertThat(CliRun.run("validate").code()).isEqualTo(2);
        assertThat(CliRun.run("validate", tmp.toString(), "--from-cluster", "--kubevirt-version", "v1.9").code())
                .isEqualTo(2);
        CliRun missing = CliRun.run("validate", tmp.resolve("nope").toString(), "--schema",
                tmp.toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("does not exist");
    }
}
