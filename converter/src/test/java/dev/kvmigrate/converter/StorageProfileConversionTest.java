package dev.kvmigrate.converter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvmigrate.converter.mapping.Mappings;
import dev.kvmigrate.converter.mapping.MappingsReader;
import dev.kvmigrate.converter.storage.ClaimPropertySet;
import dev.kvmigrate.converter.storage.ClusterStorage;
import dev.kvmigrate.converter.storage.FilesystemOverhead;
import dev.kvmigrate.converter.storage.StorageProfile;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.libvirt.XmlDumpSource;
import dev.kvmigrate.inventory.model.Concern;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The example converted with the cluster's storage facts: modes the storage map leaves open come from the class's
 * StorageProfile, sizes carry the class's overhead, pins the profile does not offer and a live-migrating vGPU VM on a
 * class without RWX are reported; without the facts nothing changes.
 */
class StorageProfileConversionTest {
    private static final Path EXAMPLE = Path.of("..", "examples", "gpu-host");
    private static final String NETWORKS = """
            networks:
              br-design: {type: bridge, nad: design/br-design}
              default: {type: pod}
            """;
    private static final ClusterStorage STORAGE = new ClusterStorage(Map.of(
            "rbd", new StorageProfile("rbd", Optional.of("rbd.csi.ceph.com"), List.of(
                    new ClaimPropertySet(List.of("ReadWriteMany"), Optional.of("Block")))),
            "local", new StorageProfile("local", Optional.empty(), List.of(
                    new ClaimPropertySet(List.of("ReadWriteOnce"), Optional.of("Filesystem"))))),
            new FilesystemOverhead(Optional.of(new BigDecimal("0.055")), Map.of("local", new BigDecimal("0.1"))),
            Optional.empty());

    private static ConversionResult convert(String mappings, Optional<ClusterStorage> storage) {
        Mappings m = MappingsReader.parse(NETWORKS + mappings, "mappings.yaml");
        return Converter.convert(XmlDumpSource.open(EXAMPLE).scan(VmSelector.ALL), VmSelector.ALL, m,
                ConvertOptions.DEFAULTS.withStorage(storage));
    }

    private static JsonNode storage(ConversionResult r, String vm) {
        return r.vm(vm).orElseThrow().disks().get(0).manifest().tree().at("/spec/storage");
    }

    private static List<Concern> concerns(ConversionResult r, String vm, String code) {
        return r.vm(vm).orElseThrow().concerns().stream().filter(c -> c.code().equals(code)).toList();
    }

    @Test
    void unpinnedModesAndOverheadComeFromTheCluster() {
        String map = "storage:\n  default: {storageClassName: rbd, size: 20Gi}\n";
        ConversionResult with = convert(map, Optional.of(STORAGE));
        JsonNode s = storage(with, "web-03");
        assertThat(s.path("volumeMode").asText()).isEqualTo("Block");
        assertThat(s.path("accessModes").toString()).isEqualTo("[\"ReadWriteMany\"]");
        assertThat(concerns(with, "web-03", "STORAGE_FROM_CLUSTER")).singleElement().extracting(Concern::message)
                .asString().endsWith(": DataVolume web-03-vda on storage class rbd: Block/ReadWriteMany from its"
                        + " StorageProfile; requests 20Gi for a virtual size of 21474836480 bytes (Block: no filesystem"
                        + " overhead)");
        ConversionResult without = convert(map, Optional.empty());
        assertThat(concerns(without, "web-03", "STORAGE_FROM_CLUSTER")).isEmpty();
        assertThat(storage(without, "web-03").has("volumeMode")).isFalse();
        assertThat(storage(without, "web-03").has("accessModes")).isFalse();

        String local = "storage:\n  default: {storageClassName: local, size: 20Gi}\n";
        long virtual = Long.parseLong(convert(local, Optional.empty()).vm("web-03").orElseThrow().disks().get(0)
                .manifest().tree().at("/metadata/annotations").path(DiskMapping.VIRTUAL_SIZE_ANNOTATION).asText());
        ConversionResult withLocal = convert(local, Optional.of(STORAGE));
        JsonNode l = storage(withLocal, "web-03");
        assertThat(concerns(withLocal, "web-03", "STORAGE_FROM_CLUSTER")).singleElement().extracting(Concern::message)
                .asString().contains("Filesystem/ReadWriteOnce from its StorageProfile", "plus the 10% filesystem"
                        + " overhead of CDIConfig filesystemOverhead.storageClass[local]");
        assertThat(l.at("/resources/requests/storage").asText()).isEqualTo(Quantity.format(Quantity.roundUpToMib(
                (virtual * 10 + 8) / 9)));
        assertThat(storage(convert(local, Optional.empty()), "web-03").at("/resources/requests/storage").asText())
                .isEqualTo(Quantity.format(DiskMapping.requestBytes(virtual, Optional.empty())));
    }

    @Test
    void pinsTheProfileDoesNotOfferAreKeptAndReported() {
        ConversionResult r = convert("storage:\n  default: {storageClassName: local, size: 20Gi, accessModes: [ReadWriteMany]}\n",
                Optional.of(STORAGE));
        assertThat(storage(r, "web-03").path("accessModes").toString()).isEqualTo("[\"ReadWriteMany\"]");
        assertThat(concerns(r, "web-03", "STORAGE_PROFILE_MISMATCH")).singleElement().extracting(Concern::message)
                .asString().contains("storage class local offers Filesystem/ReadWriteOnce",
                        "asks for any mode/ReadWriteMany");
        assertThat(concerns(convert("storage:\n  default: {storageClassName: local, size: 20Gi, accessModes: [ReadWriteMany]}\n",
                Optional.empty()), "web-03", "STORAGE_PROFILE_MISMATCH")).isEmpty();
    }

    @Test
    void aLiveMigratingVgpuVmOnAClassWithoutRwxIsToldTheClass() {
        String map = "evictionStrategy: LiveMigrate\nstorage:\n  default: {storageClassName: local, size: 20Gi}\n";
        ConversionResult r = convert(map, Optional.of(STORAGE));
        assertThat(concerns(r, "designer-ws-01", "EVICTION_NEEDS_RWX")).singleElement().extracting(Concern::message)
                .asString().contains("designer-ws-01-sda (storage class local, whose StorageProfile offers"
                        + " Filesystem/ReadWriteOnce)");
        ConversionResult rbd = convert("evictionStrategy: LiveMigrate\nstorage:\n  default: {storageClassName: rbd, size: 20Gi}\n",
                Optional.of(STORAGE));
        assertThat(concerns(rbd, "designer-ws-01", "EVICTION_NEEDS_RWX")).isEmpty();
        assertThat(storage(rbd, "designer-ws-01").path("accessModes").toString()).isEqualTo("[\"ReadWriteMany\"]");
    }
}
