package dev.kvmigrate.plans.run;

import java.util.Map;

/** A target that knows how many devices of each resource its nodes can allocate. */
public interface GpuCapacity {
    /** Resource name → allocatable count summed over nodes; a resource not listed has none. */
    Map<String, Long> allocatable();
}
