package dev.kvmigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.testing.SharedDir;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kv-migrate inventory scan --ova} on real third-party OVFs and OVAs: folder scans that survive broken
 * files, {@code --ovf-config}, exit codes, and a VMware vGPU carried through {@code convert} into a GPU request.
 */
class InventoryScanOvaTest {
    static Path real(String file) {
        return SharedDir.require("fixtures/real-2/ovf/" + file);
    }

    @Test
    void aFolderWithBrokenOvasWarnsPerFileAndListsTheRest() throws Exception {
        Path dir = real("glance-ova");
        CliRun r = CliRun.run("inventory", "scan", "--ova", dir.toString(), "-o", "json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(new ObjectMapper().readTree(r.out()).path("vms")).hasSize(2);
        assertThat(r.err().lines().filter(l -> l.startsWith("kv-migrate: warning: "))).hasSize(3);
        assertThat(r.err()).contains("testserver-not-tar.ova", "testserver-no-ovf.ova holds no .ovf descriptor",
                "testserver-bad-ovf.ova!illegal-xml.ovf");
    }

    @Test
    void aSingleFileThatIsNoOvfIsExitThree() {
        CliRun png = CliRun.run("inventory", "scan", "--ova", real("glance-ova/testserver-not-tar.ova").toString());
        assertThat(png.code()).isEqualTo(3);
        assertThat(png.err()).contains("testserver-not-tar.ova", "malformed tar header");
        CliRun html = CliRun.run("inventory", "scan", "--ova",
                real("govmomi/external__DeleteHDTestdata__Sass_old__descriptor.ovf").toString());
        assertThat(html.code()).isEqualTo(3);
        assertThat(html.err()).contains("is not an OVF descriptor: its root element is <HTML>");
    }

    @Test
    void ovfConfigPicksTheDeploymentConfiguration() throws Exception {
        String nsx = real("govmomi/vmware__nsx-unified-appliance-9.1.0.0.25262063.ovf").toString();
        JsonNode byDefault = vm(CliRun.run("inventory", "scan", "--ova", nsx, "-o", "json"));
        assertThat(byDefault.at("/cpu/vcpus").asInt()).isEqualTo(6);
        assertThat(byDefault.at("/memory/bytes").asLong()).isEqualTo(24L << 30);
        assertThat(byDefault.toString()).contains("OVF_CONFIGURATION_CHOSEN");
        JsonNode large = vm(CliRun.run("inventory", "scan", "--ova", nsx, "--ovf-config", "large", "-o", "json"));
        assertThat(large.at("/cpu/vcpus").asInt()).isEqualTo(12);
        assertThat(large.at("/memory/bytes").asLong()).isEqualTo(48L << 30);

        CliRun unknown = CliRun.run("inventory", "scan", "--ova", nsx, "--ovf-config", "huge");
        assertThat(unknown.code()).isEqualTo(3);
        assertThat(unknown.err()).contains("--ovf-config huge", "it offers small, medium, large, xlarge");
        CliRun misplaced = CliRun.run("inventory", "scan", "--xml-dir", ".", "--ovf-config", "large");
        assertThat(misplaced.code()).isEqualTo(2);
        assertThat(misplaced.err()).contains("--ovf-config goes with --ova");
    }

    /** The govmomi vGPU OVF, with a disk image beside it, scans and converts into a GRID A100-8C GPU request. */
    @Test
    void aVmwareVgpuBecomesAGpuRequest(@TempDir Path tmp) throws Exception {
        Path export = Files.createDirectories(tmp.resolve("export"));
        Files.copy(real("govmomi/external__SimpleVm_with_vgpu.ovf"), export.resolve("SimpleVm_with_vgpu.ovf"));
        try (RandomAccessFile disk = new RandomAccessFile(export.resolve("nostalgia-disk1.vmdk").toFile(), "rw")) {
            disk.setLength(2L << 30);
        }
        Path inventory = tmp.resolve("inventory.yaml");
        CliRun scan = CliRun.run("inventory", "scan", "--ova", export.toString(), "--out", inventory.toString());
        assertThat(scan.code()).as(scan.err()).isZero();

        // Its two NICs share one network, which the pod network cannot carry twice.
        Path mappings = Files.writeString(tmp.resolve("mappings.yaml"),
                "networks:\n  VM Network: {type: bridge, nad: default/vm-network}\n");
        Path out = tmp.resolve("out");
        CliRun convert = CliRun.run("convert", "--inventory", inventory.toString(), "--map", mappings.toString(),
                "--out", out.toString(), "-o", "json");
        assertThat(convert.code()).as(convert.out() + convert.err()).isZero();
        JsonNode vm = new ObjectMapper().readTree(out.resolve("virtualmachine-simplevm-with-vgpu.json").toFile());
        JsonNode domain = vm.at("/spec/template/spec/domain");
        assertThat(domain.at("/devices/gpus/0/deviceName").asText()).isEqualTo("nvidia.com/GRID_A100-8C");
        assertThat(domain.at("/firmware/bootloader/efi/secureBoot").asBoolean()).isTrue();
        assertThat(domain.at("/features/smm/enabled").asBoolean()).isTrue();
        JsonNode permitted = new ObjectMapper().readTree(out.resolve("admin/kubevirt-cr-patch.json").toFile())
                .at("/spec/configuration/permittedHostDevices/mediatedDevices/0");
        assertThat(permitted.path("mdevNameSelector").asText()).isEqualTo("GRID A100-8C");
        assertThat(permitted.path("resourceName").asText()).isEqualTo("nvidia.com/GRID_A100-8C");
    }

    private static JsonNode vm(CliRun r) throws Exception {
        assertThat(r.code()).as(r.err()).isZero();
        return new ObjectMapper().readTree(r.out()).path("vms").get(0);
    }
}
