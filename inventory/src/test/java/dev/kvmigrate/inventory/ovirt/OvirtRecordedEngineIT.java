package dev.kvmigrate.inventory.ovirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.common.ovirt.EngineSettings;
import dev.kvmigrate.common.ovirt.Secret;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.testing.SharedDir;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;

/** Each recording scans end to end through the loopback engine, with disks, NICs and snapshots followed. */
class OvirtRecordedEngineIT {

    @Test
    void everyRecordingScans() throws Exception {
        Path recorded = SharedDir.require("fixtures/ovirt/recorded");
        int engines = 0;
        int vms = 0;
        int disks = 0;
        int nics = 0;
        for (Path dir : RecordedEngines.directories(recorded)) {
            int expected = RecordedEngines.vmCount(dir);
            if (expected == 0) {
                continue;
            }
            try (MockWebServer server = new MockWebServer()) {
                server.setDispatcher(RecordedEngines.engine(dir));
                server.start();
                OvirtSettings s = new OvirtSettings(new EngineSettings(
                        URI.create(server.url("/ovirt-engine/api").toString()), "admin@internal",
                        Secret.of(FakeEngine.PASSWORD.toCharArray()), Optional.empty(), false, Duration.ofSeconds(5),
                        Duration.ofSeconds(30)), Optional.empty(), 2);
                try (OvirtSource src = OvirtSource.open(s)) {
                    Inventory inv = src.scan(VmSelector.ALL);
                    assertThat(inv.vms()).as(dir.getFileName().toString()).hasSize(expected);
                    engines++;
                    vms += inv.vms().size();
                    disks += inv.vms().stream().mapToInt(v -> v.disks().size()).sum();
                    nics += inv.vms().stream().mapToInt(v -> v.nics().size()).sum();
                    assertThat(inv.vms()).allSatisfy(v -> assertThat(v.id()).isNotBlank());
                }
            }
        }
        System.out.printf("recorded engines: %d scanned, %d VMs, %d disks, %d NICs%n", engines, vms, disks, nics);
        assertThat(engines).isGreaterThan(10);
        assertThat(disks).isPositive();
        assertThat(nics).isPositive();
    }
}
