package dev.kvmigrate.converter.gpu;

import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How many of each mediated (vGPU) type the target nodes must create for the converted VMs, for the admin summary.
 * KubeVirt creates the configured types round-robin over the cards of each node, as many as the cards hold; it does
 * not count. So the summary gives the count the plan needs per type and node group, and flags MIG-backed types
 * ({@code <GPU>-<slices>-<GB>C}, e.g. {@code NVIDIA A100D-1-10C}): their card must be in MIG mode before the node can
 * create them, which KubeVirt does not switch. Pure.
 */
final class MdevSizing {
    /** {@code A100-1-5C}, {@code NVIDIA A100D-1-10C}, {@code NVIDIA H100-3-40C}: slices-memory-compute. */
    private static final Pattern MIG_BACKED = Pattern.compile(".*-\\d+-\\d+C$");

    private MdevSizing() {}

    /** Whether the vGPU type name is MIG-backed. */
    static boolean migBacked(String typeName) {
        return MIG_BACKED.matcher(typeName.trim()).matches();
    }

    static String summary(Collection<AdminPatch.MdevType> types) {
        if (types.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder("\n## vGPU types to create\n\nThe patch's `mediatedDevicesConfiguration`"
                + " makes KubeVirt create these types on the nodes (round-robin over each node's cards, as many as"
                + " they hold). The nodes must hold at least the count below of each:\n\n"
                + "| type id | type name | vGPUs needed | nodes | VMs |\n|---|---|---|---|---|\n");
        boolean mig = false;
        for (AdminPatch.MdevType t : types) {
            boolean m = t.name().filter(MdevSizing::migBacked).isPresent();
            mig |= m;
            s.append("| `").append(t.id()).append("` | ").append(t.name().map(n -> "`" + n + "`").orElse("-"))
                    .append(m ? " (MIG-backed)" : "").append(" | ").append(t.vms().size()).append(" | ")
                    .append(t.nodeSelector().isEmpty() ? "every node with a card that offers it"
                            : "labelled " + labels(t.nodeSelector()))
                    .append(" | ").append(String.join(", ", new TreeSet<>(t.vms()))).append(" |\n");
        }
        if (mig) {
            s.append("\nMIG-backed types need their GPU in MIG mode first (`nvidia-smi -i <gpu> -mig 1`, or the GPU"
                    + " Operator's MIG manager); KubeVirt does not switch it.\n");
        }
        return s.toString();
    }

    private static String labels(Map<String, String> selector) {
        return selector.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
