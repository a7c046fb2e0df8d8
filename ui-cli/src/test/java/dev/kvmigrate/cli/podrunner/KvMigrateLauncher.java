package dev.kvmigrate.cli.podrunner;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs kv-migrate's own container image as a child JVM of the test: an image whose name contains {@code kv-migrate}
 * stands for the image's entrypoint {@code java -cp … dev.kvmigrate.cli.KvMigrate}, here {@code java -cp <this test
 * JVM's java.class.path> dev.kvmigrate.cli.KvMigrate}, followed by the container's {@code args} (container paths
 * {@linkplain LaunchSpec#translate(String) translated}). The image has no shell and no other program: a container
 * that sets {@code command} cannot start (as {@code exec: not found} would make it fail in a cluster).
 *
 * <p><b>In-cluster configuration.</b> kv-migrate builds its client with fabric8's {@code Config.autoConfigure}
 * (kubernetes-client 7.x), which in a pod does, in order:
 * <ol>
 *   <li>the kubeconfig: system property {@code kubeconfig} / env {@code KUBECONFIG}, else {@code $HOME/.kube/config};
 *       used when that file exists. Here the child's environment is the pod's only ({@code KUBECONFIG} is removed)
 *       and {@code HOME} is the pod's sandbox, which has no {@code .kube/config}: the developer's kubeconfig cannot
 *       leak in, and the service-account path below is taken, as in a pod.</li>
 *   <li>the service account: master URL {@code https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT} (the
 *       kubelet's service variables, which {@link JobController} sets in every pod from its client's API server);
 *       the token from system property {@code kubernetes.auth.serviceAccount.token}, else
 *       {@code /var/run/secrets/kubernetes.io/serviceaccount/token}; the CA from {@code kubernetes.certs.ca.file}, else
 *       {@code …/serviceaccount/ca.crt} when it exists; the namespace from {@code kubenamespace}, else
 *       {@code …/serviceaccount/namespace}. Here {@code -Dkubernetes.auth.serviceAccount.token} and
 *       {@code -Dkubenamespace} point at the files the controller projected into the pod's sandbox (the host paths of
 *       those container paths); when the pod does not mount the token ({@code automountServiceAccountToken: false})
 *       neither flag is passed and the child finds no token, as in such a pod.</li>
 *   <li>then system properties and env override: {@code kubernetes.master} / {@code KUBERNETES_MASTER} replaces the
 *       master URL. A cluster's API server is https; the mock API server the tests use is plain http, so for an
 *       http API server {@code -Dkubernetes.master=http://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT} keeps
 *       the host and port and changes only the scheme. For an https mock (self-signed certificate, no CA in the pod)
 *       {@code -Dkubernetes.trust.certificates=true} is passed instead.</li>
 * </ol>
 * Nothing else is passed: the child finds the cluster exactly as the pod's container would.
 */
public final class KvMigrateLauncher implements PodLauncher {
    static final String MAIN = "dev.kvmigrate.cli.KvMigrate";
    static final String SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

    private final boolean plainHttp;

    /** @param apiServer the API server the pods' service variables point at (its scheme decides the mapping above) */
    public KvMigrateLauncher(URI apiServer) {
        this.plainHttp = "http".equalsIgnoreCase(apiServer.getScheme());
    }

    /** Whether {@code image} is kv-migrate's image ({@code *kv-migrate*}). */
    public static boolean isKvMigrateImage(String image) {
        return image.contains("kv-migrate");
    }

    @Override
    public Process launch(LaunchSpec spec) throws IOException {
        if (!isKvMigrateImage(spec.image())) {
            throw new IOException("image " + spec.image() + " is not kv-migrate's (*kv-migrate*)");
        }
        if (!spec.command().isEmpty()) {
            throw new IOException("exec: \"" + spec.command().get(0) + "\": not found: kv-migrate's image has only"
                    + " its entrypoint; give args");
        }
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(jvmFlags(spec));
        argv.add("-cp");
        argv.add(System.getProperty("java.class.path"));
        argv.add(MAIN);
        argv.addAll(spec.translate(spec.args()));
        Map<String, String> extra = new HashMap<>();
        extra.put("HOME", spec.sandbox().toString());
        extra.put("KUBECONFIG", null);
        return ProcessLauncher.start(spec, argv, extra);
    }

    /** The {@code -D} flags of the in-cluster mapping in the class comment (plus quick-start JIT flags). */
    List<String> jvmFlags(LaunchSpec spec) {
        List<String> flags = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        saFile(spec, "token").ifPresent(t -> flags.add("-Dkubernetes.auth.serviceAccount.token=" + t));
        saFile(spec, "namespace").ifPresent(n -> flags.add("-Dkubenamespace=" + n));
        String host = spec.env().get("KUBERNETES_SERVICE_HOST");
        String port = spec.env().get("KUBERNETES_SERVICE_PORT");
        if (host != null && port != null) {
            flags.add(plainHttp ? "-Dkubernetes.master=http://" + (host.contains(":") ? "[" + host + "]" : host)
                    + ":" + port : "-Dkubernetes.trust.certificates=true");
        }
        return flags;
    }

    private static Optional<Path> saFile(LaunchSpec spec, String name) {
        return spec.hostPath(SA_DIR + "/" + name).filter(Files::isRegularFile);
    }
}
