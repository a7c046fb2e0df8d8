package dev.kvmigrate.importer.transfer;

import java.io.IOException;
import java.util.OptionalLong;

/** A raw disk's logical bytes, readable again from the start for every attempt. */
public interface LogicalContent {
    /** The disk's size in bytes, when known before reading (a compressed stream may not say). */
    OptionalLong size();

    /** Reads the whole content once, from byte 0, into {@code visitor}; returns the number of bytes visited. */
    long accept(BlockVisitor visitor) throws IOException;
}
