package dev.kvmigrate.converter.storage;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The access and volume modes a DataVolume is written with, the filesystem overhead its size carries, and what
 * contradicts the storage class's StorageProfile. Pure.
 *
 * @param accessModes the modes to write (empty: left to CDI)
 * @param volumeMode the mode to write (absent: left to CDI)
 * @param overhead the filesystem overhead for the size (not applied to Block)
 * @param mismatch why the pinned modes fit none of the profile's sets, naming the class and what it offers
 */
public record StorageChoice(List<String> accessModes, Optional<String> volumeMode,
        FilesystemOverhead.Overhead overhead, Optional<String> mismatch) {
    public StorageChoice {
        accessModes = List.copyOf(Objects.requireNonNullElse(accessModes, List.of()));
        volumeMode = Objects.requireNonNullElse(volumeMode, Optional.empty());
        Objects.requireNonNull(overhead, "overhead");
        mismatch = Objects.requireNonNullElse(mismatch, Optional.empty());
    }

    /** Whether the volume is a Block volume (no filesystem overhead). */
    public boolean block() {
        return volumeMode.map("Block"::equals).orElse(false);
    }

    /**
     * The choice for a claim that pins {@code accessModes} (empty: none) and {@code volumeMode} on {@code
     * storageClass}. Without cluster facts, or without a profile for the class, the pins stand as they are and the
     * overhead is CDI's default (or the cluster's). With a profile, unpinned modes come from the first set that fits
     * the pins — the first offering ReadWriteMany when {@code rwxWanted} — and pins that fit no set are kept and
     * reported.
     */
    public static StorageChoice of(Optional<String> storageClass, List<String> accessModes,
            Optional<String> volumeMode, Optional<ClusterStorage> cluster, RwxWanted rwxWanted) {
        FilesystemOverhead.Overhead overhead = cluster.map(c -> c.overheadOf(storageClass))
                .orElse(FilesystemOverhead.Overhead.DEFAULT);
        Optional<StorageProfile> profile = cluster.flatMap(c -> c.profileOf(storageClass));
        if (profile.isEmpty() || profile.get().claimPropertySets().isEmpty()) {
            return new StorageChoice(accessModes, volumeMode, overhead, Optional.empty());
        }
        List<ClaimPropertySet> fitting = profile.get().claimPropertySets().stream()
                .filter(s -> s.fits(accessModes, volumeMode)).toList();
        if (fitting.isEmpty()) {
            String pinned = volumeMode.orElse("any mode") + "/" + (accessModes.isEmpty() ? "any access mode"
                    : String.join("+", accessModes));
            return new StorageChoice(accessModes, volumeMode, overhead, Optional.of("the storage map asks for "
                    + pinned + " but the StorageProfile of storage class " + profile.get().storageClass()
                    + " offers " + profile.get().describeSets()));
        }
        ClaimPropertySet set = rwxWanted == RwxWanted.YES ? fitting.stream().filter(ClaimPropertySet::offersRwx)
                .findFirst().orElse(fitting.get(0)) : fitting.get(0);
        List<String> modes = accessModes.isEmpty() ? set.accessModes() : accessModes;
        return new StorageChoice(modes, volumeMode.or(set::volumeMode), overhead, Optional.empty());
    }

    /** Whether the VM needs ReadWriteMany volumes (it is set to live-migrate). */
    public enum RwxWanted { YES, NO }
}
