package dev.kvmigrate.converter.mapping;

import dev.kvmigrate.common.Quantities;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How a disk's volume is created. Every field is optional: a more specific rule (per disk, then per source
 * pool/storage domain) overrides a less specific one (the default) field by field.
 *
 * @param storageClassName the StorageClass, or the cluster default when absent
 * @param volumeMode {@code Block} or {@code Filesystem}; CDI's storage profile decides when absent
 * @param accessModes {@code ReadWriteOnce}, {@code ReadWriteMany}, …; CDI's storage profile decides when empty
 * @param blank create the volume empty ({@code source.blank}) instead of importing the source disk's bytes
 * @param size the disk's size as a quantity ({@code 200Gi}, {@code 1.5Ti}, {@code 500G}; see {@link Quantities})
 *     when the source does not know it (block devices); only meaningful in a per-disk rule
 */
public record StorageRule(Optional<String> storageClassName, Optional<String> volumeMode, List<String> accessModes,
        Optional<Boolean> blank, Optional<String> size) {
    public static final StorageRule NONE = new StorageRule(Optional.empty(), Optional.empty(), List.of(),
            Optional.empty(), Optional.empty());
    private static final Set<String> VOLUME_MODES = Set.of("Block", "Filesystem");
    private static final Set<String> ACCESS_MODES = Set.of("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany",
            "ReadWriteOncePod");

    public StorageRule {
        storageClassName = Objects.requireNonNullElse(storageClassName, Optional.empty());
        volumeMode = Objects.requireNonNullElse(volumeMode, Optional.empty());
        accessModes = List.copyOf(Objects.requireNonNullElse(accessModes, List.of()));
        blank = Objects.requireNonNullElse(blank, Optional.empty());
        size = Objects.requireNonNullElse(size, Optional.empty());
        size.ifPresent(s -> Quantities.bytes(s, "size"));
        volumeMode.ifPresent(m -> {
            if (!VOLUME_MODES.contains(m)) {
                throw new IllegalArgumentException("volumeMode '" + m + "' is not Block or Filesystem");
            }
        });
        for (String mode : accessModes) {
            if (!ACCESS_MODES.contains(mode)) {
                throw new IllegalArgumentException("access mode '" + mode + "' is not one of " + ACCESS_MODES);
            }
        }
    }

    /** This rule with every field {@code over} sets replaced by {@code over}'s value. */
    public StorageRule overriddenBy(StorageRule over) {
        return new StorageRule(over.storageClassName.or(() -> storageClassName),
                over.volumeMode.or(() -> volumeMode),
                over.accessModes.isEmpty() ? accessModes : over.accessModes,
                over.blank.or(() -> blank),
                over.size.or(() -> size));
    }

    /** The size in bytes given by this rule, if any. */
    public Optional<Long> sizeBytes() {
        return size.map(s -> Quantities.bytes(s, "size"));
    }

    public boolean isBlank() {
        return blank.orElse(false);
    }
}
