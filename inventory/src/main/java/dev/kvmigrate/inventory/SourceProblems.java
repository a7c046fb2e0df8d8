package dev.kvmigrate.inventory;

import java.util.List;

/**
 * Optional capability of a {@link VmSource}: what a scan could not take in (a broken dump file, a domain that
 * vanished or cannot be represented), one line each naming the object and the reason. The rest of the scan
 * is still good; front ends show these beside the result.
 */
public interface SourceProblems {
    /** Problems of the last scan, in the order met; empty when everything was read. */
    List<String> problems();
}
