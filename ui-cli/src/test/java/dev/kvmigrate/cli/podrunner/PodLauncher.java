package dev.kvmigrate.cli.podrunner;

import java.io.IOException;

/**
 * The container runtime of the emulated kubelet: starts a pod's container as a host process. The process's exit code
 * is the container's; {@link JobController} kills it (SIGKILL, with its descendants) to emulate a kill or an
 * eviction.
 */
public interface PodLauncher {

    /**
     * Starts the container {@code spec} describes, its stdout and stderr going to {@link LaunchSpec#stdout()} and
     * {@link LaunchSpec#stderr()}.
     *
     * @throws IOException when the container cannot be started (an image the launcher does not know, a command that
     *     does not exist): the pod fails to start, as a container runtime's {@code StartError} does
     */
    Process launch(LaunchSpec spec) throws IOException;
}
