package dev.kvmigrate.schemagen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.converter.validate.SchemaSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The derived Kubernetes schemas, checked through the loader that reads them. */
class Fabric8SchemasTest {
    static final SchemaSet KUBERNETES = SchemaSet.ofSwagger("kubernetes", kubernetesDoc());

    static final String JOB = """
            apiVersion: batch/v1
            kind: Job
            metadata: {name: hook, namespace: vms, labels: {app: kv-migrate}}
            spec:
              backoffLimit: 0
              ttlSecondsAfterFinished: 3600
              template:
                spec:
                  restartPolicy: Never
                  serviceAccountName: kv-migrate-hook
                  containers:
                  - name: hook
                    image: registry.example/hook:1
                    args: [--vm, vm1]
                    resources: {requests: {cpu: 1, memory: 256Mi}}
                    ports: [{containerPort: 8080}]
                    readinessProbe: {httpGet: {path: /ready, port: 8080}}
                  volumes:
                  - {name: plan, configMap: {name: plan}}
            """;

    private static ObjectNode kubernetesDoc() {
        ObjectNode doc = Mappers.json().createObjectNode().put("swagger", "2.0");
        doc.set("definitions", Fabric8Schemas.definitions(KubernetesKinds.KINDS));
        return doc;
    }

    private static List<Error> validate(String apiVersion, String kind, String yaml) throws Exception {
        JsonNode body = Mappers.yaml().readTree(yaml);
        return KUBERNETES.schemaFor(apiVersion, kind).orElseThrow().validate(body);
    }

    @Test
    void aValidJobPassesWithQuantitiesAndPortsAsNumbersOrStrings() throws Exception {
        assertThat(validate("batch/v1", "Job", JOB)).isEmpty();
    }

    @Test
    void anUnknownFieldUnderThePodSpecIsRejected() throws Exception {
        List<Error> errors = validate("batch/v1", "Job", JOB.replace("      restartPolicy: Never",
                "      restartPolicy: Never\n      restartPolicyy: Always"));
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.getKeyword()).isEqualTo("additionalProperties");
            assertThat(e.getProperty()).isEqualTo("restartPolicyy");
            assertThat(e.getInstanceLocation().toString()).isEqualTo("/spec/template/spec");
        });
    }

    @Test
    void wrongTypesAndAnotherKindAreRejected() throws Exception {
        assertThat(validate("batch/v1", "Job", JOB.replace("backoffLimit: 0", "backoffLimit: none"))).isNotEmpty();
        assertThat(validate("batch/v1", "Job", JOB.replace("cpu: 1", "cpu: {whole: 1}"))).isNotEmpty();
        assertThat(validate("batch/v1", "Job", JOB.replace("kind: Job", "kind: CronJob"))).isNotEmpty();
    }

    @Test
    void aResourceClaimTemplateAskingForADeviceClassPasses() throws Exception {
        assertThat(validate("resource.k8s.io/v1", "ResourceClaimTemplate", """
                apiVersion: resource.k8s.io/v1
                kind: ResourceClaimTemplate
                metadata: {name: gpu, namespace: vms}
                spec:
                  spec:
                    devices:
                      requests:
                      - name: gpu
                        exactly: {deviceClassName: gpu.nvidia.com, count: 1, allocationMode: ExactCount}
                      config:
                      - opaque: {driver: gpu.nvidia.com, parameters: {anything: [goes, here]}}
                """)).isEmpty();
    }

    @Test
    void everyKindIsIndexedByItsApiVersion() {
        assertThat(List.of(new String[] {"v1", "Secret"}, new String[] {"v1", "Namespace"},
                new String[] {"rbac.authorization.k8s.io/v1", "ClusterRoleBinding"},
                new String[] {"resource.k8s.io/v1", "DeviceClass"}, new String[] {"batch/v1", "Job"}))
                .allSatisfy(gvk -> assertThat(KUBERNETES.schemaFor(gvk[0], gvk[1])).as(gvk[1]).isPresent());
        assertThat(KUBERNETES.schemaFor("v1", "ResourceRequirements")).isEmpty();
    }

    @Test
    void managedFieldsStayOpaque() throws Exception {
        assertThat(validate("v1", "ConfigMap", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: plan
                  managedFields: [{manager: kubectl, fieldsV1: {"f:data": {"f:plan.yaml": {}}}}]
                data: {plan.yaml: "x: 1"}
                """)).isEmpty();
    }
}
