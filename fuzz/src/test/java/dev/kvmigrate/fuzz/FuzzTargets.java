package dev.kvmigrate.fuzz;

import dev.kvmigrate.common.image.ImageHeaderFuzzer;
import dev.kvmigrate.converter.mapping.MappingsFuzzer;
import dev.kvmigrate.converter.validate.ManifestFuzzer;
import dev.kvmigrate.inventory.libvirt.DomainXmlFuzzer;
import dev.kvmigrate.inventory.libvirt.NodeDeviceXmlFuzzer;
import dev.kvmigrate.inventory.model.InventoryFuzzer;
import dev.kvmigrate.inventory.ova.OvaTarFuzzer;
import dev.kvmigrate.inventory.ova.OvfFuzzer;
import dev.kvmigrate.inventory.ovirt.OvirtXmlFuzzer;
import dev.kvmigrate.plans.model.PlanFuzzer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every parser of untrusted input, as a Jazzer target class ({@code fuzzerTestOneInput(byte[])}), with where its
 * seeds come from: globs under {@code ../shared/fixtures} (real files from other projects and crafted hostile
 * ones) and under this repository (our own examples). Only minimised findings are committed, under
 * {@code fuzz/src/test/resources/fuzz-findings/<target>/}.
 */
public enum FuzzTargets {
    DOMAIN_XML(DomainXmlFuzzer.class, "shared:libvirt/domains/**.xml", "shared:real-2/libvirt/**.xml",
            "shared:real-2/libvirt-derived/**.xml", "shared:hostile/deep-xml/**", "repo:examples/gpu-host/*.xml"),
    NODE_DEVICE_XML(NodeDeviceXmlFuzzer.class, "shared:libvirt/nodedev/**.xml", "shared:real-2/nodedev/**",
            "repo:examples/gpu-host/nodedev/*.xml"),
    OVF(OvfFuzzer.class, "shared:ovf/**.ovf", "shared:real-2/ovf/**.ovf"),
    OVA_TAR(OvaTarFuzzer.class, "shared:real-2/**.ova", "shared:hostile/*.ova"),
    OVIRT_XML(OvirtXmlFuzzer.class, "shared:ovirt/**.xml", "shared:real-2/ovirt/**.xml",
            "shared:real-2/ovirt-derived/**.xml"),
    IMAGE_HEADER(ImageHeaderFuzzer.class, "shared:hostile/*.qcow2", "shared:hostile/*.vmdk"),
    INVENTORY(InventoryFuzzer.class, "repo:converter/src/test/resources/dev/kvmigrate/converter/golden/gpu-host-inventory.yaml",
            "repo:inventory/src/test/resources/**.yaml", "repo:ui-cli/src/test/resources/**inventory*.yaml"),
    PLAN(PlanFuzzer.class, "repo:examples/*.yaml", "repo:plans/src/test/resources/dev/kvmigrate/plans/model/**.yaml"),
    MAPPINGS(MappingsFuzzer.class, "repo:converter/src/test/resources/dev/kvmigrate/converter/golden/*mappings.yaml",
            "repo:converter/src/test/resources/dev/kvmigrate/converter/mapping/**.yaml"),
    MANIFEST(ManifestFuzzer.class, "shared:hostile/validate-npe/*.yaml",
            "repo:converter/src/test/resources/dev/kvmigrate/converter/validate/**.yaml",
            "repo:converter/src/test/resources/dev/kvmigrate/converter/golden/[a-z]*-0?.yaml");

    private final Class<?> target;
    private final List<String> seeds;

    FuzzTargets(Class<?> target, String... seeds) {
        this.target = target;
        this.seeds = List.of(seeds);
    }

    public Class<?> target() {
        return target;
    }

    /** The seed files that exist, from {@code shared} (../shared/fixtures) and {@code repo} (this checkout). */
    public List<Path> seeds(Path repo, Path sharedFixtures) {
        List<Path> out = new ArrayList<>();
        for (String s : seeds) {
            boolean shared = s.startsWith("shared:");
            Path root = shared ? sharedFixtures : repo;
            String glob = s.substring(s.indexOf(':') + 1);
            if (root == null || !Files.isDirectory(root)) {
                continue;
            }
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(Files::isRegularFile).filter(f -> m.matches(root.relativize(f)))
                        .filter(f -> !f.toString().contains("/target/")).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** The committed findings of this target (minimised inputs that once crashed it). */
    public List<Path> findings(Path repo) {
        Path dir = repo.resolve("fuzz/src/test/resources/fuzz-findings").resolve(name());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
