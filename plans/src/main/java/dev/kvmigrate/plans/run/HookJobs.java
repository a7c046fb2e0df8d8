package dev.kvmigrate.plans.run;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A target that can run a hook as a Kubernetes Job and wait for it. */
public interface HookJobs {
    /**
     * Creates (or finds, when a resumed run made it before) the Job and waits for it to succeed.
     *
     * @throws dev.kvmigrate.common.KvMigrateException when it fails or times out, naming the Job
     */
    void runJob(String name, String image, List<String> args, Map<String, String> env, Duration timeout);
}
