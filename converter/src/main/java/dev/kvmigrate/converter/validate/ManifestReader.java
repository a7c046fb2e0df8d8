package dev.kvmigrate.converter.validate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvmigrate.common.json.Mappers;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML (multi-document) or JSON manifests into trees while recording where every node starts, so findings
 * can name {@code file:line:column}. A syntax error is returned as a {@link SyntaxError}, not thrown.
 */
public final class ManifestReader {
    private static final JsonFactory YAML = Mappers.yaml().getFactory();
    private static final JsonFactory JSON = Mappers.json().getFactory();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ManifestReader() {}

    /** What reading one file gave: the documents, and the syntax error that stopped it, if any. */
    public record Result(List<LocatedObject> objects, java.util.Optional<SyntaxError> error) {}

    /** A file that is not valid YAML/JSON at a position. */
    public record SyntaxError(String file, LocatedObject.Position position, String message) {}

    public static Result read(String file, String text) {
        boolean json = file.endsWith(".json");
        List<LocatedObject> objects = new ArrayList<>();
        try (Reader r = new StringReader(text); JsonParser p = (json ? JSON : YAML).createParser(r)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                Map<String, LocatedObject.Position> loc = new HashMap<>();
                JsonNode node = value(p, t, "", loc);
                if (!node.isNull() && !node.isMissingNode()) {
                    objects.add(new LocatedObject(file, node, loc));
                }
            }
            return new Result(objects, java.util.Optional.empty());
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            LocatedObject.Position pos = l == null ? new LocatedObject.Position(1, 1)
                    : new LocatedObject.Position(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
            return new Result(objects, java.util.Optional.of(new SyntaxError(file, pos,
                    e.getOriginalMessage().lines().findFirst().orElse("syntax error"))));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode value(JsonParser p, JsonToken t, String pointer, Map<String, LocatedObject.Position> loc)
            throws IOException {
        JsonLocation l = p.currentTokenLocation();
        loc.put(pointer, new LocatedObject.Position(l.getLineNr(), l.getColumnNr()));
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = F.objectNode();
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonLocation keyLoc = p.currentTokenLocation();
                    String child = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
                    o.set(name, value(p, p.nextToken(), child, loc));
                    loc.put(child, new LocatedObject.Position(keyLoc.getLineNr(), keyLoc.getColumnNr()));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = F.arrayNode();
                int i = 0;
                JsonToken v;
                while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
                    a.add(value(p, v, pointer + "/" + i++, loc));
                }
                return a;
            }
            case VALUE_STRING -> {
                return F.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? F.numberNode(p.getBigIntegerValue())
                        : F.numberNode(p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return F.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE -> {
                return F.booleanNode(true);
            }
            case VALUE_FALSE -> {
                return F.booleanNode(false);
            }
            default -> {
                return F.nullNode();
            }
        }
    }
}
