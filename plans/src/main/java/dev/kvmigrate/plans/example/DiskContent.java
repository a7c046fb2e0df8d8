package dev.kvmigrate.plans.example;

import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The content of a small example disk: a virtual size and a few 1 MiB regions of deterministic pseudo-random
 * bytes (seeded by the disk's name) at MiB offsets; everything else is zero. Regions are cluster-aligned, so the
 * same content can be written as sparse raw or as qcow2.
 */
public record DiskContent(String name, long virtualSize, SortedMap<Long, byte[]> regions) {
    public static final int REGION = 1 << 20;

    public DiskContent {
        regions = Collections.unmodifiableSortedMap(new TreeMap<>(regions));
        for (var e : regions.entrySet()) {
            if (e.getKey() % REGION != 0 || e.getValue().length != REGION || e.getKey() + REGION > virtualSize) {
                throw new IllegalArgumentException("disk " + name + ": region at " + e.getKey()
                        + " is not a whole MiB inside the disk");
            }
        }
    }

    /** {@code sizeMib} of virtual size with data at each of {@code dataAtMib}. */
    public static DiskContent of(String name, int sizeMib, List<Integer> dataAtMib) {
        Random random = new Random(name.hashCode());
        SortedMap<Long, byte[]> regions = new TreeMap<>();
        for (int mib : dataAtMib) {
            byte[] b = new byte[REGION];
            random.nextBytes(b);
            regions.put((long) mib * REGION, b);
        }
        return new DiskContent(name, (long) sizeMib * REGION, regions);
    }
}
