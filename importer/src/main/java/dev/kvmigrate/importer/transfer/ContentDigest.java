package dev.kvmigrate.importer.transfer;

/** A digest fed with a disk's logical content as data and zero runs (see {@link BlockVisitor}). */
public interface ContentDigest extends BlockVisitor {
    /** The digest as {@code <label>:<hex>}; the content must have been fed completely. */
    String finish();
}
