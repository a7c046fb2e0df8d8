package dev.kvmigrate.converter.gpu.dra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads the devices {@code resource.k8s.io/v1} ResourceSlices publish.
 *
 * <p>Kubernetes DRA: a slice names its {@code driver}, {@code pool} and, for node-local devices, {@code nodeName};
 * each device carries typed attributes (exactly one of {@code string}, {@code int}, {@code bool}, {@code version})
 * and capacities ({@code value: 80Gi}). For CEL selectors an unqualified attribute or capacity name belongs to the
 * driver's domain; {@code resource.kubernetes.io/pciBusID} to domain {@code resource.kubernetes.io}. v1 puts the
 * fields on the device itself; v1beta1 wrapped them in {@code basic:} — both are read.
 */
public final class DraDevices {
    private DraDevices() {}

    /** The devices read and, per device skipped, why. */
    public record Parsed(List<DraDevice> devices, List<String> warnings) {
        public Parsed {
            devices = List.copyOf(Objects.requireNonNullElse(devices, List.of()));
            warnings = List.copyOf(Objects.requireNonNullElse(warnings, List.of()));
        }
    }

    /** The well-formed devices of {@code resourceSlices}, in slice and device order; malformed ones are dropped. */
    public static List<DraDevice> fromSlices(List<JsonNode> resourceSlices) {
        return parse(resourceSlices).devices();
    }

    /** The well-formed devices of {@code resourceSlices} and a warning per slice or device skipped. */
    public static Parsed parse(List<JsonNode> resourceSlices) {
        List<DraDevice> devices = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (JsonNode slice : Objects.requireNonNullElse(resourceSlices, List.<JsonNode>of())) {
            readSlice(slice, devices, warnings);
        }
        return new Parsed(devices, warnings);
    }

    private static void readSlice(JsonNode slice, List<DraDevice> devices, List<String> warnings) {
        String sliceName = Optional.ofNullable(slice).map(s -> s.path("metadata").path("name").asText(""))
                .filter(n -> !n.isBlank()).orElse("(unnamed)");
        JsonNode spec = slice == null ? null : slice.path("spec");
        Optional<String> driver = text(spec == null ? null : spec.get("driver"));
        Optional<String> pool = text(spec == null ? null : spec.path("pool").get("name"));
        if (driver.isEmpty() || pool.isEmpty()) {
            warnings.add("ResourceSlice " + sliceName + " skipped: it has no spec.driver or spec.pool.name");
            return;
        }
        Optional<String> node = text(spec.get("nodeName"));
        JsonNode list = spec.path("devices");
        if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
            warnings.add("ResourceSlice " + sliceName + " skipped: spec.devices is not a list");
            return;
        }
        int index = 0;
        for (JsonNode device : list) {
            String where = "ResourceSlice " + sliceName + " device " + text(device.get("name")).orElse("#" + index);
            try {
                devices.add(device(driver.get(), pool.get(), node, device));
            } catch (IllegalArgumentException e) {
                warnings.add(where + " skipped: " + e.getMessage());
            }
            index++;
        }
    }

    private static DraDevice device(String driver, String pool, Optional<String> node, JsonNode device) {
        String name = text(device.get("name")).orElseThrow(() -> new IllegalArgumentException("it has no name"));
        JsonNode basic = device.get("basic");
        JsonNode fields = basic != null && basic.isObject() ? basic : device;
        Map<String, Map<String, Object>> attributes = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : object(fields, "attributes").properties()) {
            put(attributes, driver, e.getKey(), attribute(e.getKey(), e.getValue()));
        }
        Map<String, Map<String, String>> capacity = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : object(fields, "capacity").properties()) {
            put(capacity, driver, e.getKey(), capacity(e.getKey(), e.getValue()));
        }
        return new DraDevice(driver, pool, node, name, attributes, capacity);
    }

    /** {@code fields.name} when it is an object; empty when absent; an error otherwise. */
    private static JsonNode object(JsonNode fields, String name) {
        JsonNode node = fields.path(name);
        if (node.isMissingNode() || node.isNull()) {
            return MissingNode.getInstance();
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(name + " is not a map");
        }
        return node;
    }

    private static <V> void put(Map<String, Map<String, V>> into, String driver, String qualified, V value) {
        int slash = qualified.indexOf('/');
        String domain = slash < 0 ? driver : qualified.substring(0, slash);
        String name = slash < 0 ? qualified : qualified.substring(slash + 1);
        if (domain.isEmpty() || name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("name " + qualified + " is not a (domain/)name");
        }
        into.computeIfAbsent(domain, d -> new TreeMap<>()).put(name, value);
    }

    /** The value of one attribute: exactly one of {@code string}, {@code int}, {@code bool}, {@code version}. */
    private static Object attribute(String name, JsonNode value) {
        if (value == null || !value.isObject() || value.size() != 1) {
            throw new IllegalArgumentException("attribute " + name
                    + " must have exactly one of string, int, bool, version");
        }
        Map.Entry<String, JsonNode> only = value.properties().iterator().next();
        JsonNode v = only.getValue();
        Object out = switch (only.getKey()) {
            case "string", "version" -> v.isTextual() ? v.asText() : null;
            case "int" -> v.isIntegralNumber() && v.canConvertToLong() ? (Object) v.longValue() : null;
            case "bool" -> v.isBoolean() ? (Object) v.booleanValue() : null;
            default -> throw new IllegalArgumentException("attribute " + name + " has unknown type "
                    + only.getKey());
        };
        if (out == null) {
            throw new IllegalArgumentException("attribute " + name + " has a malformed " + only.getKey()
                    + " value " + v);
        }
        return out;
    }

    /** The quantity of one capacity, {@code {value: 80Gi}} (a bare quantity is accepted too). */
    private static String capacity(String name, JsonNode value) {
        JsonNode v = value != null && value.isObject() ? value.get("value") : value;
        if (v == null || !(v.isTextual() || v.isNumber()) || v.asText().isBlank()) {
            throw new IllegalArgumentException("capacity " + name + " has no value");
        }
        String text = v.asText();
        try {
            CelSelector.CelQuantity.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("capacity " + name + " is not a quantity: " + text);
        }
        return text;
    }

    private static Optional<String> text(JsonNode node) {
        return Optional.ofNullable(node).filter(JsonNode::isTextual).map(JsonNode::asText)
                .filter(s -> !s.isBlank());
    }
}
