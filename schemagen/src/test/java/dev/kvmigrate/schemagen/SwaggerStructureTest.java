package dev.kvmigrate.schemagen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.common.json.Mappers;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

class SwaggerStructureTest {
    /** A miniature KubeVirt document: one kind served by its paths, what it reaches, and what nothing reaches. */
    static final String UPSTREAM = """
            {"swagger": "2.0",
             "paths": {
               "/apis/kubevirt.io/v1/namespaces/{namespace}/virtualmachines": {"post": {
                 "parameters": [{"name": "body", "in": "body", "schema": {"$ref": "#/definitions/v1.VirtualMachine"}},
                                {"$ref": "#/parameters/namespace-nfszEHZ0"}],
                 "responses": {"200": {"description": "OK", "schema": {"$ref": "#/definitions/v1.VirtualMachine"}}}}},
               "/apis/kubevirt.io/v1/": {"get": {"responses": {"200": {"schema":
                 {"$ref": "#/definitions/k8s.io.apimachinery.pkg.apis.meta.v1.APIResourceList"}}}}}},
             "definitions": {
               "v1.VirtualMachine": {"description": "A VM.", "type": "object", "required": ["spec"], "properties": {
                 "apiVersion": {"description": "APIVersion…", "type": "string"},
                 "kind": {"type": "string"},
                 "spec": {"default": {}, "$ref": "#/definitions/v1.VirtualMachineSpec"}}},
               "v1.VirtualMachineSpec": {"type": "object", "properties": {
                 "runStrategy": {"type": "string", "enum": ["Always", "Halted"]},
                 "ports": {"type": "array", "x-kubernetes-list-type": "atomic",
                   "items": {"type": "string", "format": "int-or-string"}},
                 "labels": {"type": "object", "additionalProperties": {"type": "string", "default": ""}},
                 "memory": {"$ref": "#/definitions/k8s.io.apimachinery.pkg.api.resource.Quantity"}}},
               "k8s.io.apimachinery.pkg.api.resource.Quantity": {"description": "…", "type": ["string", "integer"]},
               "k8s.io.apimachinery.pkg.apis.meta.v1.APIResourceList": {"type": "object", "properties": {
                 "apiVersion": {"type": "string"}, "kind": {"type": "string"}}}}}
            """;

    @Test
    void keepsStructureDropsDocumentationAndWritesTheKindsGroupVersionKind() throws Exception {
        ObjectNode info = Mappers.json().createObjectNode().put("title", "t").put("version", "v");
        JsonNode doc = SwaggerStructure.of(Mappers.json().readTree(UPSTREAM), info);
        assertThat(doc.toString()).isEqualTo(("""
                {"swagger":"2.0","info":{"title":"t","version":"v"},"definitions":{
                "v1.VirtualMachine":{"type":"object","required":["spec"],"properties":{"apiVersion":{"type":"string"},
                "kind":{"type":"string"},"spec":{"$ref":"#/definitions/v1.VirtualMachineSpec"}},
                "x-kubernetes-group-version-kind":[{"group":"kubevirt.io","kind":"VirtualMachine","version":"v1"}]},
                "v1.VirtualMachineSpec":{"type":"object","properties":{"runStrategy":{"type":"string",
                "enum":["Always","Halted"]},"ports":{"type":"array","items":{"type":"string","format":"int-or-string"}},
                "labels":{"type":"object","additionalProperties":{"type":"string"}},
                "memory":{"$ref":"#/definitions/k8s.io.apimachinery.pkg.api.resource.Quantity"}}},
                "k8s.io.apimachinery.pkg.api.resource.Quantity":{"type":["string","integer"]}}}
                """).replace("\n", ""));
    }

    @Test
    void kindsAreTheDefinitionsThePathsServeUnderEachGroup() throws Exception {
        String twoGroups = """
                {"paths": {
                  "/apis/kubevirt.io/v1/vms": {"get": {"responses": {"200": {"schema":
                    {"$ref": "#/definitions/v1.K"}}}}},
                  "/apis/sub.kubevirt.io/v1/vms": {"put": {"parameters": [{"in": "body",
                    "schema": {"$ref": "#/definitions/v1.K"}}]}},
                  "/api/v1/things": {"get": {"responses": {"200": {"schema": {"$ref": "#/definitions/v1.Spec"}}}}}},
                 "definitions": {"v1.K": {"properties": {"apiVersion": {}, "kind": {}}},
                                 "v1.Spec": {"properties": {"a": {}}}}}
                """;
        assertThat(SwaggerStructure.kinds(Mappers.json().readTree(twoGroups))).containsOnlyKeys("v1.K")
                .extractingByKey("v1.K").asInstanceOf(InstanceOfAssertFactories.ITERABLE)
                .containsExactly(new SwaggerStructure.Gvk("kubevirt.io", "v1", "K"),
                        new SwaggerStructure.Gvk("sub.kubevirt.io", "v1", "K"));
    }

    @Test
    void anUnknownKeywordFailsNamingWhereItIs() throws Exception {
        JsonNode schema = Mappers.json().readTree("""
                {"type": "object", "properties": {"a": {"oneOf": [{"type": "string"}]}}}""");
        assertThatThrownBy(() -> SwaggerStructure.strip(schema, "v1.X"))
                .hasMessageContaining("v1.X.a: unknown schema keyword 'oneOf'");
    }
}
