package dev.kvmigrate.plans.run;

/**
 * Moves one disk's bytes from its source into the target's volume; implemented with the importer. Closed with the
 * target at the end of the run (sessions it opened to sources end there).
 */
public interface DiskImporter extends AutoCloseable {
    /**
     * Whether the target still holds a finished import of this disk with this digest (so a resumed run may skip
     * it). Cheap: checks presence and size, not every byte.
     */
    boolean holds(DiskWork disk, String digest);

    /**
     * Imports the disk, returning only when the volume verifiably holds it.
     *
     * @throws dev.kvmigrate.common.KvMigrateException naming the disk and the fix
     */
    DiskResult importDisk(DiskWork disk, DiskProgress progress);

    /** Ends what the importer holds open for the run (an oVirt session); nothing by default. */
    @Override
    default void close() {}

    /** What a finished import did. */
    record DiskResult(String digest, long contentBytes, long wireBytes, double seconds) {}

    /** Progress of one disk, from transfer threads: implementations are thread-safe and quick. */
    interface DiskProgress {
        DiskProgress NONE = (done, total, wire, rate) -> { };

        void bytes(long done, long total, long wireBytes, double bytesPerSecond);
    }
}
