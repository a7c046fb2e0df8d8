package dev.kvmigrate.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real libvirt daemon for the tests that need what only a daemon does (streams, block info, running guests,
 * remote paths): {@code qemu:///system}, and the same daemon as a remote host through the loopback sshd that
 * {@code .ci/libvirtd-setup} starts ({@code qemu+ssh://root@127.0.0.1:2222/system}, key in
 * {@code $KV_MIGRATE_SSH_KEY}, default {@code /var/lib/kv-migrate-test/ssh/id_ed25519}).
 *
 * <p>A test calls {@link #require()} (or {@link #requireRemote()}): when the daemon does not answer it is skipped
 * with the reason and the command that starts one; under {@code CI=true}, where {@code .ci/run} sets the daemon up,
 * it fails instead.
 */
public final class RealLibvirtd {
    /** The local system daemon. */
    public static final String LOCAL = "qemu:///system";
    private static final String SETUP = ".ci/libvirtd-setup (as root)";

    private static Boolean localUp;
    private static Boolean remoteUp;

    private RealLibvirtd() {}

    /** The throw-away ssh key of the loopback sshd. */
    public static Path sshKey() {
        String env = System.getenv("KV_MIGRATE_SSH_KEY");
        return Path.of(env != null && !env.isBlank() ? env : "/var/lib/kv-migrate-test/ssh/id_ed25519");
    }

    /** {@code qemu+ssh://root@127.0.0.1:2222/system?keyfile=KEY&no_verify=1}: the daemon as a remote host. */
    public static String remoteUri() {
        return "qemu+ssh://root@127.0.0.1:2222/system?keyfile=" + sshKey() + "&no_verify=1";
    }

    /** {@link #LOCAL}, or the test is skipped (failed under CI=true) when the daemon does not answer. */
    public static synchronized String require() {
        if (localUp == null) {
            localUp = answers(LOCAL);
        }
        present(localUp, "no libvirt daemon answers at " + LOCAL + "; start one with " + SETUP);
        return LOCAL;
    }

    /** {@link #remoteUri()}, or the test is skipped (failed under CI=true) when it does not answer. */
    public static synchronized String requireRemote() {
        require();
        if (remoteUp == null) {
            remoteUp = Files.isReadable(sshKey()) && answers(remoteUri());
        }
        present(remoteUp, "the daemon does not answer over " + remoteUri() + "; start the loopback sshd with "
                + SETUP);
        return remoteUri();
    }

    /** Whether KVM is there ({@code /dev/kvm}); domains are defined {@code type='qemu'} without it. */
    public static boolean kvm() {
        return Files.exists(Path.of("/dev/kvm"));
    }

    /** The domain type a defined test domain must have here: {@code kvm} or {@code qemu}. */
    public static String domainType() {
        return kvm() ? "kvm" : "qemu";
    }

    private static boolean answers(String uri) {
        try {
            Process p = new ProcessBuilder("virsh", "-c", uri, "version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void present(boolean there, String what) {
        SharedDir.present(there, what);
    }
}
