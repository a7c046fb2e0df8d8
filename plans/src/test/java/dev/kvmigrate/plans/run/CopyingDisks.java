package dev.kvmigrate.plans.run;

import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.zip.CRC32;

/** Test importer: copies the source image file as it is, CRC32 as digest; can be told to fail some disks. */
final class CopyingDisks implements DiskImporter {
    final Path dir;
    final List<String> imported = new CopyOnWriteArrayList<>();
    Predicate<String> fail = dv -> false;

    CopyingDisks(Path dir) {
        this.dir = dir;
    }

    @Override
    public boolean holds(DiskWork disk, String digest) {
        Path f = dir.resolve(disk.dataVolume() + ".img");
        return Files.exists(f) && digest.equals(crc(f));
    }

    @Override
    public DiskResult importDisk(DiskWork disk, DiskProgress progress) {
        if (fail.test(disk.dataVolume())) {
            throw KvMigrateException.targetError("disk " + disk.dataVolume() + ": injected failure", null);
        }
        try {
            Files.createDirectories(dir);
            Path f = dir.resolve(disk.dataVolume() + ".img");
            Files.copy(((dev.kvmigrate.common.disk.DiskLocation.LocalFile) disk.transfer().location().orElseThrow())
                    .path(), f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            long n = Files.size(f);
            progress.bytes(n, n, n, n);
            imported.add(disk.dataVolume());
            return new DiskResult(crc(f), n, n, 0.01);
        } catch (IOException e) {
            throw KvMigrateException.io(e.getMessage(), e);
        }
    }

    static String crc(Path f) {
        CRC32 c = new CRC32();
        try (InputStream in = Files.newInputStream(f)) {
            byte[] b = new byte[65536];
            int r;
            while ((r = in.read(b)) > 0) {
                c.update(b, 0, r);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return "crc32:" + Long.toHexString(c.getValue());
    }
}
