package dev.kvmigrate.inventory.libvirt;

import dev.kvmigrate.common.image.ImageFormat;
import dev.kvmigrate.common.image.ImageInfo;
import dev.kvmigrate.common.image.ImageProbe;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.concern.ModelRules;
import dev.kvmigrate.inventory.model.Disk;
import dev.kvmigrate.inventory.model.DiskFormat;
import dev.kvmigrate.inventory.model.DiskSource;
import dev.kvmigrate.inventory.model.DiskSourceType;
import dev.kvmigrate.inventory.model.Vm;
import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Steps both libvirt sources share once a domain is parsed: sizing disks, applying the model rules, selection. */
final class Scans {
    private static final Logger LOG = LoggerFactory.getLogger(Scans.class);

    private Scans() {}

    /** The VM with each disk passed through {@code sizer}, then the source-neutral concerns appended. */
    static Vm finish(Vm vm, UnaryOperator<Disk> sizer) {
        List<Disk> disks = new ArrayList<>();
        for (Disk d : vm.disks()) {
            disks.add(sizer.apply(d));
        }
        Vm sized = new Vm(vm.id(), vm.name(), vm.sourceRef(), vm.title(), vm.description(), vm.powerState(),
                vm.cpu(), vm.memory(), vm.firmware(), vm.os(), vm.features(), vm.clock(), disks, vm.nics(),
                vm.gpus(), vm.hostDevices(), vm.tpm(), vm.watchdog(), vm.graphics(), vm.video(), vm.placement(),
                vm.customProperties(), vm.snapshots(), vm.concerns());
        return sized.withConcerns(ModelRules.check(sized));
    }

    /** Throws when a {@code --vm} pattern matches none of {@code names}, listing what there is. */
    static void requireAllMatched(VmSelector selector, List<String> names, String where) {
        List<String> unmatched = selector.unmatched(names);
        if (!unmatched.isEmpty()) {
            String available = names.isEmpty() ? "(none)" : String.join(", ", names.size() > 30
                    ? names.subList(0, 30) : names) + (names.size() > 30 ? ", … (" + names.size() + " in all)" : "");
            throw KvMigrateException.invalidInput("no VM in " + where + " matches --vm " + String.join(", ", unmatched)
                    + "; VMs there: " + available);
        }
    }

    /**
     * Sizes a file-backed disk from its image header when the file is readable here; otherwise returns it
     * unchanged (ModelRules then raises DISK_SIZE_UNKNOWN).
     */
    static Disk probeLocal(Disk d, Path path) {
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            return d;
        }
        try {
            ImageInfo info = ImageProbe.probe(path);
            Optional<Long> allocated = info.format() == ImageFormat.RAW ? Optional.empty()
                    : Optional.of(Files.size(path));
            Disk sized = d.withSizes(info.virtualSize(), allocated);
            if (d.format() == DiskFormat.UNKNOWN) {
                DiskFormat f = formatOf(info.format());
                sized = new Disk(d.target(), d.device(), d.source(), f, sized.virtualSize(), sized.allocatedSize(),
                        d.bus(), d.bootOrder(), d.readOnly(), d.shareable(), d.serial(), d.name());
            }
            return sized;
        } catch (IOException | RuntimeException e) {
            LOG.info("disk {}: image header of {} unreadable: {}", d.target(), path, e.getMessage());
            return d;
        }
    }

    /** The same disk with its file source replaced by {@code path}. */
    static Disk withFile(Disk d, String path) {
        DiskSource s = d.source();
        return new Disk(d.target(), d.device(), new DiskSource(DiskSourceType.FILE, path, s.host(), s.protocol(),
                s.pool(), s.volume(), s.entry()), d.format(), d.virtualSize(), d.allocatedSize(), d.bus(),
                d.bootOrder(), d.readOnly(), d.shareable(), d.serial(), d.name());
    }

    private static DiskFormat formatOf(ImageFormat f) {
        try {
            return DiskFormat.valueOf(f.name());
        } catch (IllegalArgumentException e) {
            return DiskFormat.UNKNOWN;
        }
    }
}
