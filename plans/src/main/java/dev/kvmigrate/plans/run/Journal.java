package dev.kvmigrate.plans.run;

import dev.kvmigrate.common.json.Mappers;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The append-only journal of a plan run: JSON Lines next to the plan, every entry forced to disk before
 * {@link #append} returns, so it survives {@code kill -9} and power loss. A line cut short by a crash (no
 * trailing newline) is not an entry: {@link #read} ignores it and {@link #open} truncates it away before
 * appending. Only one process may write a journal at a time (an OS file lock, released on exit even after
 * {@code kill -9}); readers such as {@code plan status} need no lock.
 */
public final class Journal implements AutoCloseable {
    private static final ObjectMapper JSON = Mappers.json().copy()
            .setSerializationInclusion(JsonInclude.Include.NON_EMPTY)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;
    private final Clock clock;
    private long seq;

    private Journal(Path path, FileChannel channel, FileLock lock, Clock clock, long seq) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
        this.clock = clock;
        this.seq = seq;
    }

    /** Opens (creating if needed) a journal for appending, holding its lock until {@link #close}. */
    public static Journal open(Path path) {
        return open(path, Clock.systemUTC());
    }

    static Journal open(Path path, Clock clock) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new KvMigrateException(ExitCode.USAGE, "journal " + path + " is in use by another"
                        + " `kv-migrate plan run`; wait for it to finish or stop it before resuming");
            }
            Scan scan = scan(path, Files.readAllBytes(path));
            if (scan.validLength() < ch.size()) {
                // A torn last line from a crash: drop it so the next entry starts on a fresh line.
                ch.truncate(scan.validLength());
                ch.force(true);
            }
            ch.position(scan.validLength());
            long last = scan.entries().isEmpty() ? 0 : scan.entries().get(scan.entries().size() - 1).seq();
            return new Journal(path, ch, lock, clock, last);
        } catch (IOException e) {
            closeQuietly(ch);
            throw KvMigrateException.io("cannot open journal " + path + ": " + e.getMessage()
                    + "; check that the plan's directory is writable", e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /** Appends one entry and forces it to disk; returns it with its sequence number and time. */
    public synchronized JournalEntry append(Optional<String> vm, String step, StepState state,
            Map<String, String> detail) {
        JournalEntry entry = new JournalEntry(seq + 1, clock.instant().toString(), vm, step, state, detail);
        try {
            byte[] line = (JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
        } catch (IOException e) {
            throw KvMigrateException.io("cannot append to journal " + path + ": " + e.getMessage(), e);
        }
        seq = entry.seq();
        return entry;
    }

    /** All complete entries of a journal; a missing journal has none. Needs no lock. */
    public static List<JournalEntry> read(Path path) {
        if (!Files.exists(path)) {
            return List.of();
        }
        try {
            return scan(path, Files.readAllBytes(path)).entries();
        } catch (IOException e) {
            throw KvMigrateException.io("cannot read journal " + path + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public synchronized void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the lock goes with the channel anyway
        }
        closeQuietly(channel);
    }

    private record Scan(List<JournalEntry> entries, long validLength) {}

    private static Scan scan(Path path, byte[] bytes) {
        List<JournalEntry> entries = new ArrayList<>();
        int start = 0;
        int lineNo = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            lineNo++;
            String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
            start = i + 1;
            if (line.isBlank()) {
                continue;
            }
            try {
                entries.add(JSON.readValue(line, JournalEntry.class));
            } catch (JsonProcessingException e) {
                throw KvMigrateException.invalidInput("journal " + path + ":" + lineNo + " is corrupt ("
                        + e.getOriginalMessage() + "); it is written only by kv-migrate — restore it from a backup"
                        + " or move it away to start the plan afresh");
            }
        }
        return new Scan(List.copyOf(entries), start);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
