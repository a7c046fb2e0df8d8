package dev.kvmigrate.importer.source;

/**
 * A streamed source that can land its stored bytes in a local file, for a consumer that must seek in them
 * ({@code qemu-img} converting a qcow2 or VMDK image to raw). Consumers that take a stream never ask: the copy
 * costs a pass over the bytes and disk space, so only the sink that cannot do without it calls
 * {@link #copyToScratch(String)}.
 */
public interface ScratchCopySource extends ImageSource {
    /**
     * Writes the stored bytes into a sparse temporary file in the scratch directory; closing the copy deletes it.
     *
     * @param reason why a local file is needed, for the error when there is no scratch directory or no room
     * @throws dev.kvmigrate.common.KvMigrateException naming the source, the bytes needed and the directory when
     *     there is no scratch directory or too little free space in it
     */
    ScratchCopy copyToScratch(String reason);
}
