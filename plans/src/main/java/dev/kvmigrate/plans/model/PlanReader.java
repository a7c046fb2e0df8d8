package dev.kvmigrate.plans.model;

import dev.kvmigrate.inventory.model.ReadErrors;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.json.Mappers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads plan files strictly: an unknown key, a wrong type or an invalid value is an error naming
 * {@code file:line:column}, the key path and the fix (exit code 3).
 */
public final class PlanReader {
    private static final ObjectMapper YAML = Mappers.strictYaml();

    private PlanReader() {}

    public static LoadedPlan read(Path file) {
        String text;
        try {
            text = decode(file, Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw KvMigrateException.invalidInput("plan file " + file + " does not exist; create one with"
                    + " `kv-migrate plan init --from inventory.json --out " + file + "`", e);
        } catch (IOException e) {
            throw KvMigrateException.io("cannot read plan file " + file + ": " + e.getMessage(), e);
        }
        return new LoadedPlan(parse(text, file.toString()), file.toAbsolutePath().normalize());
    }

    /** The file's text; bytes that are not UTF-8 are an INVALID_INPUT error naming the file and byte offset. */
    private static String decode(Path file, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isUnderflow()) {
            r = decoder.flush(out);
        }
        if (r.isError()) {
            int offset = in.position();
            int line = 1;
            for (int i = 0; i < offset; i++) {
                line += bytes[i] == '\n' ? 1 : 0;
            }
            throw KvMigrateException.invalidInput("plan file " + file + ": byte offset " + offset + " (line " + line
                    + ") is not valid UTF-8 (byte 0x" + String.format("%02x", bytes[offset] & 0xff) + "); save the"
                    + " plan as UTF-8", null);
        }
        return out.flip().toString();
    }

    /** Parses plan YAML; {@code name} names the input in error messages. */
    public static MigrationPlan parse(String yaml, String name) {
        if (yaml.isBlank()) {
            throw KvMigrateException.invalidInput(name + " is empty; a plan starts with `apiVersion: "
                    + MigrationPlan.API_VERSION + "` and `kind: " + MigrationPlan.KIND + "`", null);
        }
        try {
            return YAML.readValue(yaml, MigrationPlan.class);
        } catch (JsonProcessingException e) {
            throw ReadErrors.invalidInput(name, e, "YAML", "see docs/plans.md (or `kv-migrate plan schema`)");
        }
    }
}
