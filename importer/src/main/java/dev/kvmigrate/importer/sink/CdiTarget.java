package dev.kvmigrate.importer.sink;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which volume to upload into and how to reach the upload proxy.
 *
 * @param kind a DataVolume (created with an upload source) or a PVC (annotated as upload target)
 * @param namespace the namespace
 * @param name the DataVolume / PVC name
 * @param size requested size in bytes when creating; empty = the image's virtual size rounded up to MiB
 * @param storageClass storage class when creating
 * @param accessMode access mode when creating (e.g. ReadWriteOnce)
 * @param volumeMode {@code Filesystem} or {@code Block} when creating
 * @param create whether a missing volume may be created
 * @param forceBind request immediate binding on a WaitForFirstConsumer storage class
 * @param proxyUrl upload proxy URL overriding CDIConfig
 * @param caFile PEM file of CAs trusted for the proxy; default: CDIConfig status.uploadProxyCA, else the system's
 * @param insecure skip TLS verification of the proxy (never the default)
 */
public record CdiTarget(Kind kind, String namespace, String name, OptionalLong size, Optional<String> storageClass,
        Optional<String> accessMode, Optional<String> volumeMode, boolean create, boolean forceBind,
        Optional<String> proxyUrl, Optional<Path> caFile, boolean insecure) {
    /** DataVolume or PVC. */
    public enum Kind {
        DV("dv"),
        PVC("pvc");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    public CdiTarget {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(storageClass, "storageClass");
        Objects.requireNonNull(accessMode, "accessMode");
        Objects.requireNonNull(volumeMode, "volumeMode");
        Objects.requireNonNull(proxyUrl, "proxyUrl");
        Objects.requireNonNull(caFile, "caFile");
    }

    /** A DataVolume target with defaults: created when missing, TLS verified, proxy from CDIConfig. */
    public static CdiTarget dataVolume(String namespace, String name) {
        return new CdiTarget(Kind.DV, namespace, name, OptionalLong.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), true, false, Optional.empty(), Optional.empty(), false);
    }

    /** The same target as a PVC. */
    public CdiTarget asPvc() {
        return new CdiTarget(Kind.PVC, namespace, name, size, storageClass, accessMode, volumeMode, create, forceBind,
                proxyUrl, caFile, insecure);
    }

    public CdiTarget withSize(long bytes) {
        return new CdiTarget(kind, namespace, name, OptionalLong.of(bytes), storageClass, accessMode, volumeMode,
                create, forceBind, proxyUrl, caFile, insecure);
    }

    public CdiTarget withCreate(boolean c) {
        return new CdiTarget(kind, namespace, name, size, storageClass, accessMode, volumeMode, c, forceBind,
                proxyUrl, caFile, insecure);
    }

    public CdiTarget withForceBind(boolean f) {
        return new CdiTarget(kind, namespace, name, size, storageClass, accessMode, volumeMode, create, f,
                proxyUrl, caFile, insecure);
    }

    public CdiTarget withProxyUrl(String url) {
        return new CdiTarget(kind, namespace, name, size, storageClass, accessMode, volumeMode, create, forceBind,
                Optional.of(url), caFile, insecure);
    }

    public CdiTarget withStorage(Optional<String> sc, Optional<String> access, Optional<String> mode) {
        return new CdiTarget(kind, namespace, name, size, sc, access, mode, create, forceBind, proxyUrl, caFile,
                insecure);
    }

    public CdiTarget withTls(Optional<Path> ca, boolean skipVerify) {
        return new CdiTarget(kind, namespace, name, size, storageClass, accessMode, volumeMode, create, forceBind,
                proxyUrl, ca, skipVerify);
    }

    /** {@code dv/NS/NAME} or {@code pvc/NS/NAME}. */
    public String label() {
        return kind.prefix() + "/" + namespace + "/" + name;
    }

    public boolean blockMode() {
        return volumeMode.map(m -> m.equalsIgnoreCase("block")).orElse(false);
    }
}
