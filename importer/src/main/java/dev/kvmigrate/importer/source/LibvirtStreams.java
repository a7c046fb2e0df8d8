package dev.kvmigrate.importer.source;

import com.sun.jna.Library;
import dev.kvmigrate.importer.transfer.OrderedPieces;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.PointerType;
import com.sun.jna.ptr.LongByReference;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicLong;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StorageVol;
import org.libvirt.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libvirt's sparse volume download, which libvirt-java 0.5.4 does not wrap: the few C calls bound with JNA on the
 * same {@code libvirt.so.0} libvirt-java loads. The stream is made by libvirt-java ({@code Connect.streamNew}) and
 * finished, aborted and freed by it; its {@code virStreamPtr} and the volume's {@code virStorageVolPtr} are read
 * from libvirt-java's own fields ({@code Stream.vsp}, {@code StorageVol.vsvp}, JNA {@code PointerType}s).
 *
 * <p>Bound (libvirt-storage.h, libvirt-stream.h, virterror.h; sparse streams since libvirt 3.4):
 * <pre>
 * int virStorageVolDownload(virStorageVolPtr vol, virStreamPtr stream, unsigned long long offset,
 *                           unsigned long long length, unsigned int flags);   // 0 or -1
 * int virStreamRecvFlags(virStreamPtr st, char *data, size_t nbytes, unsigned int flags);
 *                           // bytes, 0 at EOF, -1 error, -2 would block (non-blocking only), -3 at a hole
 * int virStreamRecvHole(virStreamPtr st, long long *length, unsigned int flags);   // 0 or -1
 * virErrorPtr virGetLastError(void);   // struct { int code; int domain; char *message; ... }
 * </pre>
 * {@code VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM = 1 << 0}, {@code VIR_STREAM_RECV_STOP_AT_HOLE = 1 << 0}. A
 * daemon or driver that does not know the flag answers {@code VIR_ERR_NO_SUPPORT} (3) or
 * {@code VIR_ERR_ARGUMENT_UNSUPPORTED} (74, "unsupported flags"): {@link #download} then falls back to the plain
 * stream.
 */
public final class LibvirtStreams {
    private static final Logger LOG = LoggerFactory.getLogger(LibvirtStreams.class);

    public static final int VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM = 1;
    public static final int VIR_STREAM_RECV_STOP_AT_HOLE = 1;
    public static final int VIR_ERR_NO_SUPPORT = 3;
    public static final int VIR_ERR_ARGUMENT_UNSUPPORTED = 74;
    static final int RECV_HOLE = -3;

    /** Tests (and users hunting a daemon bug) can turn the sparse flag off: {@code -Dkvmigrate.libvirt.sparse=false}. */
    public static final String SPARSE_PROPERTY = "kvmigrate.libvirt.sparse";

    private static final int CHUNK = 256 * 1024;

    /** The C calls. */
    interface Virt extends Library {
        int virStorageVolDownload(Pointer vol, Pointer stream, long offset, long length, int flags);

        int virStreamRecvFlags(Pointer stream, Pointer data, long nbytes, int flags);

        int virStreamRecvHole(Pointer stream, LongByReference length, int flags);

        Pointer virGetLastError();

        void virResetLastError();
    }

    private static final class Holder {
        static final Virt VIRT = Native.load("virt", Virt.class);
    }

    /** What a download hands on, in order: data chunks and holes. */
    public interface Receiver extends OrderedPieces.Receiver {
        /** {@code buf} is the stream's own buffer, reused for the next chunk, unless {@link #freshBuffers}. */
        @Override
        void data(byte[] buf, int len) throws IOException;

        /** Whether each chunk comes in an array of its own, which the receiver may keep. */
        default boolean freshBuffers() {
            return false;
        }

        /** {@code out}, given each chunk in an array of its own (it keeps them). */
        static Receiver keeping(OrderedPieces.Receiver out) {
            return new Receiver() {
                @Override
                public boolean freshBuffers() {
                    return true;
                }

                @Override
                public void data(byte[] buf, int len) throws IOException {
                    out.data(buf, len);
                }

                @Override
                public void hole(long length) throws IOException {
                    out.hole(length);
                }
            };
        }
    }

    /** Counters a source keeps, for progress and tests: bytes that crossed the stream, downloads started. */
    public static final class Counters {
        final AtomicLong received = new AtomicLong();
        final AtomicLong holes = new AtomicLong();
        final AtomicLong requests = new AtomicLong();
        volatile boolean sparseUsed;
        volatile boolean localFile;

        /** Data bytes received over libvirt streams (holes are not bytes). */
        public long bytesReceived() {
            return received.get();
        }

        /** Bytes announced as holes and not received. */
        public long holeBytes() {
            return holes.get();
        }

        /** Downloads started (one per stream). */
        public long requests() {
            return requests.get();
        }

        /** Whether the volume was read in place from its file, the daemon being local ({@link LibvirtLocalFile}). */
        public boolean localFile() {
            return localFile;
        }

        /** Whether the last whole-volume download was sparse. */
        public boolean sparseUsed() {
            return sparseUsed;
        }
    }

    /** {@code virStorageVolDownload} itself failed (no such support, no permission): nothing was streamed. */
    public static final class DownloadRefused extends IOException {
        DownloadRefused(String message) {
            super(message);
        }
    }

    private LibvirtStreams() {}

    static boolean sparseEnabled() {
        return !"false".equalsIgnoreCase(System.getProperty(SPARSE_PROPERTY, "true"));
    }

    /**
     * Downloads {@code [offset, offset + length)} of {@code vol} ({@code length} 0: to the end) into {@code receiver};
     * sparse when asked and supported (holes reach {@link Receiver#hole}), else every byte as data.
     *
     * @return whether the stream was sparse
     */
    public static boolean download(Connect conn, StorageVol vol, long offset, long length, boolean sparse,
            Counters counters, Receiver receiver) throws IOException {
        if (sparse && sparseEnabled()) {
            Stream stream = newStream(conn);
            int rc = Holder.VIRT.virStorageVolDownload(pointer(vol, "vsvp"), pointer(stream, "vsp"), offset, length,
                    VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM);
            if (rc == 0) {
                counters.requests.incrementAndGet();
                receive(stream, true, counters, receiver);
                return true;
            }
            LastError e = lastError();
            freeQuietly(stream);
            if (e.code != VIR_ERR_NO_SUPPORT && e.code != VIR_ERR_ARGUMENT_UNSUPPORTED) {
                throw new DownloadRefused("virStorageVolDownload: " + e.message + " (libvirt error " + e.code + ")");
            }
            LOG.debug("libvirt refuses a sparse volume download ({}, error {}); downloading every byte", e.message,
                    e.code);
        }
        Stream stream = newStream(conn);
        int rc = Holder.VIRT.virStorageVolDownload(pointer(vol, "vsvp"), pointer(stream, "vsp"), offset, length, 0);
        if (rc != 0) {
            LastError e = lastError();
            freeQuietly(stream);
            throw new DownloadRefused("virStorageVolDownload: " + e.message + " (libvirt error " + e.code + ")");
        }
        counters.requests.incrementAndGet();
        receive(stream, false, counters, receiver);
        return false;
    }

    private static void receive(Stream stream, boolean sparse, Counters counters, Receiver receiver)
            throws IOException {
        Pointer st = pointer(stream, "vsp");
        boolean done = false;
        try (Memory mem = new Memory(CHUNK)) {
            boolean fresh = receiver.freshBuffers();
            byte[] buf = fresh ? null : new byte[CHUNK];
            while (true) {
                int n = Holder.VIRT.virStreamRecvFlags(st, mem, CHUNK, sparse ? VIR_STREAM_RECV_STOP_AT_HOLE : 0);
                if (n == 0) {
                    break;
                }
                if (n == RECV_HOLE && sparse) {
                    LongByReference len = new LongByReference();
                    if (Holder.VIRT.virStreamRecvHole(st, len, 0) != 0) {
                        LastError e = lastError();
                        throw new IOException("virStreamRecvHole: " + e.message + " (libvirt error " + e.code + ")");
                    }
                    counters.holes.addAndGet(len.getValue());
                    receiver.hole(len.getValue());
                    continue;
                }
                if (n < 0) {
                    LastError e = lastError();
                    throw new IOException("libvirt volume stream broke: " + e.message + " (libvirt error " + e.code
                            + ", virStreamRecvFlags returned " + n + ")");
                }
                byte[] into = fresh ? new byte[n] : buf;
                mem.read(0, into, 0, n);
                counters.received.addAndGet(n);
                receiver.data(into, n);
            }
            stream.finish();
            done = true;
        } catch (LibvirtException e) {
            throw new IOException("finishing the libvirt stream: " + e.getMessage(), e);
        } finally {
            if (!done) {
                try {
                    stream.abort();
                } catch (LibvirtException | RuntimeException e) {
                    LOG.debug("aborting a broken libvirt stream: {}", e.getMessage());
                }
            }
            freeQuietly(stream);
        }
    }

    private static Stream newStream(Connect conn) throws IOException {
        try {
            return conn.streamNew(0);
        } catch (LibvirtException e) {
            throw new IOException("virStreamNew: " + e.getMessage(), e);
        }
    }

    private static void freeQuietly(Stream stream) {
        try {
            stream.free();
        } catch (LibvirtException | RuntimeException e) {
            LOG.debug("freeing a libvirt stream: {}", e.getMessage());
        }
    }

    private record LastError(int code, String message) {}

    private static LastError lastError() {
        Pointer err = Holder.VIRT.virGetLastError();
        if (err == null) {
            return new LastError(0, "unknown error");
        }
        int code = err.getInt(0);
        Pointer msg = err.getPointer(8);
        String text = msg == null ? "error " + code : msg.getString(0);
        Holder.VIRT.virResetLastError();
        return new LastError(code, text);
    }

    /** libvirt-java's native handle of {@code owner} (field {@code field}, a JNA {@code PointerType}). */
    static Pointer pointer(Object owner, String field) {
        try {
            Field f = owner.getClass().getDeclaredField(field);
            f.setAccessible(true);
            Object p = f.get(owner);
            if (!(p instanceof PointerType pt) || pt.getPointer() == null) {
                throw new IllegalStateException(owner.getClass().getSimpleName() + " has no native handle (freed?)");
            }
            return pt.getPointer();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("libvirt-java " + owner.getClass().getName() + " has no field " + field
                    + "; this code is written for libvirt-java 0.5.4", e);
        }
    }
}
