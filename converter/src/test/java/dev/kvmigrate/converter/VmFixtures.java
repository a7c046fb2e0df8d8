package dev.kvmigrate.converter;

import dev.kvmigrate.inventory.model.Cpu;
import dev.kvmigrate.inventory.model.Firmware;
import dev.kvmigrate.inventory.model.Gpu;
import dev.kvmigrate.inventory.model.HostDevice;
import dev.kvmigrate.inventory.model.Memory;
import dev.kvmigrate.inventory.model.Vm;
import java.util.List;
import java.util.Optional;

/** Minimal VMs for table tests, with copy-and-change helpers. */
public final class VmFixtures {
    private VmFixtures() {}

    public static Builder vm(String name) {
        return new Builder(new Vm("id-" + name, name, null, null, null, null, Cpu.simple(2), Memory.of(2L << 30),
                Firmware.bios(Optional.of("pc-q35-7.2")), null, null, null, null, null, null, null, null, null,
                null, null, null, null, 0, null));
    }

    /** Wraps a VM; each {@code with…} returns the changed VM. */
    public record Builder(Vm v) {
        public Vm withGpus(List<Gpu> gpus) {
            return new Vm(v.id(), v.name(), v.sourceRef(), v.title(), v.description(), v.powerState(), v.cpu(),
                    v.memory(), v.firmware(), v.os(), v.features(), v.clock(), v.disks(), v.nics(), gpus,
                    v.hostDevices(), v.tpm(), v.watchdog(), v.graphics(), v.video(), v.placement(),
                    v.customProperties(), v.snapshots(), v.concerns());
        }

        public Vm withHostDevices(List<HostDevice> devices) {
            return new Vm(v.id(), v.name(), v.sourceRef(), v.title(), v.description(), v.powerState(), v.cpu(),
                    v.memory(), v.firmware(), v.os(), v.features(), v.clock(), v.disks(), v.nics(), v.gpus(),
                    devices, v.tpm(), v.watchdog(), v.graphics(), v.video(), v.placement(), v.customProperties(),
                    v.snapshots(), v.concerns());
        }
    }
}
