package dev.kvmigrate.plans.run;

/** What a plan run does, as it happens (the CLI prints it on stderr). Called from worker threads. */
public interface RunListener {
    RunListener NONE = new RunListener() {};

    /** A step of a VM (or of the run, with an empty VM) changed state. */
    default void step(String vm, String step, StepState state, String detail) {}

    /** Bytes of a disk moved. */
    default void disk(String vm, String disk, long done, long total, double bytesPerSecond) {}
}
