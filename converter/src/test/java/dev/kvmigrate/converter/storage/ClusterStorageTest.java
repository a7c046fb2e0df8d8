package dev.kvmigrate.converter.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.converter.storage.StorageChoice.RwxWanted;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** StorageProfile and CDIConfig objects → storage facts, and the modes and overhead a DataVolume gets from them. */
class ClusterStorageTest {
    private static JsonNode json(String text) throws Exception {
        return Mappers.json().readTree(text);
    }

    static final String BLOCK_RWX = """
            {"apiVersion": "cdi.kubevirt.io/v1beta1", "kind": "StorageProfile", "metadata": {"name": "ceph-rbd"},
             "spec": {},
             "status": {"provisioner": "rbd.csi.ceph.com", "storageClass": "ceph-rbd",
                        "claimPropertySets": [{"accessModes": ["ReadWriteMany"], "volumeMode": "Block"},
                                              {"accessModes": ["ReadWriteOnce"], "volumeMode": "Filesystem"}]}}""";
    static final String FS_RWO = """
            {"metadata": {"name": "local"},
             "status": {"claimPropertySets": [{"accessModes": ["ReadWriteOnce"], "volumeMode": "Filesystem"},
                                              {"accessModes": ["ReadWriteMany"], "volumeMode": "Filesystem"}]}}""";
    static final String ONLY_RWO = """
            {"metadata": {"name": "hostpath"},
             "status": {"storageClass": "hostpath",
                        "claimPropertySets": [{"accessModes": ["ReadWriteOnce"], "volumeMode": "Filesystem"}]}}""";
    static final String UNKNOWN_PROVISIONER = """
            {"metadata": {"name": "odd"}, "status": {"storageClass": "odd", "provisioner": "odd.example.com"}}""";
    static final String CONFIG = """
            {"metadata": {"name": "config"}, "spec": {},
             "status": {"filesystemOverhead": {"global": "0.055", "storageClass": {"local": "0.1", "bad": "2"}}}}""";

    private static ClusterStorage cluster() throws Exception {
        return ClusterStorage.of(List.of(json(BLOCK_RWX), json(FS_RWO), json(ONLY_RWO), json(UNKNOWN_PROVISIONER)),
                Optional.of(json(CONFIG)), Optional.empty());
    }

    @Test
    void profileReadsClassProvisionerAndSetsInOrder() throws Exception {
        StorageProfile p = ClusterStorage.profile(json(BLOCK_RWX));
        assertThat(p.storageClass()).isEqualTo("ceph-rbd");
        assertThat(p.provisioner()).contains("rbd.csi.ceph.com");
        assertThat(p.claimPropertySets()).containsExactly(
                new ClaimPropertySet(List.of("ReadWriteMany"), Optional.of("Block")),
                new ClaimPropertySet(List.of("ReadWriteOnce"), Optional.of("Filesystem")));
        assertThat(p.offersRwx()).isTrue();
        assertThat(p.describeSets()).isEqualTo("Block/ReadWriteMany, Filesystem/ReadWriteOnce");
    }

    @Test
    void profileWithoutStatusStorageClassIsNamedAfterItself() throws Exception {
        StorageProfile p = ClusterStorage.profile(json(FS_RWO));
        assertThat(p.storageClass()).isEqualTo("local");
        assertThat(p.provisioner()).isEmpty();
        assertThat(ClusterStorage.profile(json(UNKNOWN_PROVISIONER)).claimPropertySets()).isEmpty();
    }

    @Test
    void overheadPerClassElseGlobalElseCdiDefault() throws Exception {
        FilesystemOverhead o = ClusterStorage.overhead(json(CONFIG));
        assertThat(o.global()).contains(new BigDecimal("0.055"));
        assertThat(o.perClass()).containsOnlyKeys("local").as("2 is no fraction, CDI rejects it");
        assertThat(o.of(Optional.of("local"))).isEqualTo(new FilesystemOverhead.Overhead(new BigDecimal("0.1"),
                "CDIConfig filesystemOverhead.storageClass[local]"));
        assertThat(o.of(Optional.of("ceph-rbd")).source()).isEqualTo("CDIConfig filesystemOverhead.global");
        assertThat(o.of(Optional.empty()).value()).isEqualByComparingTo("0.055");
        FilesystemOverhead none = ClusterStorage.overhead(json("{\"metadata\": {\"name\": \"config\"}}"));
        assertThat(none.of(Optional.of("local"))).isEqualTo(FilesystemOverhead.Overhead.DEFAULT);
        assertThat(FilesystemOverhead.Overhead.DEFAULT.percent()).isEqualTo("5.5%");
    }

