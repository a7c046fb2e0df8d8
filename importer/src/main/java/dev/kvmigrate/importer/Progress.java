package dev.kvmigrate.importer;

/**
 * A progress sample of one disk.
 *
 * @param disk the disk's name (the target volume)
 * @param done bytes of the image handled so far (logical bytes for raw images, file bytes otherwise)
 * @param total bytes to handle, or -1 when unknown (a compressed stream)
 * @param wireBytes bytes sent to the sink so far in this attempt
 * @param bytesPerSecond average rate of {@code done} since the attempt started
 */
public record Progress(String disk, long done, long total, long wireBytes, double bytesPerSecond) {}
