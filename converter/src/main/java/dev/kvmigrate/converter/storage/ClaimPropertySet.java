package dev.kvmigrate.converter.storage;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One way a storage class can be claimed, as a CDI StorageProfile lists it ({@code status.claimPropertySets[]}).
 *
 * @param accessModes {@code ReadWriteOnce}, {@code ReadWriteMany}, … in the profile's order
 * @param volumeMode {@code Block} or {@code Filesystem}; absent when the profile does not say
 */
public record ClaimPropertySet(List<String> accessModes, Optional<String> volumeMode) {
    public static final String RWX = "ReadWriteMany";

    public ClaimPropertySet {
        accessModes = List.copyOf(Objects.requireNonNullElse(accessModes, List.of()));
        volumeMode = Objects.requireNonNullElse(volumeMode, Optional.empty());
    }

    /** Whether this set offers ReadWriteMany. */
    public boolean offersRwx() {
        return accessModes.contains(RWX);
    }

    /**
     * Whether a claim that pins {@code modes} (empty: any) and {@code mode} (absent: any) fits this set: every pinned
     * access mode offered, the pinned volume mode the set's.
     */
    public boolean fits(List<String> modes, Optional<String> mode) {
        return accessModes.containsAll(modes) && mode.map(m -> volumeMode.map(m::equals).orElse(true)).orElse(true);
    }

    /** {@code Block/ReadWriteMany+ReadWriteOnce}, for messages. */
    @Override
    public String toString() {
        return volumeMode.orElse("any mode") + "/" + (accessModes.isEmpty() ? "no access mode"
                : String.join("+", accessModes));
    }
}
