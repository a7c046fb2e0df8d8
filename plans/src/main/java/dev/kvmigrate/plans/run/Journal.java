package dev.kvmigrate.plans.run;

import dev.kvmigrate.common.json.Mappers;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import java.io.ByteArrayOutputStream;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The append-only journal of a plan run: JSON Lines next to the plan, every entry forced to disk before
 * {@link #append} returns, so it survives {@code kill -9} and power loss. A line cut short by a crash (no
 * trailing newline) is not an entry: {@link #read} ignores it and {@link #open} truncates it away before
 * appending.
 *
 * <p>Only one run may hold a plan at a time. The holder locks a separate file, {@code <plan>.journal.lock}
 * (an OS lock, released on exit even after {@code kill -9}), and writes its pid into it. Only {@link #open} and
 * {@link #isHeld} ever open that file, so readers of the journal itself ({@link #read}, {@code plan status}) can
 * open and close the journal freely: POSIX record locks belong to a process and any {@code close} of the locked
 * file by that process would drop them. For the same reason a second run in the same JVM is refused from a
 * process-wide registry of held plans, before the lock file is touched.
 *
 * <p>Two hooks let the journal live beyond one machine ({@code plan run --state-in-cluster}, see
 * {@link ClusterRunState}): {@link #open(Path, Consumer)} hands every appended entry to a mirror once it is on disk,
 * and {@link #seed} fills an empty journal with entries kept elsewhere, so a retried pod with an empty disk resumes
 * where the last one stopped. {@link #line} and {@link #parse} are the one JSON Lines form of an entry, for both.
 */
public final class Journal implements AutoCloseable {
    private static final ObjectMapper JSON = Mappers.json().copy()
            .setSerializationInclusion(JsonInclude.Include.NON_EMPTY)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** Lock files held by this process (real paths); guards every open and close of a lock file here. */
    private static final Map<Path, Journal> HELD = new HashMap<>();
    private static final int LOCK_TRIES = 10;

    private final Path path;
    private final Path lockKey;
    private final FileChannel channel;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Clock clock;
    private final Consumer<JournalEntry> mirror;
    private long seq;
    private boolean closed;

    private Journal(Path path, Path lockKey, FileChannel channel, FileChannel lockChannel, FileLock lock, Clock clock,
            Consumer<JournalEntry> mirror, long seq) {
        this.path = path;
        this.lockKey = lockKey;
        this.channel = channel;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.clock = clock;
        this.mirror = mirror;
        this.seq = seq;
    }

    /** The lock file of a journal: {@code <journal>.lock}, beside it. */
    public static Path lockFile(Path journal) {
        return journal.resolveSibling(journal.getFileName() + ".lock");
    }

    /**
     * Opens (creating if needed) a journal for appending, holding its plan's lock until {@link #close}.
     *
     * @throws KvMigrateException {@link ExitCode#USAGE} naming the holder's pid when another run holds the plan
     */
    public static Journal open(Path path) {
        return open(path, Clock.systemUTC(), e -> { });
    }

    /**
     * As {@link #open(Path)}, handing every appended entry to {@code mirror} after it is forced to disk (still inside
     * {@link #append}, so the mirror sees the entries in journal order). An exception of the mirror comes out of
     * {@link #append}; the entry is in the journal by then.
     */
    public static Journal open(Path path, Consumer<JournalEntry> mirror) {
        return open(path, Clock.systemUTC(), mirror);
    }

    static Journal open(Path path, Clock clock) {
        return open(path, clock, e -> { });
    }

    /**
     * Fills an empty (or missing) journal with {@code entries} as they are (sequence numbers and times kept), under
     * the plan's lock, forced to disk. A later {@link #open} continues after the highest sequence number.
     *
     * @throws KvMigrateException {@link ExitCode#USAGE} when the journal has entries already (never mixed with
     *     another history) or another run holds it
     */
    public static void seed(Path path, List<JournalEntry> entries) {
        try (Journal j = open(path)) {
            j.write(entries);
        }
    }

    private synchronized void write(List<JournalEntry> entries) {
        if (!entries().isEmpty()) {
            throw new KvMigrateException(ExitCode.USAGE, "journal " + path + " has entries already: it is not seeded"
                    + " from elsewhere; resume from it, or move it away to take the other copy");
        }
        StringBuilder b = new StringBuilder();
        for (JournalEntry e : entries) {
            b.append(line(e));
            seq = Math.max(seq, e.seq());
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
        } catch (IOException e) {
            throw KvMigrateException.io("cannot seed journal " + path + ": " + e.getMessage(), e);
        }
    }

    static Journal open(Path path, Clock clock, Consumer<JournalEntry> mirror) {
        Path lockFile = lockFile(path);
        FileChannel lc = null;
        FileChannel ch = null;
        synchronized (HELD) {
            Path key = key(lockFile);
            if (HELD.containsKey(key)) {
                throw inUse(path, "pid " + ProcessHandle.current().pid() + " (this process)");
            }
            try {
                lc = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                FileLock lock = tryLock(lc);
                if (lock == null) {
                    String holder = readHolder(lc);
                    closeQuietly(lc);
                    throw inUse(path, holder);
                }
                lc.truncate(0);
                writeFully(lc, (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII), 0);
                lc.force(true);
                ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                Scan scan = scan("journal " + path, readAll(ch), MOVE_AWAY);
                if (scan.validLength() < ch.size()) {
                    // A torn last line from a crash: drop it so the next entry starts on a fresh line.
                    ch.truncate(scan.validLength());
                    ch.force(true);
                }
                ch.position(scan.validLength());
                // The highest, not the last: a journal seeded from several VMs' records interleaves their numbers.
                long last = scan.entries().stream().mapToLong(JournalEntry::seq).max().orElse(0);
                Journal j = new Journal(path, key, ch, lc, lock, clock, mirror, last);
                HELD.put(key, j);
                return j;
            } catch (IOException e) {
                closeQuietly(ch);
                closeQuietly(lc);
                throw KvMigrateException.io("cannot open journal " + path + ": " + e.getMessage()
                        + "; check that the plan's directory is writable", e);
            } catch (RuntimeException e) {
                closeQuietly(ch);
                closeQuietly(lc);
                throw e;
            }
        }
    }

    /**
     * Whether some process (this one included) holds the plan of this journal now, i.e. a run is going on. Never
     * disturbs the holder: in this process the registry answers; otherwise the lock file is probed with a shared
     * lock taken and dropped at once.
     */
    public static boolean isHeld(Path journal) {
        Path lockFile = lockFile(journal);
        synchronized (HELD) {
            if (!Files.exists(lockFile)) {
                return false;
            }
            if (HELD.containsKey(key(lockFile))) {
                return true;
            }
            try (FileChannel lc = FileChannel.open(lockFile, StandardOpenOption.READ)) {
                FileLock probe;
                try {
                    probe = lc.tryLock(0, Long.MAX_VALUE, true);
                } catch (OverlappingFileLockException e) {
                    return true;
                }
                if (probe == null) {
                    return true;
                }
                probe.release();
                return false;
            } catch (IOException e) {
                throw KvMigrateException.io("cannot read lock file " + lockFile + ": " + e.getMessage(), e);
            }
        }
    }

    /** Appends one entry and forces it to disk; returns it with its sequence number and time. */
    public synchronized JournalEntry append(Optional<String> vm, String step, StepState state,
            Map<String, String> detail) {
        if (closed) {
            throw new IllegalStateException("journal " + path + " is closed");
        }
        JournalEntry entry = new JournalEntry(seq + 1, clock.instant().toString(), vm, step, state, detail);
        try {
            ByteBuffer buf = ByteBuffer.wrap(line(entry).getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
        } catch (IOException e) {
            throw KvMigrateException.io("cannot append to journal " + path + ": " + e.getMessage(), e);
        }
        seq = entry.seq();
        mirror.accept(entry);
        return entry;
    }

    /** All complete entries, read through this holder's own channel. */
    public synchronized List<JournalEntry> entries() {
        try {
            return scan("journal " + path, readAll(channel), MOVE_AWAY).entries();
        } catch (IOException e) {
            throw KvMigrateException.io("cannot read journal " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * All complete entries of a journal; a missing journal has none. Needs no lock and never disturbs a holder's
     * lock (which is on the separate lock file).
     */
    public static List<JournalEntry> read(Path path) {
        if (!Files.exists(path)) {
            return List.of();
        }
        try {
            return scan("journal " + path, Files.readAllBytes(path), MOVE_AWAY).entries();
        } catch (IOException e) {
            throw KvMigrateException.io("cannot read journal " + path + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        synchronized (HELD) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                closeQuietly(channel);
                try {
                    lockChannel.truncate(0);
                } catch (IOException ignored) {
                    // a stale pid in an unlocked file is harmless: the lock is the truth
                }
                try {
                    lock.release();
                } catch (IOException ignored) {
                    // the lock goes with the channel anyway
                }
                closeQuietly(lockChannel);
                HELD.remove(lockKey);
            }
        }
    }

    private static KvMigrateException inUse(Path journal, String holder) {
        return new KvMigrateException(ExitCode.USAGE, "journal " + journal + " is in use by another"
                + " `kv-migrate plan run` (" + holder + "); wait for it to finish or stop it before running or"
                + " resuming the plan");
    }

    /** The lock, retried briefly: a {@link #isHeld} probe elsewhere holds a shared lock for a moment. */
    private static FileLock tryLock(FileChannel lc) throws IOException {
        for (int i = 0; ; i++) {
            FileLock lock;
            try {
                lock = lc.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock != null || i == LOCK_TRIES) {
                return lock;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    private static String readHolder(FileChannel lc) {
        try {
            String pid = new String(readAll(lc), StandardCharsets.US_ASCII).strip();
            return pid.matches("[0-9]{1,10}") ? "pid " + pid : "pid unknown";
        } catch (IOException e) {
            return "pid unknown";
        }
    }

    /** The registry key of a lock file: its directory's real path and its name. */
    private static Path key(Path lockFile) {
        Path abs = lockFile.toAbsolutePath();
        try {
            return abs.getParent().toRealPath().resolve(abs.getFileName());
        } catch (IOException e) {
            return abs.normalize();
        }
    }

    private static byte[] readAll(FileChannel ch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        long pos = 0;
        while (true) {
            buf.clear();
            int n = ch.read(buf, pos);
            if (n < 0) {
                return out.toByteArray();
            }
            out.write(buf.array(), 0, n);
            pos += n;
        }
    }

    private static void writeFully(FileChannel ch, byte[] bytes, long at) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        long pos = at;
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
    }

    /** One entry as one line of the journal (JSON, newline-terminated): the only serialized form of an entry. */
    static String line(JournalEntry entry) {
        try {
            return JSON.writeValueAsString(entry) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("journal entry not serializable: " + entry, e);
        }
    }

    /**
     * The complete entries of JSON Lines written by {@link #line} (a last line without newline is not one).
     *
     * @param where what the text is, for the error ({@code ConfigMap ns/name key journal.jsonl})
     * @param fix what to do about a corrupt line
     * @throws KvMigrateException (invalid input) naming {@code where} and the line when a line is corrupt
     */
    static List<JournalEntry> parse(String where, String text, String fix) {
        return scan(where, text.getBytes(StandardCharsets.UTF_8), fix).entries();
    }

    private static final String MOVE_AWAY = "it is written only by kv-migrate — restore it from a backup or move it"
            + " away to start the plan afresh";

    private record Scan(List<JournalEntry> entries, long validLength) {}

    private static Scan scan(String path, byte[] bytes, String fix) {
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
                throw KvMigrateException.invalidInput(path + ":" + lineNo + " is corrupt ("
                        + e.getOriginalMessage() + "); " + fix);
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
