package dev.kvmigrate.converter.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.converter.storage.ClaimPropertySet;
import dev.kvmigrate.converter.storage.ClusterStorage;
import dev.kvmigrate.converter.storage.FilesystemOverhead;
import dev.kvmigrate.converter.storage.StorageProfile;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The size check adds the cluster's filesystem overhead for the DataVolume's class, and says which it used. */
class RulesOverheadTest {
    /** 10 GiB virtual; 10836Mi holds it with 5.5 % (11362347344 bytes needed) but not with 10 % (11930464712). */
    private static List<Finding> check(String storage, ClusterFacts facts) {
        String dv = """
                apiVersion: cdi.kubevirt.io/v1beta1
                kind: DataVolume
                metadata:
                  name: d
                  namespace: default
                  annotations: {kv-migrate.dev/virtual-size: "10737418240"}
                spec:
                  source: {upload: {}}
                  storage: %s
                """.formatted(storage);
        return Rules.check(ManifestReader.read("dv.yaml", dv).objects(), facts).stream()
                .filter(f -> f.rule().equals("VOLUME_TOO_SMALL")).toList();
    }

    private static ClusterFacts facts() {
        ClusterStorage storage = new ClusterStorage(Map.of("rbd", new StorageProfile("rbd", Optional.empty(),
                List.of(new ClaimPropertySet(List.of("ReadWriteMany"), Optional.of("Block"))))),
                new FilesystemOverhead(Optional.of(new BigDecimal("0.055")), Map.of("slow", new BigDecimal("0.1"))),
                Optional.empty());
        return new ClusterFacts(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), "default", Optional.empty(), Optional.of(storage));
    }

    @Test
    void withoutTheClusterCdisDefaultApplies() {
        assertThat(check("{storageClassName: slow, resources: {requests: {storage: 10836Mi}}}", ClusterFacts.NONE))
                .isEmpty();
        assertThat(check("{storageClassName: slow, resources: {requests: {storage: 10835Mi}}}", ClusterFacts.NONE))
                .singleElement().extracting(Finding::message).asString()
                .contains("plus CDI's 5.5% filesystem overhead = 11362347344 bytes");
    }

    @Test
    void thePerClassOverheadIsUsedAndNamed() {
        assertThat(check("{storageClassName: slow, resources: {requests: {storage: 10836Mi}}}", facts()))
                .singleElement().extracting(Finding::message).asString().isEqualTo("requested 10836Mi (11362369536"
                        + " bytes) is smaller than the image's virtual size 10737418240 plus the 10% filesystem"
                        + " overhead of CDIConfig filesystemOverhead.storageClass[slow] = 11930464712 bytes");
        assertThat(check("{storageClassName: slow, resources: {requests: {storage: 11378Mi}}}", facts())).isEmpty();
        assertThat(check("{storageClassName: other, resources: {requests: {storage: 10836Mi}}}", facts())).isEmpty();
    }

    @Test
    void aVolumeTheProfileMakesBlockNeedsNoOverhead() {
        assertThat(check("{storageClassName: rbd, resources: {requests: {storage: 10Gi}}}", facts())).isEmpty();
        assertThat(check("{storageClassName: rbd, volumeMode: Filesystem, resources: {requests: {storage: 10Gi}}}",
                facts())).hasSize(1);
    }
}
