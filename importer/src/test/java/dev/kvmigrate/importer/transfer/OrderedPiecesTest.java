package dev.kvmigrate.importer.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvmigrate.importer.format.Extent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Pieces fetched by several workers reach the reader whole and in disk order, and a failure fails the read. */
class OrderedPiecesTest {
    private static final long MIB = 1 << 20;

    /** A disk in memory with data at the given extents (random bytes), zeros elsewhere. */
    private static byte[] disk(long size, List<Extent> data, long seed) {
        byte[] d = new byte[(int) size];
        Random r = new Random(seed);
        for (Extent e : data) {
            byte[] b = new byte[(int) e.length()];
            r.nextBytes(b);
            System.arraycopy(b, 0, d, (int) e.offset(), b.length);
        }
        return d;
    }

    /** The content's runs, flattened back into bytes. */
    private static byte[] read(LogicalContent content, long size) throws IOException {
        byte[] out = new byte[(int) size];
        long n = content.accept(new BlockVisitor() {
            long expected;

            @Override
            public void data(long offset, byte[] buf, int off, int len) {
                assertThat(offset).as("runs come in disk order").isEqualTo(expected);
                System.arraycopy(buf, off, out, (int) offset, len);
                expected = offset + len;
            }

            @Override
            public void zeros(long offset, long length) {
                assertThat(offset).as("runs come in disk order").isEqualTo(expected);
                expected = offset + length;
            }
        });
        assertThat(n).isEqualTo(size);
        return out;
    }

    @Test
    void rangeContentWithSeveralReadersGivesTheDiskAndFetchesOnlyData() throws IOException {
        long size = 200 * MIB + 12288;
        List<Extent> data = List.of(new Extent(0, 3 * MIB), new Extent(31 * MIB, 70 * MIB),
                new Extent(130 * MIB + 65536, 5 * 65536), new Extent(150 * MIB + 4096, 100),
                new Extent(150 * MIB + 8192, 4096), new Extent(200 * MIB, 12288));
        byte[] disk = disk(size, data, 7);
        ConcurrentHashMap<Long, Long> ranges = new ConcurrentHashMap<>();
        RangeContent.RangeReader reader = (offset, length) -> {
            ranges.put(offset, length);
            return new ByteArrayInputStream(disk, (int) offset, (int) length);
        };
        byte[] got = read(new RangeContent(size, data, reader, 4), size);
        assertThat(Arrays.equals(got, disk)).isTrue();
        // only the data extents as given (not rounded out to 64 KiB blocks), none longer than a piece
        long fetched = ranges.values().stream().mapToLong(Long::longValue).sum();
        assertThat(fetched).isEqualTo(3 * MIB + 70 * MIB + 5 * 65536 + 100 + 4096 + 12288);
        assertThat(ranges).containsEntry(150 * MIB + 4096, 100L).containsEntry(150 * MIB + 8192, 4096L);
        assertThat(ranges.values()).allMatch(l -> l <= RangeContent.PIECE);
        assertThat(ranges).containsKey(31 * MIB).containsKey(31 * MIB + RangeContent.PIECE);

        byte[] one = read(new RangeContent(size, data, reader, 1), size);
        assertThat(Arrays.equals(one, disk)).isTrue();
    }

    @Test
    void aShortPieceEndsInAHoleALongOneIsAnError() throws IOException {
        List<OrderedPieces.Piece> pieces = OrderedPieces.split(0, 10 * MIB, 4 * MIB);
        assertThat(pieces).extracting(OrderedPieces.Piece::length).containsExactly(4 * MIB, 4 * MIB, 2 * MIB);
        List<String> events = new ArrayList<>();
        OrderedPieces.read(pieces, (p, out) -> out.data(new byte[(int) MIB], (int) MIB), Optional::empty, 3,
                new OrderedPieces.Receiver() {
                    @Override
                    public void data(byte[] buf, int len) {
                        events.add("d" + len / MIB);
                    }

                    @Override
                    public void hole(long length) {
                        events.add("h" + length / MIB);
                    }
                });
        assertThat(events).containsExactly("d1", "h3", "d1", "h3", "d1", "h1");

        assertThatThrownBy(() -> OrderedPieces.read(pieces, (p, out) -> out.data(new byte[(int) (5 * MIB)],
                (int) (5 * MIB)), Optional::empty, 2, sink())).isInstanceOf(IOException.class)
                .hasMessageContaining("gave 5242880 bytes for [0, 4194304)");
    }

    @Test
    void aFailingFetchFailsTheReadAndStopsTheOthers() {
        List<OrderedPieces.Piece> pieces = OrderedPieces.split(0, 64 * MIB, MIB);
        AtomicInteger fetched = new AtomicInteger();
        AtomicInteger inFlight = new AtomicInteger();
        OrderedPieces.Fetcher fetcher = (p, out) -> {
            fetched.incrementAndGet();
            inFlight.incrementAndGet();
            try {
                if (p.offset() == 5 * MIB) {
                    throw new IOException("connection reset at piece 5");
                }
                Thread.sleep(20);
                out.hole(p.length());
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException("stopped");
            } finally {
                inFlight.decrementAndGet();
            }
        };
        assertThatThrownBy(() -> OrderedPieces.read(pieces, fetcher, () -> Optional.of(fetcher), 4, sink()))
                .isInstanceOf(IOException.class).hasMessage("connection reset at piece 5");
        assertThat(inFlight.get()).as("no fetch still running once the read has failed").isZero();
        assertThat(fetched.get()).as("the workers were stopped, not left to fetch the rest").isLessThan(64);
    }

    @Test
    void fetchersThatCannotOpenLeaveTheWorkToTheFirst() throws IOException {
        List<OrderedPieces.Piece> pieces = OrderedPieces.split(0, 8 * MIB, MIB);
        CountDownLatch opens = new CountDownLatch(3);
        long[] total = {0};
        boolean[] allTried = {false};
        OrderedPieces.read(pieces, (p, out) -> {
            if (p.offset() == 0) {
                // the first piece waits until every other worker has tried to open: their failures are then certain
                try {
                    allTried[0] = opens.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new InterruptedIOException();
                }
            }
            out.data(new byte[(int) p.length()], (int) p.length());
        }, () -> {
            opens.countDown();
            return Optional.empty();
        }, 4, new OrderedPieces.Receiver() {
            @Override
            public void data(byte[] buf, int len) {
                total[0] += len;
            }

            @Override
            public void hole(long length) {
                total[0] += length;
            }
        });
        assertThat(allTried[0]).as("the three other workers each tried to open a fetcher").isTrue();
        assertThat(total[0]).as("the first fetcher did all the work").isEqualTo(8 * MIB);
    }

    private static OrderedPieces.Receiver sink() {
        return new OrderedPieces.Receiver() {
            @Override
            public void data(byte[] buf, int len) {}

            @Override
            public void hole(long length) {}
        };
    }
}
