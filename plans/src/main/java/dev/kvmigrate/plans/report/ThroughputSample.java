package dev.kvmigrate.plans.report;

/** Aggregate transfer rate at a moment of the run. */
public record ThroughputSample(double secondsSinceStart, double bytesPerSecond) {}
