package dev.kvmigrate.converter.storage;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What CDI's StorageProfile ({@code cdi.kubevirt.io/v1beta1}, cluster-scoped, named after its storage class) says
 * about claiming a storage class.
 *
 * @param storageClass the class (status.storageClass, else the profile's name)
 * @param provisioner status.provisioner, when given
 * @param claimPropertySets status.claimPropertySets in order; the first is what CDI picks for a claim that pins
 *     neither access nor volume mode; empty when CDI does not know the provisioner
 */
public record StorageProfile(String storageClass, Optional<String> provisioner,
        List<ClaimPropertySet> claimPropertySets) {
    public StorageProfile {
        Objects.requireNonNull(storageClass, "storageClass");
        provisioner = Objects.requireNonNullElse(provisioner, Optional.empty());
        claimPropertySets = List.copyOf(Objects.requireNonNullElse(claimPropertySets, List.of()));
    }

    /** Whether any set offers ReadWriteMany. */
    public boolean offersRwx() {
        return claimPropertySets.stream().anyMatch(ClaimPropertySet::offersRwx);
    }

    /** The sets, as {@code Block/ReadWriteMany, Filesystem/ReadWriteOnce}, for messages. */
    public String describeSets() {
        return claimPropertySets.isEmpty() ? "no claim property sets" : String.join(", ",
                claimPropertySets.stream().map(ClaimPropertySet::toString).toList());
    }
}
