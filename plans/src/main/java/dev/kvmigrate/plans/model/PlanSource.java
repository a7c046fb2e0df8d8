package dev.kvmigrate.plans.model;

import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the VMs come from: exactly one of a libvirt URI, an oVirt engine, an OVA path or a directory of XML dumps.
 * Paths are relative to the plan file's directory. {@code ovfConfig} (with {@code ova} only) picks an OVF
 * deployment option, as {@code inventory scan --ovf-config} does; without it the OVF's default.
 */
public record PlanSource(Optional<String> libvirt, Optional<Ovirt> ovirt, Optional<String> ova,
        Optional<String> xmlDir, Optional<String> ovfConfig) {
    /** Which kind of source a plan names. */
    public enum Kind {
        LIBVIRT,
        OVIRT,
        OVA,
        XML_DIR
    }

    /**
     * An oVirt/RHV engine. The password is never in the plan: {@code passwordFile} or {@code passwordEnv} names
     * where to read it.
     */
    public record Ovirt(String url, String user, Optional<String> passwordFile, Optional<String> passwordEnv,
            Optional<String> caFile, Optional<Boolean> insecure) {
        public Ovirt {
            Objects.requireNonNull(url, "source.ovirt.url is required");
            Objects.requireNonNull(user, "source.ovirt.user is required (e.g. admin@internal)");
            passwordFile = Objects.requireNonNullElse(passwordFile, Optional.empty());
            passwordEnv = Objects.requireNonNullElse(passwordEnv, Optional.empty());
            caFile = Objects.requireNonNullElse(caFile, Optional.empty());
            insecure = Objects.requireNonNullElse(insecure, Optional.empty());
            if (passwordFile.isPresent() == passwordEnv.isPresent()) {
                throw new IllegalArgumentException("source.ovirt needs exactly one of passwordFile (a file whose first"
                        + " line is the password) or passwordEnv (an environment variable name); never the password");
            }
        }
    }

    public PlanSource {
        libvirt = Objects.requireNonNullElse(libvirt, Optional.empty());
        ovirt = Objects.requireNonNullElse(ovirt, Optional.empty());
        ova = Objects.requireNonNullElse(ova, Optional.empty());
        xmlDir = Objects.requireNonNullElse(xmlDir, Optional.empty());
        ovfConfig = Objects.requireNonNullElse(ovfConfig, Optional.empty());
        if (ovfConfig.isPresent() && ova.isEmpty()) {
            throw new IllegalArgumentException("source.ovfConfig picks an OVF deployment option and goes with"
                    + " source.ova only");
        }
        long set = Stream.of(libvirt, ovirt, ova, xmlDir).filter(Optional::isPresent).count();
        if (set != 1) {
            throw new IllegalArgumentException("source needs exactly one of libvirt, ovirt, ova, xmlDir; "
                    + (set == 0 ? "none is" : set + " are") + " set");
        }
    }

    public Kind kind() {
        if (libvirt.isPresent()) {
            return Kind.LIBVIRT;
        }
        if (ovirt.isPresent()) {
            return Kind.OVIRT;
        }
        return ova.isPresent() ? Kind.OVA : Kind.XML_DIR;
    }

    /** For people: {@code xmlDir gpu-host/}, {@code libvirt qemu:///system}. */
    public String describe() {
        return switch (kind()) {
            case LIBVIRT -> "libvirt " + libvirt.get();
            case OVIRT -> "oVirt " + ovirt.get().url();
            case OVA -> "OVA " + ova.get() + ovfConfig.map(c -> " (configuration " + c + ")").orElse("");
            case XML_DIR -> "xmlDir " + xmlDir.get();
        };
    }
}
