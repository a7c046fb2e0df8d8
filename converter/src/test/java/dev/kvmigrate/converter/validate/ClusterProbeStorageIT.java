package dev.kvmigrate.converter.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvmigrate.converter.storage.ClaimPropertySet;
import dev.kvmigrate.converter.storage.ClusterStorage;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The probe reads StorageProfiles, CDIConfig's filesystem overhead and the default class from fabric8's CRUD mock. */
@EnableKubernetesMockClient(crud = true)
class ClusterProbeStorageIT {
    static KubernetesMockServer server;
    static KubernetesClient client;

    private static GenericKubernetesResource object(String kind, String name, Map<String, Object> status) {
        GenericKubernetesResource o = new GenericKubernetesResource();
        o.setApiVersion("cdi.kubevirt.io/v1beta1");
        o.setKind(kind);
        o.setMetadata(new ObjectMetaBuilder().withName(name).build());
        o.setAdditionalProperty("spec", Map.of());
        o.setAdditionalProperty("status", status);
        return o;
    }

    @Test
    void storageFactsComeFromProfilesConfigAndTheDefaultClass() {
        client.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata().withName("rbd")
                .addToAnnotations(ClusterStorage.DEFAULT_CLASS_ANNOTATION, "true").endMetadata()
                .withProvisioner("rbd.csi.ceph.com").build()).create();
        client.genericKubernetesResources(ClusterProbe.STORAGE_PROFILE).resource(object("StorageProfile", "rbd",
                Map.of("storageClass", "rbd", "provisioner", "rbd.csi.ceph.com", "claimPropertySets", List.of(
                        Map.of("accessModes", List.of("ReadWriteMany"), "volumeMode", "Block"))))).create();
        client.genericKubernetesResources(ClusterProbe.CDI_CONFIG).resource(object("CDIConfig", "config",
                Map.of("filesystemOverhead", Map.of("global", "0.07", "storageClass", Map.of("rbd", "0.2")))))
                .create();

        ClusterStorage storage = ClusterProbe.storage(client);
        assertThat(storage.defaultClass()).contains("rbd");
        assertThat(storage.profiles()).containsOnlyKeys("rbd");
        assertThat(storage.profileOf(Optional.empty()).orElseThrow().claimPropertySets()).containsExactly(
                new ClaimPropertySet(List.of("ReadWriteMany"), Optional.of("Block")));
        assertThat(storage.overheadOf(Optional.empty()).value()).isEqualByComparingTo("0.2");
        assertThat(storage.overheadOf(Optional.of("other")).value()).isEqualByComparingTo("0.07");
        assertThat(ClusterProbe.probe(client).facts().storage()).contains(storage);
    }
}