    @ParameterizedTest
    @CsvSource({"10737418240,0.055,11362347344", "10737418240,0.1,11930464712", "1,0.055,2", "945,0.055,1000",
        "0,0.1,0"})
    void inflateIsCeilOfBytesOverOneMinusOverhead(long bytes, String overhead, long expected) {
        assertThat(new FilesystemOverhead.Overhead(new BigDecimal(overhead), "t").inflate(bytes)).isEqualTo(expected);
    }

    @Test
    void unpinnedModesComeFromTheFirstSet() throws Exception {
        StorageChoice c = StorageChoice.of(Optional.of("ceph-rbd"), List.of(), Optional.empty(),
                Optional.of(cluster()), RwxWanted.NO);
        assertThat(c.accessModes()).containsExactly("ReadWriteMany");
        assertThat(c.volumeMode()).contains("Block");
        assertThat(c.block()).isTrue();
        assertThat(c.mismatch()).isEmpty();
    }

    @Test
    void aLiveMigratingVmPrefersASetOfferingRwx() throws Exception {
        StorageChoice plain = StorageChoice.of(Optional.of("local"), List.of(), Optional.empty(),
                Optional.of(cluster()), RwxWanted.NO);
        assertThat(plain.accessModes()).containsExactly("ReadWriteOnce");
        StorageChoice migrating = StorageChoice.of(Optional.of("local"), List.of(), Optional.empty(),
                Optional.of(cluster()), RwxWanted.YES);
        assertThat(migrating.accessModes()).containsExactly("ReadWriteMany");
        assertThat(migrating.volumeMode()).contains("Filesystem");
        assertThat(migrating.overhead().value()).isEqualByComparingTo("0.1");
    }

    @Test
    void aPinnedModeFillsTheOtherFromAFittingSet() throws Exception {
        StorageChoice c = StorageChoice.of(Optional.of("ceph-rbd"), List.of(), Optional.of("Filesystem"),
                Optional.of(cluster()), RwxWanted.NO);
        assertThat(c.accessModes()).containsExactly("ReadWriteOnce");
        assertThat(c.volumeMode()).contains("Filesystem");
        StorageChoice rwo = StorageChoice.of(Optional.of("ceph-rbd"), List.of("ReadWriteOnce"), Optional.empty(),
                Optional.of(cluster()), RwxWanted.NO);
        assertThat(rwo.volumeMode()).contains("Filesystem");
    }

    @Test
    void pinsThatFitNoSetAreKeptAndReportedWithWhatTheProfileOffers() throws Exception {
        StorageChoice c = StorageChoice.of(Optional.of("hostpath"), List.of("ReadWriteMany"), Optional.of("Block"),
                Optional.of(cluster()), RwxWanted.NO);
        assertThat(c.accessModes()).containsExactly("ReadWriteMany");
        assertThat(c.volumeMode()).contains("Block");
        assertThat(c.mismatch()).contains("the storage map asks for Block/ReadWriteMany but the StorageProfile of"
                + " storage class hostpath offers Filesystem/ReadWriteOnce");
    }

    @Test
    void withoutAClusterOrAProfileThePinsStandAndTheOverheadIsCdis() throws Exception {
        StorageChoice none = StorageChoice.of(Optional.of("ceph-rbd"), List.of(), Optional.empty(), Optional.empty(),
                RwxWanted.YES);
        assertThat(none).isEqualTo(new StorageChoice(List.of(), Optional.empty(),
                FilesystemOverhead.Overhead.DEFAULT, Optional.empty()));
        StorageChoice odd = StorageChoice.of(Optional.of("odd"), List.of(), Optional.empty(), Optional.of(cluster()),
                RwxWanted.NO);
        assertThat(odd.accessModes()).isEmpty();
        assertThat(odd.volumeMode()).isEmpty();
        assertThat(odd.overhead().source()).isEqualTo("CDIConfig filesystemOverhead.global");
    }

    @Test
    void anUnnamedClassIsTheDefaultOne() throws Exception {
        ClusterStorage c = new ClusterStorage(Map.of("local", ClusterStorage.profile(json(FS_RWO))),
                ClusterStorage.overhead(json(CONFIG)), Optional.of("local"));
        StorageChoice choice = StorageChoice.of(Optional.empty(), List.of(), Optional.empty(), Optional.of(c),
                RwxWanted.NO);
        assertThat(choice.volumeMode()).contains("Filesystem");
        assertThat(choice.overhead().value()).isEqualByComparingTo("0.1");
    }
}
