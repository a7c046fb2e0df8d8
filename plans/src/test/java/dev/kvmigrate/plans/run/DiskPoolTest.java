package dev.kvmigrate.plans.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.kvmigrate.common.disk.DiskLocation;
import dev.kvmigrate.converter.DiskTransfer;
import dev.kvmigrate.converter.Manifest;
import dev.kvmigrate.inventory.model.DiskFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Queued transfers start largest first, ties in submission order. */
class DiskPoolTest {
    private static DiskWork disk(String name, long size) {
        var body = JsonNodeFactory.instance.objectNode().put("kind", "DataVolume");
        body.putObject("metadata").put("name", name);
        return new DiskWork("vm", new DiskTransfer(name, "vda", Manifest.of("dv-" + name + ".yaml", body),
                DiskTransfer.Population.UPLOAD, Optional.of(new DiskLocation.LocalFile(Path.of("/x"))),
                DiskFormat.RAW, size));
    }

    @Test
    void largestFirst() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch gate = new CountDownLatch(1);
        try (DiskPool pool = new DiskPool(1)) {
            Future<?> blocker = pool.submit(disk("first", 1), () -> {
                gate.await();
                return null;
            });
            List<Future<String>> queued = new java.util.ArrayList<>();
            for (Object[] d : new Object[][] {{"small", 10L}, {"huge", 1000L}, {"mid-a", 100L}, {"mid-b", 100L}}) {
                String name = (String) d[0];
                queued.add(pool.submit(disk(name, (Long) d[1]), () -> {
                    order.add(name);
                    return name;
                }));
            }
            gate.countDown();
            blocker.get();
            for (Future<String> f : queued) {
                f.get();
            }
        }
        assertThat(order).containsExactly("huge", "mid-a", "mid-b", "small");
    }
}
