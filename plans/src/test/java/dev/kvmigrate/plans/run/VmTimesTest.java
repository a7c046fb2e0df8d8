package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VmTimesTest {
    private static final Instant T0 = Instant.parse("2026-12-01T21:00:00Z");

    /** A journal of one run with {@code waves} declared and VMs as {name, start s, end s}. */
    private static List<JournalEntry> journal(int waves, Object[]... vms) {
        List<JournalEntry> out = new ArrayList<>();
        out.add(new JournalEntry(1, T0.toString(), Optional.empty(), Step.RUN, StepState.STARTED,
                Map.of("waves", Integer.toString(waves))));
        for (Object[] vm : vms) {
            out.add(entry(out.size() + 1, (String) vm[0], (double) vm[1], StepState.STARTED));
            out.add(entry(out.size() + 1, (String) vm[0], (double) vm[2], StepState.SUCCEEDED));
        }
        return out;
    }

    private static JournalEntry entry(long seq, String vm, double at, StepState state) {
        return new JournalEntry(seq, T0.plusMillis((long) (at * 1000)).toString(), Optional.of(vm), Step.VM, state,
                Map.of());
    }

    @Test
    void aWaveStartsWhenNoVmOfTheRunIsInFlight() {
        List<JournalEntry> j = journal(2, new Object[] {"a", 0.0, 5.0}, new Object[] {"b", 0.01, 6.0},
                new Object[] {"c", 2.0, 7.0}, new Object[] {"d", 7.1, 9.0}, new Object[] {"e", 7.2, 8.0});
        assertThat(VmTimes.waves(j, VmTimes.spans(j))).containsExactlyInAnyOrderEntriesOf(
                Map.of("a", 1, "b", 1, "c", 1, "d", 2, "e", 2));
        assertThat(VmTimes.spans(j).get("d")).isEqualTo(new VmTimes.Span("2026-12-01T21:00:07.100Z",
                Optional.of("2026-12-01T21:00:09Z")));
    }

    @Test
    void noWaveIsClaimedWhenTheTimesDisagreeWithTheRecordedCount() {
        List<JournalEntry> oneAtATime = journal(2, new Object[] {"a", 0.0, 1.0}, new Object[] {"b", 1.1, 2.0},
                new Object[] {"c", 2.1, 3.0});
        assertThat(VmTimes.waves(oneAtATime, VmTimes.spans(oneAtATime))).isEmpty();
    }

    @Test
    void aSingleWaveHoldsEveryVmOfTheRunButNotThoseOfAnEarlierOne() {
        List<JournalEntry> j = new ArrayList<>(List.of(entry(1, "old", -100, StepState.STARTED),
                entry(2, "old", -90, StepState.SUCCEEDED)));
        journal(1, new Object[] {"a", 0.0, 1.0}, new Object[] {"b", 1.1, 2.0}).forEach(j::add);
        assertThat(VmTimes.waves(j, VmTimes.spans(j))).containsExactlyInAnyOrderEntriesOf(Map.of("a", 1, "b", 1));
    }
}
