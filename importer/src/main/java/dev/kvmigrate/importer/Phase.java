package dev.kvmigrate.importer;

/** The steps of one import, in order; not every sink goes through all of them. */
public enum Phase {
    /** Reading the image header: format, virtual size, backing file. */
    PROBE,
    /** Creating or checking the target volume (DataVolume / PVC / directory). */
    PREPARE,
    /** Waiting for the upload server to be ready. */
    WAIT_READY,
    /** Bytes are moving. */
    TRANSFER,
    /** The target is processing what it received (conversion, resize). */
    PROCESS,
    /** Checking the result against the digest. */
    VERIFY,
    /** Finished successfully. */
    DONE,
    /** Failed; the detail says why. */
    FAILED
}
