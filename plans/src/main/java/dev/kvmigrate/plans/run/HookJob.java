package dev.kvmigrate.plans.run;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import java.util.Map;

/** The batch/v1 Job a hook with an image runs as: one pod, no retries, labelled with the plan. */
final class HookJob {
    private HookJob() {}

    static Job of(String name, String namespace, String image, List<String> args, Map<String, String> env,
            String plan) {
        return new JobBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace)
                .addToLabels(PlanConversion.LABEL_PLAN, plan)
                .addToLabels(env.containsKey("KV_MIGRATE_TARGET_NAME") ? Map.of(PlanConversion.LABEL_VM,
                        env.get("KV_MIGRATE_TARGET_NAME")) : Map.of()).endMetadata()
                .withNewSpec().withBackoffLimit(0)
                .withNewTemplate().withNewMetadata().addToLabels(PlanConversion.LABEL_PLAN, plan).endMetadata()
                .withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("hook").withImage(image).withArgs(args)
                .withEnv(env.entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(e -> new EnvVar(e.getKey(), e.getValue(), null)).toList())
                .endContainer().endSpec().endTemplate().endSpec().build();
    }
}
