package dev.kvmigrate.inventory.model;

/** Guest CPU topology. Dies, where the source has them, are folded into sockets. */
public record CpuTopology(int sockets, int cores, int threads) {
    public CpuTopology {
        if (sockets < 1 || cores < 1 || threads < 1) {
            throw new IllegalArgumentException(
                    "CPU topology " + sockets + "x" + cores + "x" + threads + " must be at least 1x1x1");
        }
    }

    /** sockets × cores × threads. */
    public int vcpus() {
        return sockets * cores * threads;
    }
}
