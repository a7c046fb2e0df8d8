package dev.kvmigrate.importer.transfer;

import dev.kvmigrate.importer.format.Extent;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Raw content served by byte ranges (HTTP Range on imageio) with a known list of data extents: only data extents are
 * fetched, each zero-checked per 64 KiB block. The data is fetched in pieces of at most {@link #PIECE} bytes by up to
 * {@code readers} requests at once ({@link OrderedPieces}: one imageio range is served at a bounded rate, several
 * side by side; ovirt-imageio allows {@code max_readers} of them), handed on in disk order.
 */
public final class RangeContent implements LogicalContent {
    /** Opens the bytes {@code [offset, offset + length)}. Called from several threads at once. */
    @FunctionalInterface
    public interface RangeReader {
        InputStream open(long offset, long length) throws IOException;
    }

    private static final int CHUNK = 256 * 1024;
    static final long PIECE = 32L << 20;

    private final long size;
    private final List<Extent> data;
    /** The data extents as the source gave them (sorted, not rounded to blocks): the bytes actually requested. */
    private final List<Extent> exact;
    private final RangeReader reader;
    private final int readers;

    public RangeContent(long size, List<Extent> dataExtents, RangeReader reader) {
        this(size, dataExtents, reader, 1);
    }

    public RangeContent(long size, List<Extent> dataExtents, RangeReader reader, int readers) {
        this.size = size;
        this.data = Extent.alignToBlocks(dataExtents, size);
        this.exact = dataExtents.stream().filter(e -> e.length() > 0)
                .sorted(java.util.Comparator.comparingLong(Extent::offset)).toList();
        this.reader = reader;
        this.readers = Math.max(1, readers);
    }

    @Override
    public OptionalLong size() {
        return OptionalLong.of(size);
    }

    /** The disk as pieces: each gap between data extents one hole piece, the data in pieces of at most PIECE. */
    List<OrderedPieces.Piece> pieces() {
        List<OrderedPieces.Piece> out = new ArrayList<>();
        long pos = 0;
        for (Extent e : data) {
            if (e.offset() > pos) {
                out.add(new OrderedPieces.Piece(pos, e.offset() - pos));
            }
            out.addAll(OrderedPieces.split(e.offset(), e.length(), PIECE));
            pos = e.end();
        }
        if (size > pos) {
            out.add(new OrderedPieces.Piece(pos, size - pos));
        }
        return out;
    }

    @Override
    public long accept(BlockVisitor visitor) throws IOException {
        RunBuilder runs = new RunBuilder(visitor);
        List<OrderedPieces.Piece> pieces = pieces();
        long dataPieces = data.stream().mapToLong(e -> (e.length() + PIECE - 1) / PIECE).sum();
        OrderedPieces.Fetcher fetcher = this::fetch;
        OrderedPieces.read(pieces, fetcher, () -> Optional.of(fetcher), (int) Math.min(readers, dataPieces),
                new OrderedPieces.Receiver() {
                    private long pos;

                    @Override
                    public void data(byte[] buf, int len) throws IOException {
                        runs.scan(pos, buf, len);
                        pos += len;
                    }

                    @Override
                    public void hole(long length) throws IOException {
                        runs.zeros(pos, length);
                        pos += length;
                    }
                });
        runs.flush();
        return size;
    }

    /**
     * A data piece by range requests for the source's data extents within it, in chunks of their own; the bytes the
     * piece holds beyond those extents (a block rounded out around a small extent) are zeros and are not requested.
     * A piece no data extent reaches into (a gap between the rounded extents) is a hole, without a request.
     */
    private void fetch(OrderedPieces.Piece p, OrderedPieces.Receiver out) throws IOException {
        long end = p.offset() + p.length();
        List<Extent> within = new ArrayList<>();
        int i = firstEndingAfter(p.offset());
        for (; i < exact.size() && exact.get(i).offset() < end; i++) {
            Extent e = exact.get(i);
            long from = Math.max(e.offset(), p.offset());
            within.add(new Extent(from, Math.min(e.end(), end) - from));
        }
        if (within.isEmpty()) {
            out.hole(p.length());
            return;
        }
        int next = 0;
        InputStream in = null;
        long inPos = 0;
        try {
            for (long c = p.offset(); c < end; c += CHUNK) {
                int len = (int) Math.min(CHUNK, end - c);
                byte[] buf = new byte[len];
                long chunkEnd = c + len;
                while (next < within.size() && within.get(next).offset() < chunkEnd) {
                    Extent e = within.get(next);
                    if (in == null) {
                        in = reader.open(e.offset(), e.length());
                        inPos = e.offset();
                    }
                    long to = Math.min(e.end(), chunkEnd);
                    int n = (int) (to - inPos);
                    int got = in.readNBytes(buf, (int) (inPos - c), n);
                    if (got < n) {
                        throw new IOException("range " + e.offset() + "+" + e.length() + " ended after "
                                + (inPos + got - e.offset()) + " bytes");
                    }
                    inPos = to;
                    if (to < e.end()) {
                        break;
                    }
                    in.close();
                    in = null;
                    next++;
                }
                out.data(buf, len);
            }
        } finally {
            if (in != null) {
                in.close();
            }
        }
    }

    /** Index of the first exact extent that ends after {@code offset}. */
    private int firstEndingAfter(long offset) {
        int lo = 0;
        int hi = exact.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (exact.get(mid).end() <= offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
