package dev.kvmigrate.plans.example;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.inventory.VmSelector;
import dev.kvmigrate.inventory.libvirt.XmlDumpSource;
import dev.kvmigrate.inventory.model.Disk;
import dev.kvmigrate.inventory.model.DiskDevice;
import dev.kvmigrate.inventory.model.DiskFormat;
import dev.kvmigrate.inventory.model.DiskSourceType;
import dev.kvmigrate.inventory.model.Inventory;
import dev.kvmigrate.inventory.model.Vm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes the small, real disk images that the bundled example's XML dumps refer to ({@code disks/…} beside the
 * dumps), so the example runs end to end on a fresh machine: raw images are written sparse in Java; qcow2 images
 * with {@code qemu-img convert} when it is installed, else by {@link ImageWriters#qcow2} in Java. Existing images
 * are left alone.
 */
public final class ExampleDisks {
    /** How the qcow2 images get made. */
    public enum Maker {
        QEMU_IMG,
        JAVA
    }

    /** One image made now. */
    public record Made(Path file, DiskFormat format, long virtualSize, Maker maker) {}

    private ExampleDisks() {}

    /** The maker available here: qemu-img on PATH, else Java. */
    public static Maker available() {
        return dev.kvmigrate.importer.sink.DirectorySink.qemuImgInstalled() ? Maker.QEMU_IMG : Maker.JAVA;
    }

    /** Creates every missing file disk that the dumps in {@code xmlDir} reference. */
    public static List<Made> create(Path xmlDir, Maker maker) {
        Inventory inv;
        try (XmlDumpSource src = XmlDumpSource.open(xmlDir)) {
            inv = src.scan(VmSelector.ALL);
        }
        List<Made> made = new ArrayList<>();
        for (Vm vm : inv.vms()) {
            for (Disk d : vm.disks()) {
                if (d.device() != DiskDevice.DISK || d.source().type() != DiskSourceType.FILE) {
                    continue;
                }
                Path file = Path.of(d.source().location());
                if (Files.exists(file)) {
                    continue;
                }
                DiskContent content = contentFor(file.getFileName().toString());
                write(content, d.format(), file, maker);
                made.add(new Made(file, d.format(), content.virtualSize(), d.format() == DiskFormat.QCOW2 ? maker
                        : Maker.JAVA));
            }
        }
        return made;
    }

    /** 64 MiB with three MiB of data: at the start, in the middle, and at a name-dependent place. */
    static DiskContent contentFor(String name) {
        int third = 20 + Math.floorMod(name.hashCode(), 40);
        return DiskContent.of(name, 64, List.of(0, 9, third));
    }

    static void write(DiskContent content, DiskFormat format, Path file, Maker maker) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling("." + file.getFileName() + ".making");
            if (format == DiskFormat.RAW) {
                ImageWriters.raw(content, tmp);
            } else if (format == DiskFormat.QCOW2 && maker == Maker.JAVA) {
                ImageWriters.qcow2(content, tmp);
            } else if (format == DiskFormat.QCOW2) {
                Path raw = file.resolveSibling("." + file.getFileName() + ".raw");
                try {
                    ImageWriters.raw(content, raw);
                    qemuImg("convert", "-f", "raw", "-O", "qcow2", raw.toString(), tmp.toString());
                } finally {
                    Files.deleteIfExists(raw);
                }
            } else {
                throw KvMigrateException.invalidInput("example disk " + file + " is " + format + "; the example"
                        + " maker writes raw and qcow2 only");
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw KvMigrateException.io("cannot create example disk " + file + ": " + e.getMessage(), e);
        }
    }

    private static void qemuImg(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("qemu-img"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
    }
}
