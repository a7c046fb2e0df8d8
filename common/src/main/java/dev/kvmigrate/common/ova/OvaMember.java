package dev.kvmigrate.common.ova;

import dev.kvmigrate.common.KvMigrateException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One member of an OVA tar as {@link OvaTarReader} met it, judged by {@link OvaMemberPolicy}.
 *
 * @param name the member name, {@linkplain OvaMemberPolicy#normalize(String) normalized}; never resolved as a path
 * @param size bytes of the member
 * @param dataOffset where its bytes start in the OVA file; empty for a gzip-compressed OVA, which cannot be sliced
 * @param refusal why the policy refuses the member (a complete message naming the OVA, the member and the fix);
 *     empty for a usable member
 */
public record OvaMember(String name, long size, OptionalLong dataOffset, Optional<String> refusal) {
    public OvaMember {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dataOffset, "dataOffset");
        Objects.requireNonNull(refusal, "refusal");
        if (size < 0) {
            throw new IllegalArgumentException("member " + name + ": negative size " + size);
        }
    }

    /**
     * This member, when the policy lets it be read.
     *
     * @throws KvMigrateException invalid input with the policy's refusal otherwise
     */
    public OvaMember requireUsable() {
        refusal.ifPresent(r -> {
            throw KvMigrateException.invalidInput(r);
        });
        return this;
    }
}
