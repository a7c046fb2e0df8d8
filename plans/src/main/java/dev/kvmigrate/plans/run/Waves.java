package dev.kvmigrate.plans.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GPU-aware waves: when the target can allocate fewer devices of a resource than the plan's VMs need together,
 * the VMs go in waves whose needs fit; a wave starts when the one before has finished. VMs needing no GPU go in
 * the first wave. A VM that alone needs more than the target has goes in a wave of its own (its start step will
 * say why it cannot run). Pure function; order within the input is kept.
 */
public final class Waves {
    /** A VM and the devices it requests: resource → count. */
    public record Needs(String vm, Map<String, Integer> devices) {
        public Needs {
            devices = Map.copyOf(devices);
        }
    }

    private Waves() {}

    public static List<List<String>> plan(List<Needs> vms, Map<String, Long> capacity) {
        List<List<String>> waves = new ArrayList<>();
        List<Map<String, Long>> used = new ArrayList<>();
        for (Needs n : vms) {
            int placed = -1;
            for (int w = 0; w < waves.size() && placed < 0; w++) {
                if (fits(n, used.get(w), capacity)) {
                    placed = w;
                }
            }
            if (placed < 0) {
                waves.add(new ArrayList<>());
                used.add(new HashMap<>());
                placed = waves.size() - 1;
            }
            waves.get(placed).add(n.vm());
            int w = placed;
            n.devices().forEach((r, c) -> used.get(w).merge(r, (long) c, Long::sum));
        }
        return waves.stream().map(List::copyOf).toList();
    }

    private static boolean fits(Needs n, Map<String, Long> used, Map<String, Long> capacity) {
        for (Map.Entry<String, Integer> d : n.devices().entrySet()) {
            long cap = capacity.getOrDefault(d.getKey(), 0L);
            long now = used.getOrDefault(d.getKey(), 0L);
            if (now > 0 && now + d.getValue() > cap) {
                return false;
            }
        }
        return true;
    }
}
