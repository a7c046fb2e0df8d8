package dev.kvmigrate.importer.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mock API server's request handling: fabric8's CRUD store, plus what CDI's API adds — UploadTokenRequest
 * is answered (not stored) with a fresh token in {@code status.token} — and schema validation of every object
 * written, against the real CDI swagger. Invalid objects are refused with 422, as the API server would.
 */
final class StandInDispatcher extends Dispatcher {
    private static final ObjectMapper JSON = dev.kvmigrate.common.json.Mappers.json();
    private static final Pattern TOKEN_PATH = Pattern.compile(
            "^/apis/upload\\.cdi\\.kubevirt\\.io/v1beta1/namespaces/([^/]+)/uploadtokenrequests/?(\\?.*)?$");
    private static final Pattern DV_PATH = Pattern.compile("^/apis/cdi\\.kubevirt\\.io/v1beta1/.*datavolumes.*");
    private static final Pattern CONFIG_PATH = Pattern.compile("^/apis/cdi\\.kubevirt\\.io/v1beta1/cdiconfigs.*");
    private static final Pattern CDI_PATH = Pattern.compile("^/apis/cdi\\.kubevirt\\.io/v1beta1/cdis.*");
    private static final Pattern PROFILE_PATH = Pattern.compile("^/apis/cdi\\.kubevirt\\.io/v1beta1/storageprofiles.*");
    private static final java.util.Set<String> PROFILE_STATUS = java.util.Set.of("claimPropertySets",
            "cloneStrategy", "dataImportCronSourceFormat", "provisioner", "snapshotClass", "storageClass");
    private static final Pattern PVC_PATH = Pattern.compile("^/api/v1/.*persistentvolumeclaims.*");

    private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
    private final SchemaCheck schema;
    private final Tokens tokens;
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<String> writes = new CopyOnWriteArrayList<>();
    /** Requests that may have changed the store (anything but GET and HEAD), counted once answered. */
    private final AtomicLong changes = new AtomicLong();

    StandInDispatcher(SchemaCheck schema, Tokens tokens) {
        this.schema = schema;
        this.tokens = tokens;
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    /**
     * How many requests that may have changed the store were answered so far: a reader that takes this count before
     * reading the store sees every change the count covers.
     */
    long changes() {
        return changes.get();
    }

    /** "METHOD path" of every write request, in order. */
    List<String> writes() {
        return List.copyOf(writes);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        try {
            return handle(request);
        } finally {
            if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
                changes.incrementAndGet();
            }
        }
    }

    private MockResponse handle(RecordedRequest request) {
        String path = request.getPath();
        String method = request.getMethod();
        boolean write = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        if (write) {
            writes.add(method + " " + path);
        }
        try {
            Matcher token = TOKEN_PATH.matcher(path);
            if (token.matches() && method.equals("POST")) {
                return uploadToken(token.group(1), body(request));
            }
            if (method.equals("POST") || method.equals("PUT")) {
                List<String> problems = validate(path, JSON.readTree(body(request)));
                if (!problems.isEmpty()) {
                    violations.addAll(problems);
                    return status(422, "Invalid", String.join("; ", problems));
                }
            }
            MockResponse response = crud.dispatch(request);
            if (method.equals("PATCH") && response.code() < 300) {
                List<String> problems = validate(path, JSON.readTree(response.getBody().getBytes()));
                violations.addAll(problems);
            }
            return response;
        } catch (Exception e) {
            return status(500, "InternalError", e.toString());
        }
    }

    /** The request body, read without consuming it (the CRUD store reads it again). */
    private static String body(RecordedRequest request) {
        return request.getBody() == null ? "" : new String(request.getBody().getBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    private List<String> validate(String path, JsonNode object) {
        if (object == null || !object.isObject()) {
            return List.of();
        }
        if (DV_PATH.matcher(path).matches()) {
            return schema.check("v1beta1.DataVolume", object);
        }
        if (CDI_PATH.matcher(path).matches()) {
            return schema.check("v1beta1.CDI", object);
        }
        if (CONFIG_PATH.matcher(path).matches()) {
            return schema.check("v1beta1.CDIConfig", object);
        }
        if (PROFILE_PATH.matcher(path).matches()) {
            return storageProfile(object);
        }
        if (PVC_PATH.matcher(path).matches()) {
            List<String> out = new java.util.ArrayList<>();
            if (object.has("metadata")) {
                out.addAll(schema.check("v1.ObjectMeta", object.get("metadata")));
            }
            if (object.has("spec")) {
                out.addAll(schema.check("v1.PersistentVolumeClaimSpec", object.get("spec")));
            }
            return out;
        }
        return List.of();
    }

    /**
     * CDI v1.66's swagger has no StorageProfile definition: metadata is checked as ObjectMeta, each claim property set
     * as a PersistentVolumeClaimSpec (its accessModes and volumeMode are those of a claim), status fields by name.
     */
    private List<String> storageProfile(JsonNode object) {
        List<String> out = new java.util.ArrayList<>();
        if (!"StorageProfile".equals(object.path("kind").asText()) || !"cdi.kubevirt.io/v1beta1".equals(
                object.path("apiVersion").asText())) {
            out.add("StorageProfile: apiVersion/kind must be cdi.kubevirt.io/v1beta1 StorageProfile");
        }
        out.addAll(schema.check("v1.ObjectMeta", object.path("metadata")));
        JsonNode status = object.path("status");
        status.fieldNames().forEachRemaining(f -> {
            if (!PROFILE_STATUS.contains(f)) {
                out.add("StorageProfile /status/" + f + ": unknown field");
            }
        });
        for (String f : List.of("provisioner", "storageClass")) {
            if (status.has(f) && !status.get(f).isTextual()) {
                out.add("StorageProfile /status/" + f + ": not a string");
            }
        }
        JsonNode sets = status.path("claimPropertySets");
        if (!sets.isMissingNode() && !sets.isArray()) {
            out.add("StorageProfile /status/claimPropertySets: not an array");
        }
        for (JsonNode set : sets) {
            out.addAll(schema.check("v1.PersistentVolumeClaimSpec", set));
            set.fieldNames().forEachRemaining(f -> {
                if (!f.equals("accessModes") && !f.equals("volumeMode")) {
                    out.add("StorageProfile claimPropertySet " + f + ": unknown field");
                }
            });
        }
        return out;
    }

    private MockResponse uploadToken(String namespace, String body) throws Exception {
        JsonNode req = JSON.readTree(body);
        List<String> problems = schema.check("v1beta1.UploadTokenRequest", req);
        if (!problems.isEmpty()) {
            violations.addAll(problems);
            return status(422, "Invalid", String.join("; ", problems));
        }
        String pvc = req.path("spec").path("pvcName").asText("");
        ObjectNode answer = ((ObjectNode) req).deepCopy();
        ((ObjectNode) answer.with("metadata")).put("namespace", namespace);
        answer.putObject("status").put("token", tokens.mint(namespace, pvc));
        return new MockResponse().setResponseCode(201).setHeader("Content-Type", "application/json")
                .setBody(JSON.writeValueAsString(answer));
    }

    private static MockResponse status(int code, String reason, String message) {
        ObjectNode s = JSON.createObjectNode();
        s.put("apiVersion", "v1").put("kind", "Status").put("status", "Failure").put("reason", reason)
                .put("message", message).put("code", code);
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
                .setBody(s.toString());
    }
}
