package dev.kvmigrate.converter.storage;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The space CDI reserves on a Filesystem volume (CDIConfig {@code config} {@code status.filesystemOverhead}): a
 * fraction between 0 and 1, per storage class or global.
 *
 * @param global {@code global}, when the cluster says
 * @param perClass {@code storageClass}: overheads by class name
 */
public record FilesystemOverhead(Optional<BigDecimal> global, Map<String, BigDecimal> perClass) {
    /** CDI's default global overhead (5.5 %). */
    public static final BigDecimal CDI_DEFAULT = new BigDecimal("0.055");
    /** Nothing known: CDI's default everywhere. */
    public static final FilesystemOverhead DEFAULT = new FilesystemOverhead(Optional.empty(), Map.of());

    public FilesystemOverhead {
        global = Objects.requireNonNullElse(global, Optional.empty());
        perClass = Map.copyOf(new TreeMap<>(Objects.requireNonNullElse(perClass, Map.of())));
        global.ifPresent(FilesystemOverhead::check);
        perClass.values().forEach(FilesystemOverhead::check);
    }

    private static void check(BigDecimal v) {
        if (v.signum() < 0 || v.compareTo(BigDecimal.ONE) >= 0) {
            throw new IllegalArgumentException("filesystem overhead " + v.toPlainString() + " is not in [0, 1)");
        }
    }

    /** The overhead of {@code storageClass} (absent: the cluster default class): per class, else global, else CDI's. */
    public Overhead of(Optional<String> storageClass) {
        Optional<BigDecimal> specific = storageClass.map(perClass::get);
        if (specific.isPresent()) {
            return new Overhead(specific.get(), "CDIConfig filesystemOverhead.storageClass[" + storageClass.get()
                    + "]");
        }
        return global.map(g -> new Overhead(g, "CDIConfig filesystemOverhead.global"))
                .orElse(Overhead.DEFAULT);
    }

    /**
     * One overhead and where it came from.
     *
     * @param value the fraction, {@code 0.055}
     * @param source {@code CDIConfig filesystemOverhead.global}, {@code CDIConfig
     *     filesystemOverhead.storageClass[fast]} or {@code CDI's default}
     */
    public record Overhead(BigDecimal value, String source) {
        public static final Overhead DEFAULT = new Overhead(CDI_DEFAULT, "CDI's default");

        public Overhead {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(source, "source");
        }

        /** {@code 5.5%}. */
        public String percent() {
            return value.movePointRight(2).stripTrailingZeros().toPlainString() + "%";
        }

        /** Bytes a Filesystem volume needs to hold {@code bytes}: {@code ceil(bytes / (1 - overhead))}. */
        public long inflate(long bytes) {
            return new BigDecimal(bytes).divide(BigDecimal.ONE.subtract(value), 0, java.math.RoundingMode.CEILING)
                    .longValueExact();
        }
    }
}
