package dev.kvmigrate.common.ovirt;

import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A password that never prints: {@link #toString()} is a fixed mask, so it cannot leak through logs, error
 * messages or a record's {@code toString}. Read it from a file or an environment variable, never from argv.
 */
public final class Secret {
    private final char[] value;

    private Secret(char[] value) {
        this.value = value.clone();
    }

    /** A secret holding a copy of {@code value}; the caller may wipe its array afterwards. */
    public static Secret of(char[] value) {
        Objects.requireNonNull(value, "value");
        if (value.length == 0) {
            throw KvMigrateException.invalidInput("the password is empty; give a non-empty password");
        }
        return new Secret(value);
    }

    /** The first line of a file (a trailing newline is dropped, as {@code echo pw > file} writes one). */
    public static Secret fromFile(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw KvMigrateException.io("cannot read the password file " + file + ": " + e.getMessage()
                    + "; check the path and its permissions", e);
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
            int end = chars.limit();
            for (int i = 0; i < chars.limit(); i++) {
                if (chars.get(i) == '\n' || chars.get(i) == '\r') {
                    end = i;
                    break;
                }
            }
            char[] line = Arrays.copyOf(chars.array(), end);
            Arrays.fill(chars.array(), '\0');
            if (line.length == 0) {
                throw KvMigrateException.invalidInput("the password file " + file + " is empty; write the password"
                        + " on its first line");
            }
            return new Secret(line);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** The value of an environment variable, when set and not empty. */
    public static Optional<Secret> fromEnvironment(String variable) {
        String v = System.getenv(variable);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(new Secret(v.toCharArray()));
    }

    /** The characters, for building the one request that needs them (the SSO login); wipe them after use. */
    char[] reveal() {
        return value.clone();
    }

    @Override
    public String toString() {
        return "****";
    }
}
