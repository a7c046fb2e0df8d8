package dev.kvmigrate.importer.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates objects against a definition of the real CDI swagger ({@code ../shared/schemas/cdi-swagger.json}),
 * strictly: every object schema that lists properties gets {@code additionalProperties: false}, so a misspelt
 * field fails as it would with the API server's strict field validation.
 */
public final class SchemaCheck {
    private static final ObjectMapper JSON = dev.kvmigrate.common.json.Mappers.json();

    private final JsonNode definitions;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    public SchemaCheck(Path swagger) throws IOException {
        JsonNode root = JSON.readTree(swagger.toFile());
        this.definitions = root.get("definitions").deepCopy();
        definitions.forEach(SchemaCheck::closeObjects);
    }

    private static void closeObjects(JsonNode node) {
        if (node instanceof ObjectNode o) {
            if (o.has("properties") && !o.has("additionalProperties")) {
                o.put("additionalProperties", false);
            }
            Iterator<JsonNode> children = o.elements();
            while (children.hasNext()) {
                closeObjects(children.next());
            }
        } else if (node != null && node.isArray()) {
            node.forEach(SchemaCheck::closeObjects);
        }
    }

    /** Problems of {@code object} against definition {@code name} (e.g. {@code v1beta1.DataVolume}); empty = valid. */
    public List<String> check(String name, JsonNode object) {
        if (!definitions.has(name)) {
            throw new IllegalArgumentException("no definition " + name + " in the CDI swagger");
        }
        Schema schema = schemas.computeIfAbsent(name, n -> {
            ObjectNode doc = JSON.createObjectNode();
            doc.put("$ref", "#/definitions/" + n);
            doc.set("definitions", definitions);
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(doc);
        });
        List<String> out = new ArrayList<>();
        for (Error e : schema.validate(object)) {
            out.add(name + " " + e.getInstanceLocation() + ": " + e.getMessage());
        }
        return out;
    }
}
