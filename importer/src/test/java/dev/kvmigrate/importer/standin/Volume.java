package dev.kvmigrate.importer.standin;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A volume the stand-in provides: a file standing for the PVC's disk.img, and where its upload stands. */
public final class Volume {
    /** Upload lifecycle as CDI's upload server sees it. */
    public enum State {
        PENDING,
        READY,
        SUCCEEDED,
        FAILED
    }

    private final String namespace;
    private final String name;
    private final long capacity;
    private final Path file;
    private volatile State state = State.PENDING;
    private volatile String failure;
    private volatile int uploads;
    /** Bumped by every change of state, so the controller knows when to look again. */
    private final AtomicInteger version = new AtomicInteger();
    private volatile String receivedDigest;
    final AtomicBoolean busy = new AtomicBoolean();

    Volume(String namespace, String name, long capacity, Path file) {
        this.namespace = namespace;
        this.name = name;
        this.capacity = capacity;
        this.file = file;
    }

    public String namespace() {
        return namespace;
    }

    public String name() {
        return name;
    }

    /** Bytes the volume holds (its requested storage). */
    public long capacity() {
        return capacity;
    }

    /** The file holding the volume's bytes once an upload succeeded. */
    public Path file() {
        return file;
    }

    /** The digest of the volume's bytes as the importer computes it (reads only allocated blocks). */
    public String digest(dev.kvmigrate.importer.transfer.Checksum checksum) throws java.io.IOException {
        dev.kvmigrate.importer.transfer.ContentDigest d = checksum.start();
        new dev.kvmigrate.importer.transfer.FileSliceContent(file, 0, java.nio.file.Files.size(file)).accept(d);
        return d.finish();
    }

    /**
     * In discard mode ({@link ClusterStandIn#discardVolumes}): the {@link dev.kvmigrate.importer.transfer.Checksum#XXH3}
     * digest of the guest-visible bytes the last successful upload delivered (no file is kept); empty otherwise.
     */
    public Optional<String> receivedDigest() {
        return Optional.ofNullable(receivedDigest);
    }

    void receivedDigest(String d) {
        receivedDigest = d;
    }

    public State state() {
        return state;
    }

    /** Why processing failed, when it did. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** Upload requests that reached the body (any outcome). */
    public int uploads() {
        return uploads;
    }

    void state(State s) {
        state = s;
        version.incrementAndGet();
    }

    void fail(String why) {
        failure = why;
        state = State.FAILED;
        version.incrementAndGet();
    }

    /** Changes of state so far. */
    int version() {
        return version.get();
    }

    void countUpload() {
        uploads++;
    }
}
