package dev.kvmigrate.cli.podrunner;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Job's pod template → one pod attempt's {@link LaunchSpec}, resolved as the kubelet resolves it. Only what the
 * template says is used; the rules, from the Kubernetes documentation:
 * <ul>
 *   <li><b>Environment</b> ("Define Environment Variables for a Container", "Expose Pod Information to Containers
 *       Through Environment Variables"): the service variables ({@code KUBERNETES_SERVICE_HOST}/{@code _PORT}) and
 *       {@code HOSTNAME} first, then {@code envFrom} ({@code configMapRef}/{@code secretRef}, with {@code prefix}),
 *       then {@code env} in order, a later name replacing an earlier one. {@code value} may refer to variables
 *       defined before it with {@code $(VAR)}. {@code valueFrom}: {@code secretKeyRef}, {@code configMapKeyRef}
 *       (read from the API server; a missing object or key is an error unless {@code optional: true}, which leaves
 *       the variable out), {@code fieldRef} ({@code metadata.name}, {@code metadata.namespace},
 *       {@code metadata.uid}, {@code metadata.labels['k']}, {@code metadata.annotations['k']},
 *       {@code spec.serviceAccountName}, {@code spec.nodeName}, {@code status.podIP}, {@code status.hostIP}).</li>
 *   <li><b>Indexed Jobs</b> ("Job: Completion mode"): the pod has the annotation and label
 *       {@code batch.kubernetes.io/job-completion-index} and the container gets {@code JOB_COMPLETION_INDEX}
 *       (appended to {@code env} unless the container defines it).</li>
 *   <li><b>{@code $(VAR)} expansion</b> of {@code command} and {@code args} ("Define a Command and Arguments for a
 *       Container"): see {@link #expand(String, Map)}.</li>
 *   <li><b>Volumes</b> ("Volumes"): {@code configMap} and {@code secret} (every key as a file, or {@code items}
 *       key → path; a missing object or key is an error unless {@code optional: true}), {@code emptyDir} (a fresh,
 *       empty directory for every pod: a retried pod starts with nothing), mounted whole or by {@code subPath}.</li>
 *   <li><b>Service account</b> ("Configure Service Accounts for Pods"): unless the pod spec says
 *       {@code automountServiceAccountToken: false}, {@code /var/run/secrets/kubernetes.io/serviceaccount} holds
 *       {@code token} and {@code namespace}. (No {@code ca.crt}: the API server the harness serves is the mock.)</li>
 * </ul>
 * <b>Divergence, on purpose:</b> where a cluster keeps a pod {@code Pending} for ever ({@code
 * CreateContainerConfigError} for a missing Secret/ConfigMap behind {@code env}, {@code FailedMount} for one behind a
 * volume), the pod here fails to start at once ({@link StartFailure}), so that a test sees the mistake instead of
 * waiting out its timeout. What the harness does not emulate at all (another volume type, {@code resourceFieldRef},
 * another {@code fieldRef}) is an {@link IllegalArgumentException}: the harness refuses the Job rather than guess.
 */
final class PodSpecs {
    static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
    static final String SA_DIR = KvMigrateLauncher.SA_DIR;
    private static final Pattern FIELD_KEY = Pattern.compile("metadata\\.(labels|annotations)\\['([^']*)'\\]");

    private PodSpecs() {}

    /** A pod that cannot start: the reason the kubelet would give. */
    static final class StartFailure extends Exception {
        StartFailure(String reason) {
            super(reason);
        }
    }

    /** The pod's identity, as the Job controller made it. */
    record Pod(String name, String namespace, String uid, Map<String, String> labels, Map<String, String> annotations,
            String jobName, int index, int attempt, boolean indexed) {}

    /** The pod's identity for attempt {@code attempt} of completion index {@code index} of {@code job}. */
    static Pod pod(Job job, String name, String uid, int index, int attempt) {
        boolean indexed = "Indexed".equals(job.getSpec().getCompletionMode());
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, String> annotations = new LinkedHashMap<>();
        var meta = job.getSpec().getTemplate().getMetadata();
        if (meta != null && meta.getLabels() != null) {
            labels.putAll(meta.getLabels());
        }
        if (meta != null && meta.getAnnotations() != null) {
            annotations.putAll(meta.getAnnotations());
        }
        labels.put("batch.kubernetes.io/job-name", job.getMetadata().getName());
        labels.put("job-name", job.getMetadata().getName());
        if (indexed) {
            labels.put(COMPLETION_INDEX, Integer.toString(index));
            annotations.put(COMPLETION_INDEX, Integer.toString(index));
        }
        return new Pod(name, job.getMetadata().getNamespace(), uid, labels, annotations, job.getMetadata().getName(),
                index, attempt, indexed);
    }

    /**
     * The launch spec of {@code pod}, its volumes written under {@code sandbox}.
     *
     * @param serviceEnv the variables the kubelet puts first in every container ({@code KUBERNETES_SERVICE_*})
     * @throws StartFailure when a Secret/ConfigMap (or a key of it) the pod needs is missing and not optional
     * @throws IllegalArgumentException when the template uses something the harness does not emulate
     */
    static LaunchSpec build(KubernetesClient client, Job job, Pod pod, Path sandbox, Map<String, String> serviceEnv)
            throws StartFailure, IOException {
        PodSpec ps = job.getSpec().getTemplate().getSpec();
        Container c = ps.getContainers().get(0);
        String ns = pod.namespace();

        Map<String, String> env = new LinkedHashMap<>(serviceEnv);
        env.put("HOSTNAME", pod.name());
        for (EnvFromSource from : c.getEnvFrom() == null ? List.<EnvFromSource>of() : c.getEnvFrom()) {
            String prefix = from.getPrefix() == null ? "" : from.getPrefix();
            Map<String, String> data;
            if (from.getConfigMapRef() != null) {
                data = configMapData(client, ns, from.getConfigMapRef().getName(),
                        from.getConfigMapRef().getOptional(), "CreateContainerConfigError");
            } else if (from.getSecretRef() != null) {
                data = secretData(client, ns, from.getSecretRef().getName(), from.getSecretRef().getOptional(),
                        "CreateContainerConfigError");
            } else {
                throw new IllegalArgumentException("envFrom without configMapRef/secretRef is not emulated");
            }
            data.forEach((k, v) -> env.put(prefix + k, v));
        }
        for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
            if (e.getValueFrom() == null) {
                env.put(e.getName(), expand(e.getValue() == null ? "" : e.getValue(), env));
            } else {
                valueFrom(client, ps, pod, e.getName(), e.getValueFrom()).ifPresent(v -> env.put(e.getName(), v));
            }
        }
        if (pod.indexed() && !env.containsKey("JOB_COMPLETION_INDEX")) {
            env.put("JOB_COMPLETION_INDEX", Integer.toString(pod.index()));
        }

        Map<String, Path> mounts = new LinkedHashMap<>();
        Map<String, Path> volumeDirs = new LinkedHashMap<>();
        for (VolumeMount m : c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts()) {
            Path dir = volumeDirs.get(m.getName());
            if (dir == null) {
                Volume v = ps.getVolumes() == null ? null : ps.getVolumes().stream()
                        .filter(x -> m.getName().equals(x.getName())).findFirst().orElse(null);
                if (v == null) {
                    throw new IllegalArgumentException("volumeMount " + m.getName() + " names no volume of the pod");
                }
                dir = sandbox.resolve("volumes").resolve(m.getName());
                Files.createDirectories(dir);
                materialize(client, ns, v, dir);
                volumeDirs.put(m.getName(), dir);
            }
            String sub = m.getSubPath() == null ? "" : m.getSubPath();
            mounts.put(m.getMountPath(), sub.isEmpty() ? dir : dir.resolve(sub));
        }
        if (!Boolean.FALSE.equals(ps.getAutomountServiceAccountToken()) && !mounts.containsKey(SA_DIR)) {
            Path dir = sandbox.resolve("volumes").resolve("kube-api-access");
            Files.createDirectories(dir);
            String sa = serviceAccount(ps);
            Files.writeString(dir.resolve("token"), "podrunner-token." + ns + "." + sa + "." + pod.name());
            Files.writeString(dir.resolve("namespace"), ns);
            mounts.put(SA_DIR, dir);
        }

        List<String> command = c.getCommand() == null ? List.of() : c.getCommand().stream().map(s -> expand(s, env))
                .toList();
        List<String> args = c.getArgs() == null ? List.of() : c.getArgs().stream().map(s -> expand(s, env)).toList();
        return new LaunchSpec(pod.name(), ns, pod.jobName(), pod.index(), pod.attempt(), c.getName(), c.getImage(),
                command, args, env, mounts, Optional.ofNullable(c.getWorkingDir()).filter(w -> !w.isEmpty()),
                sandbox);
    }

    private static String serviceAccount(PodSpec ps) {
        return ps.getServiceAccountName() == null || ps.getServiceAccountName().isEmpty() ? "default"
                : ps.getServiceAccountName();
    }

    private static Optional<String> valueFrom(KubernetesClient client, PodSpec ps, Pod pod, String var,
            EnvVarSource src) throws StartFailure {
        String ns = pod.namespace();
        if (src.getSecretKeyRef() != null) {
            var ref = src.getSecretKeyRef();
            return key(secretData(client, ns, ref.getName(), ref.getOptional(), "CreateContainerConfigError"),
                    ref.getKey(), ref.getOptional(), "Secret", ns + "/" + ref.getName(), var);
        }
        if (src.getConfigMapKeyRef() != null) {
            var ref = src.getConfigMapKeyRef();
            return key(configMapData(client, ns, ref.getName(), ref.getOptional(), "CreateContainerConfigError"),
                    ref.getKey(), ref.getOptional(), "ConfigMap", ns + "/" + ref.getName(), var);
        }
        if (src.getFieldRef() != null) {
            String path = src.getFieldRef().getFieldPath();
            Matcher m = FIELD_KEY.matcher(path);
            if (m.matches()) {
                Map<String, String> map = m.group(1).equals("labels") ? pod.labels() : pod.annotations();
                return Optional.of(map.getOrDefault(m.group(2), ""));
            }
            return Optional.of(switch (path) {
                case "metadata.name" -> pod.name();
                case "metadata.namespace" -> ns;
                case "metadata.uid" -> pod.uid();
                case "spec.serviceAccountName" -> serviceAccount(ps);
                case "spec.nodeName" -> "podrunner";
                case "status.podIP", "status.hostIP" -> "127.0.0.1";
                default -> throw new IllegalArgumentException("fieldRef " + path + " (env " + var + ") is not"
                        + " emulated");
            });
        }
        throw new IllegalArgumentException("env " + var + ": valueFrom other than secretKeyRef, configMapKeyRef and"
                + " fieldRef is not emulated");
    }

    private static Optional<String> key(Map<String, String> data, String key, Boolean optional, String kind,
            String name, String var) throws StartFailure {
        if (data.containsKey(key)) {
            return Optional.of(data.get(key));
        }
        if (Boolean.TRUE.equals(optional)) {
            return Optional.empty();
        }
        throw new StartFailure("CreateContainerConfigError: couldn't find key " + key + " in " + kind + " " + name
                + " (env " + var + ")");
    }

    /** A ConfigMap's data and binaryData; empty for a missing optional one. */
    private static Map<String, String> configMapData(KubernetesClient client, String ns, String name, Boolean optional,
            String reason) throws StartFailure {
        ConfigMap cm = client.configMaps().inNamespace(ns).withName(name).get();
        if (cm == null) {
            if (Boolean.TRUE.equals(optional)) {
                return Map.of();
            }
            throw new StartFailure(reason + ": configmap \"" + name + "\" not found");
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (cm.getData() != null) {
            out.putAll(cm.getData());
        }
        if (cm.getBinaryData() != null) {
            cm.getBinaryData().forEach((k, v) -> out.put(k, decode(v)));
        }
        return out;
    }

    /**
     * A Secret's data (base64-decoded), and its stringData: the API server folds stringData into data on write; the
     * mock API server stores it as given.
     */
    private static Map<String, String> secretData(KubernetesClient client, String ns, String name, Boolean optional,
            String reason) throws StartFailure {
        Secret s = client.secrets().inNamespace(ns).withName(name).get();
        if (s == null) {
            if (Boolean.TRUE.equals(optional)) {
                return Map.of();
            }
            throw new StartFailure(reason + ": secret \"" + name + "\" not found");
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (s.getData() != null) {
            s.getData().forEach((k, v) -> out.put(k, decode(v)));
        }
        if (s.getStringData() != null) {
            out.putAll(s.getStringData());
        }
        return out;
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    /** Writes volume {@code v}'s files into {@code dir} (an emptyDir: nothing). */
    private static void materialize(KubernetesClient client, String ns, Volume v, Path dir)
            throws StartFailure, IOException {
        if (v.getEmptyDir() != null) {
            return;
        }
        Map<String, String> data;
        List<KeyToPath> items;
        Boolean optional;
        if (v.getConfigMap() != null) {
            optional = v.getConfigMap().getOptional();
            data = configMapData(client, ns, v.getConfigMap().getName(), optional, "FailedMount");
            items = v.getConfigMap().getItems();
        } else if (v.getSecret() != null) {
            optional = v.getSecret().getOptional();
            data = secretData(client, ns, v.getSecret().getSecretName(), optional, "FailedMount");
            items = v.getSecret().getItems();
        } else {
            throw new IllegalArgumentException("volume " + v.getName() + ": only configMap, secret and emptyDir"
                    + " volumes are emulated");
        }
        Map<String, String> files = new LinkedHashMap<>();
        if (items == null || items.isEmpty()) {
            data.forEach(files::put);
        } else {
            for (KeyToPath item : items) {
                if (!data.containsKey(item.getKey())) {
                    if (Boolean.TRUE.equals(optional)) {
                        continue;
                    }
                    throw new StartFailure("FailedMount: volume " + v.getName() + ": key " + item.getKey()
                            + " not found");
                }
                files.put(item.getPath(), data.get(item.getKey()));
            }
        }
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path file = dir.resolve(f.getKey()).normalize();
            if (!file.startsWith(dir)) {
                throw new IllegalArgumentException("volume " + v.getName() + ": path " + f.getKey() + " leaves it");
            }
            Files.createDirectories(file.getParent());
            Files.writeString(file, f.getValue());
        }
    }

    /**
     * Kubernetes' {@code $(VAR)} expansion (k8s.io/kubernetes third_party/forked/golang/expansion, as documented in
     * "Define Dependent Environment Variables"): {@code $(NAME)} becomes the value of {@code NAME} when defined and
     * stays {@code $(NAME)} when not; {@code $$} is an escaped {@code $} (so {@code $$(NAME)} is the literal
     * {@code $(NAME)}); a {@code $} before any other character, an unclosed {@code $(} and a trailing {@code $} are
     * kept as they are.
     */
    static String expand(String input, Map<String, String> vars) {
        StringBuilder out = new StringBuilder();
        int checkpoint = 0;
        for (int cursor = 0; cursor < input.length(); cursor++) {
            if (input.charAt(cursor) != '$' || cursor + 1 >= input.length()) {
                continue;
            }
            out.append(input, checkpoint, cursor);
            char next = input.charAt(cursor + 1);
            int advance = 1;
            if (next == '$') {
                out.append('$');
            } else if (next == '(') {
                int close = input.indexOf(')', cursor + 2);
                if (close < 0) {
                    out.append("$(");
                } else {
                    String name = input.substring(cursor + 2, close);
                    out.append(vars.containsKey(name) ? vars.get(name) : "$(" + name + ")");
                    advance = close - cursor;
                }
            } else {
                out.append('$').append(next);
            }
            cursor += advance;
            checkpoint = cursor + 1;
        }
        return out.append(input, checkpoint, input.length()).toString();
    }
}
