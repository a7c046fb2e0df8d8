package dev.kvmigrate.converter;

import static dev.kvmigrate.converter.Trees.obj;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.common.disk.DiskLocation;
import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.converter.mapping.StorageRule;
import dev.kvmigrate.converter.storage.ClusterStorage;
import dev.kvmigrate.converter.storage.FilesystemOverhead;
import dev.kvmigrate.converter.storage.StorageChoice;
import dev.kvmigrate.inventory.concern.ConcernCode;
import dev.kvmigrate.inventory.concern.KubernetesName;
import dev.kvmigrate.inventory.model.Concern;
import dev.kvmigrate.inventory.model.Disk;
import dev.kvmigrate.inventory.model.DiskBus;
import dev.kvmigrate.inventory.model.DiskDevice;
import dev.kvmigrate.inventory.model.DiskSourceType;
import dev.kvmigrate.inventory.model.SourceRef;
import dev.kvmigrate.inventory.model.Vm;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Disks → {@code devices.disks}, {@code volumes} and one CDI DataVolume per disk. Pure.
 *
 * <p>Volume size: the virtual size (or the storage map's {@code size}), plus the filesystem overhead unless the
 * volume mode is Block: {@code ceil(virtual / (1 - overhead))}, rounded up to a whole MiB. The overhead is the
 * cluster's (CDIConfig {@code filesystemOverhead.storageClass[class]}, else {@code .global}) when the options carry
 * its storage facts, else CDI's default 0.055. The headroom holds even where CDI does not add it itself.
 *
 * <p>Modes: with the cluster's storage facts, access and volume modes the storage rule leaves open come from the
 * class's StorageProfile ({@link StorageChoice}), so the DataVolume says what CDI will do; pins that fit none of the
 * profile's sets are kept and reported ({@code STORAGE_PROFILE_MISMATCH}).
 */
final class DiskMapping {
    static final String VIRTUAL_SIZE_ANNOTATION = "kv-migrate.dev/virtual-size";

    private DiskMapping() {}

    /**
     * The mapped disks of one VM.
     *
     * @param compat the targets of the disks put on SATA because the guest needs compatible devices
     */
    record Disks(ArrayNode disks, ArrayNode volumes, List<DiskTransfer> transfers, List<String> compat) {}

    /** Bytes to request for a disk of {@code virtualBytes}, with CDI's default overhead. */
    static long requestBytes(long virtualBytes, Optional<String> volumeMode) {
        return requestBytes(virtualBytes, volumeMode, FilesystemOverhead.Overhead.DEFAULT);
    }

    /** Bytes to request for a disk of {@code virtualBytes} on a volume of {@code volumeMode} with {@code overhead}. */
    static long requestBytes(long virtualBytes, Optional<String> volumeMode, FilesystemOverhead.Overhead overhead) {
        if (volumeMode.map("Block"::equals).orElse(false)) {
            return Quantity.roundUpToMib(virtualBytes);
        }
        return Quantity.roundUpToMib(overhead.inflate(virtualBytes));
    }

    /** KubeVirt disk bus for a source bus: IDE → sata, unknown ones → virtio. */
    static String bus(DiskDevice device, DiskBus bus) {
        if (device == DiskDevice.CDROM) {
            return bus == DiskBus.SCSI ? "scsi" : "sata";
        }
        return switch (bus) {
            case VIRTIO -> "virtio";
            case SATA, IDE -> "sata";
            case SCSI -> "scsi";
            case USB -> "usb";
            default -> "virtio";
        };
    }

    /**
     * @param vmName the VM's name on the target; DataVolumes are named after it
     * @param storageClass a per-VM storage class that wins over the storage map's
     * @param rwx whether the VM live-migrates: a StorageProfile set offering ReadWriteMany is then preferred
     * @param guest whether the guest needs compatible devices ({@link GuestReadiness})
     */
    static Disks map(Vm vm, SourceRef source, String vmName, Optional<String> namespace, Mappings mappings,
            ConvertOptions options, Optional<String> storageClass, StorageChoice.RwxWanted rwx,
            UnaryOperator<String> unique, Map<String, String> labels, GuestReadiness.Decision guest,
            Consumer<Concern> concerns) {
        List<String> compat = new ArrayList<>();
        ArrayNode disks = Trees.F.arrayNode();
        ArrayNode volumes = Trees.F.arrayNode();
        List<DiskTransfer> dvs = new ArrayList<>();
        boolean anyBootOrder = vm.disks().stream().anyMatch(d -> d.bootOrder().isPresent());
        boolean firstDisk = true;
        for (int i = 0; i < vm.disks().size(); i++) {
            Disk d = vm.disks().get(i);
            String field = "disks[" + i + "]";
            String who = "VM " + vm.name() + ": disk " + d.target();
            if (d.device() == DiskDevice.FLOPPY || (d.device() == DiskDevice.CDROM
                    && d.source().type() == DiskSourceType.NONE)) {
                concerns.accept(ConcernCode.DISK_SKIPPED.at(field, who + " (" + d.device().name()
                        .toLowerCase(Locale.ROOT) + " without an image) is not created"));
                continue;
            }
            if (d.device() == DiskDevice.LUN || d.source().type() == DiskSourceType.OVIRT_LUN) {
                concerns.accept(ConcernCode.DISK_LUN.at(field, who + " is a direct LUN; attach the"
                        + " LUN to the cluster as a PVC and add it to the VM by hand"));
                continue;
            }
            StorageRule mapped = mappings.storageFor(vm.name(), d.target(), d.source().pool()
                    .or(() -> d.source().type() == DiskSourceType.OVIRT_IMAGE ? d.source().host() : Optional.empty()));
            StorageRule rule = storageClass.map(sc -> mapped.overriddenBy(new StorageRule(Optional.of(sc),
                    Optional.empty(), List.of(), Optional.empty(), Optional.empty()))).orElse(mapped);
            Optional<Long> size = rule.sizeBytes().or(d::virtualSize).filter(s -> s > 0);
            if (size.isEmpty() && d.device() == DiskDevice.CDROM) {
                concerns.accept(ConcernCode.CDROM_SIZE_UNKNOWN.at(field, who + " is a CD-ROM image of unknown size"
                        + " and is left out; give its size in a storage.disks entry '" + vm.name() + "/" + d.target()
                        + "' to carry it"));
                continue;
            }
            // Where the bytes come from before the size: an unreadable disk needs 'blank', and then a size.
            DiskTransfer.Population population = rule.isBlank() ? DiskTransfer.Population.BLANK
                    : options.imageio().isPresent() && d.source().type() == DiskSourceType.OVIRT_IMAGE
                            ? DiskTransfer.Population.IMAGEIO : DiskTransfer.Population.UPLOAD;
            Optional<DiskLocation> location = d.source().location(source);
            if (population == DiskTransfer.Population.UPLOAD && location.isEmpty()) {
                concerns.accept(ConcernCode.DISK_SOURCE_UNREADABLE.at(field, who + " (" + describe(d)
                        + ") cannot be read by kv-migrate; " + unreadableFix(d, source)));
                continue;
            }
            if (size.isEmpty()) {
                String known = d.virtualSize().map(v -> " reports a virtual size of " + v + " bytes")
                        .orElse(" has no known virtual size");
                concerns.accept(ConcernCode.DISK_SIZE_UNKNOWN.at(field, who + known + "; add 'size' to a storage.disks entry '" + vm.name() + "/" + d.target() + "'"));
                continue;
            }
            StorageChoice choice = StorageChoice.of(rule.storageClassName(), rule.accessModes(), rule.volumeMode(),
                    options.storage(), rwx);
            choice.mismatch().ifPresent(why -> concerns.accept(ConcernCode.STORAGE_PROFILE_MISMATCH.at(field,
                    who + ": " + why + "; CDI may fail to bind the volume, so fix the storage map (or drop the"
                    + " pinned modes and let the profile decide)")));
            String diskName = KubernetesName.of(d.target());
            String dvName = unique.apply(vmName + "-" + diskName);
            fromCluster(rule, choice, options.storage(), dvName, size.get())
                    .ifPresent(why -> concerns.accept(ConcernCode.STORAGE_FROM_CLUSTER.at(field, who + ": " + why)));
            disks.add(diskEntry(d, diskName, field, who, guest, concerns,
                    !anyBootOrder && firstDisk && d.device() == DiskDevice.DISK));
            if (GuestReadiness.compatBus(d.device(), d.bus(), guest)) {
                compat.add(d.target());
            }
            firstDisk &= d.device() != DiskDevice.DISK;
            ObjectNode volume = volumes.addObject().put("name", diskName);
            volume.putObject("dataVolume").put("name", dvName);
            dvs.add(new DiskTransfer(dvName, d.target(), dataVolume(vm, d, dvName, namespace, size.get(), rule,
                    choice, population, options, labels), population, population == DiskTransfer.Population.UPLOAD
                    ? location : Optional.empty(), d.format(), size.get()));
        }
        return new Disks(disks, volumes, dvs, compat);
    }

    /**
     * What the cluster decided for a DataVolume, when it decided anything: modes the rule left open filled from the
     * class's profile, an overhead other than CDI's default.
     */
    private static Optional<String> fromCluster(StorageRule rule, StorageChoice choice,
            Optional<ClusterStorage> storage, String dvName, long virtualBytes) {
        if (storage.isEmpty()) {
            return Optional.empty();
        }
        boolean modes = !choice.accessModes().equals(rule.accessModes())
                || !choice.volumeMode().equals(rule.volumeMode());
        boolean overhead = !choice.block() && !choice.overhead().equals(FilesystemOverhead.Overhead.DEFAULT);
        if (!modes && !overhead) {
            return Optional.empty();
        }
        Optional<String> cls = storage.get().classOf(rule.storageClassName());
        String on = cls.map(c -> " on storage class " + c + (rule.storageClassName().isEmpty() ? " (the default)"
                : "")).orElse("");
        String modeText = modes ? ": " + choice.volumeMode().orElse("any mode") + "/" + String.join("+",
                choice.accessModes()) + " from its StorageProfile" : "";
        long bytes = requestBytes(virtualBytes, choice.volumeMode(), choice.overhead());
        String sizeText = "; requests " + Quantity.format(bytes) + " for a virtual size of " + virtualBytes
                + " bytes" + (choice.block() ? " (Block: no filesystem overhead)" : " (plus the "
                + choice.overhead().percent() + " filesystem overhead of " + choice.overhead().source() + ")");
        return Optional.of("DataVolume " + dvName + on + modeText + sizeText);
    }

    /** A disk's entry; a bus change the guest's compatible devices explain is GUEST_COMPAT_DEVICES's, not here. */
    private static ObjectNode diskEntry(Disk d, String diskName, String field, String who,
            GuestReadiness.Decision guest, Consumer<Concern> concerns, boolean defaultBoot) {
        ObjectNode n = obj().put("name", diskName);
        String bus = GuestReadiness.bus(d.device(), d.bus(), guest);
        boolean changed = d.device() == DiskDevice.DISK && !bus.equals(d.bus().name().toLowerCase(Locale.ROOT))
                && !GuestReadiness.compatBus(d.device(), d.bus(), guest);
        if (changed) {
            concerns.accept(ConcernCode.DISK_BUS_CHANGED.at(field + ".bus", who + ": bus "
                    + d.bus().name().toLowerCase(Locale.ROOT) + " becomes " + bus + "; the guest needs a " + bus
                    + " driver"));
        }
        if (d.device() == DiskDevice.CDROM) {
            n.putObject("cdrom").put("bus", bus).put("readonly", true);
        } else {
            ObjectNode target = n.putObject("disk").put("bus", bus);
            if (d.readOnly()) {
                target.put("readonly", true);
            }
        }
        d.bootOrder().ifPresentOrElse(o -> n.put("bootOrder", o), () -> {
            if (defaultBoot) {
                n.put("bootOrder", 1);
            }
        });
        d.serial().ifPresent(s -> n.put("serial", s));
        if (d.shareable()) {
            n.put("shareable", true);
        }
        return n;
    }

    private static String describe(Disk d) {
        return d.source().type().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + (d.source().location().isEmpty() ? "" : " " + d.source().location());
    }

    private static String unreadableFix(Disk d, SourceRef source) {
        return switch (d.source().type()) {
            // A remote file outside any pool is read through a transient pool (DiskLocation.LibvirtFile): what is
            // left unreadable is a file with no absolute path, or a volume whose pool is not known.
            case FILE, VOLUME -> "the libvirt host " + source.location() + " names no absolute file path or storage"
                    + " pool for it; check the disk's source in the domain XML (virsh dumpxml) and scan again, or"
                    + " mark the disk blank in a storage.disks entry";
            case BLOCK -> "it is a block device, which kv-migrate reads only as a storage-pool volume; define a"
                    + " logical or disk pool that holds it (virsh pool-define-as) and scan again, or mark the disk"
                    + " blank in a storage.disks entry";
            case NETWORK -> "copy the " + d.source().protocol().orElse("network") + " disk to a file or URL by"
                    + " other means, or mark it blank in a storage.disks entry";
            default -> "copy its data by other means, or mark it blank in a storage.disks entry";
        };
    }

    private static Manifest dataVolume(Vm vm, Disk d, String dvName, Optional<String> namespace, long virtualBytes,
            StorageRule rule, StorageChoice choice, DiskTransfer.Population population, ConvertOptions options,
            Map<String, String> labels) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("kv-migrate.dev/source-vm", vm.name());
        annotations.put("kv-migrate.dev/source-disk", d.target());
        if (!d.source().location().isEmpty()) {
            annotations.put("kv-migrate.dev/source-location", d.source().location());
        }
        annotations.put("kv-migrate.dev/source-format", d.format().name().toLowerCase(Locale.ROOT));
        annotations.put(VIRTUAL_SIZE_ANNOTATION, Long.toString(virtualBytes));
        ObjectNode dv = obj().put("apiVersion", "cdi.kubevirt.io/v1beta1").put("kind", "DataVolume");
        dv.set("metadata", Trees.metadata(dvName, namespace, labels, annotations));
        ObjectNode spec = dv.putObject("spec");
        ObjectNode source = spec.putObject("source");
        if (population == DiskTransfer.Population.BLANK) {
            source.putObject("blank");
        } else if (population == DiskTransfer.Population.IMAGEIO) {
            ConvertOptions.Imageio io = options.imageio().get();
            ObjectNode imageio = source.putObject("imageio").put("url", io.url()).put("diskId",
                    d.source().location()).put("secretRef", io.secretRef());
            io.certConfigMap().ifPresent(c -> imageio.put("certConfigMap", c));
        } else {
            source.putObject("upload");
        }
        spec.put("contentType", "kubevirt");
        ObjectNode storage = spec.putObject("storage");
        if (!choice.accessModes().isEmpty()) {
            ArrayNode modes = storage.putArray("accessModes");
            choice.accessModes().forEach(modes::add);
        }
        choice.volumeMode().ifPresent(m -> storage.put("volumeMode", m));
        rule.storageClassName().ifPresent(c -> storage.put("storageClassName", c));
        storage.putObject("resources").putObject("requests").put("storage",
                Quantity.format(requestBytes(virtualBytes, choice.volumeMode(), choice.overhead())));
        return Manifest.of("datavolume-" + dvName + ".yaml", dv);
    }
}
