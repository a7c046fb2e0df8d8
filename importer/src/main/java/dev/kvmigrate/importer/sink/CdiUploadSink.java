package dev.kvmigrate.importer.sink;

import dev.kvmigrate.common.ExitCode;
import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.importer.ImportResult;
import dev.kvmigrate.importer.Phase;
import dev.kvmigrate.importer.ProgressListener;
import dev.kvmigrate.importer.TransferSettings;
import dev.kvmigrate.importer.transfer.Checksum;
import dev.kvmigrate.importer.transfer.InspectedImage;
import dev.kvmigrate.importer.transfer.Meter;
import dev.kvmigrate.importer.transfer.Sent;
import dev.kvmigrate.importer.transfer.Transfer;
import dev.kvmigrate.importer.transfer.WireEncoding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * Uploads into a PVC through CDI, the sequence {@code virtctl image-upload} follows, without its gaps: size
 * checked before any byte moves, a fresh token per attempt, 503 told apart and retried with exponential backoff
 * and jitter, every retry reported, and the volume watched until CDI says it is populated.
 */
public final class CdiUploadSink implements VolumeSink {
    private static final MediaType OCTET = MediaType.get("application/octet-stream");
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final CdiTarget target;

    /** The upload proxy CDI publishes: its URL and, when CDI publishes it, the PEM of its CA. */
    public record PublishedProxy(String url, Optional<String> caPem) {}

    /**
     * The upload proxy as CDIConfig {@code config} publishes it ({@code spec.uploadProxyURLOverride}, else
     * {@code status.uploadProxyURL}; CA from {@code status.uploadProxyCA}); empty when CDIConfig is unreadable or
     * names none.
     */
    public static Optional<PublishedProxy> publishedProxy(KubernetesClient client) {
        return new CdiCluster(client).proxyFromConfig().map(p -> new PublishedProxy(p[0], Optional.ofNullable(p[1])));
    }

    public CdiUploadSink(KubernetesClient client, CdiTarget target) {
        this.client = client;
        this.target = target;
    }

    @Override
    public String target() {
        return target.label();
    }

    @Override
    public ImportResult write(String disk, InspectedImage image, TransferSettings settings,
            ProgressListener listener) {
        long start = System.nanoTime();
        CdiVolume volume = new CdiVolume(client, target);
        listener.phase(disk, Phase.PREPARE, target.label());
        String format = image.format().name().toLowerCase(Locale.ROOT);
        if (volume.prepare(image.virtualSize())
                || volume.awaitReady(settings.waitLimit()) == CdiVolume.Readiness.ALREADY_POPULATED) {
            return provenPresent(disk, image, format, volume, settings, 0, start, listener,
                    "it is already populated");
        }
        UploadClient http = proxy(settings.stallTimeout());
        Optional<WireEncoding> encoding = settings.compress().encodingFor(image);
        if (encoding.isPresent() && settings.compress() == dev.kvmigrate.importer.transfer.Compress.AUTO
                && encoding.get() == WireEncoding.ZSTD_ADAPTIVE && !new CdiCluster(client).cdiReadsZstd()) {
            encoding = Optional.of(WireEncoding.GZIP); // CDI before v1.57 cannot unwrap zstd
        }
        boolean async;
        try {
            async = http.supportsAsync();
        } catch (javax.net.ssl.SSLException e) {
            throw tlsFailure(disk, http, e);
        } catch (IOException e) {
            async = false;
        }
        String lastCause = "";
        Duration stalledInAll = Duration.ZERO;
        int attempts = 1 + settings.retries();
        for (int attempt = 1; attempt <= attempts; attempt++) {
            listener.phase(disk, Phase.TRANSFER, "attempt " + attempt + " to " + http.base()
                    + (async ? "/v1beta1/upload-async" : "/v1beta1/upload") + " as "
                    + encoding.map(WireEncoding::label).orElse("as-is"));
            String token = volume.token();
            UploadClient.Watch watch = new UploadClient.Watch(settings.stallTimeout(), settings.waitLimit());
            Meter meter = new Meter(disk, encoding.isPresent() ? image.virtualSize().orElse(-1L)
                    : image.source().length().orElse(-1L), new ProgressListener() {
                        @Override
                        public void progress(dev.kvmigrate.importer.Progress p) {
                            watch.alive(); // content read counts: a hole moves few wire bytes
                            listener.progress(p);
                        }
                    });
            Body body = new Body(image, encoding, settings, meter);
            UploadClient.Answer answer;
            try {
                answer = http.post(async, token, body, watch);
            } catch (javax.net.ssl.SSLException e) {
                throw tlsFailure(disk, http, e);
            } catch (UploadClient.Stalled e) {
                lastCause = e.getMessage();
                stalledInAll = stalledInAll.plus(e.idle());
                if (stalledInAll.compareTo(settings.waitLimit()) >= 0) {
                    throw KvMigrateException.targetError("disk " + disk + ": upload to " + target.label()
                            + " gave up: " + attempt + (attempt == 1 ? " attempt" : " attempts") + " stalled "
                            + stalledInAll.toMillis() / 1000.0 + " s in all, as long as --wait allows ("
                            + settings.waitLimit().toSeconds() + " s); last: " + lastCause + "; check the upload"
                            + " proxy and its pods (kubectl get pods -n cdi) and the network, or raise --wait", null);
                }
                retryOrGiveUp(disk, attempt, attempts, lastCause, backoff(settings, attempt), listener);
                continue;
            } catch (IOException e) {
                lastCause = "connection lost after " + meter.wireBytes() + " bytes (" + e.getMessage() + ")";
                retryOrGiveUp(disk, attempt, attempts, lastCause, backoff(settings, attempt), listener);
                continue;
            }
            switch (answer.code()) {
                case 200 -> {
                    listener.phase(disk, Phase.PROCESS, "waiting for CDI to finish " + target.label());
                    volume.awaitPopulated(settings.waitLimit());
                    Sent sent = body.sent.orElseThrow(() -> new KvMigrateException(ExitCode.INTERNAL,
                            "disk " + disk + ": upload answered 200 before its body was written"));
                    volume.record(new CdiVolume.Imported(sent.digest(), scope(sent.scope()), sent.contentBytes()));
                    listener.phase(disk, Phase.DONE, target.label() + " " + sent.digest());
                    return new ImportResult(disk, image.source().name(), target.label(),
                            ImportResult.Outcome.IMPORTED, format, encoding.map(WireEncoding::label).orElse("as-is"),
                            sent.contentBytes(), sent.wireBytes(), sent.digest(),
                            scope(sent.scope()), attempt,
                            (System.nanoTime() - start) / 1e9,
                            sent.adaptation().map(Sent.Adaptation::levels).orElse(""),
                            sent.adaptation().map(Sent.Adaptation::linkBytesPerSecond).orElse(0L));
                }
                case 409 -> {
                    return provenPresent(disk, image, format, volume, settings, attempt, start, listener,
                            "the upload proxy answered 409 (" + answer.message() + ")");
                }
                case 400 -> throw KvMigrateException.targetError("disk " + disk + ": the upload proxy refused the image"
                        + " for " + target.label() + ": " + answer.message() + "; check the volume size and the image",
                        null);
                case 401 -> {
                    lastCause = "401 token rejected (expired or invalid); a new token is requested";
                    retryOrGiveUp(disk, attempt, attempts, lastCause, Duration.ofMillis(100), listener);
                }
                case 503 -> {
                    lastCause = "503 upload server not ready or busy: " + answer.message();
                    retryOrGiveUp(disk, attempt, attempts, lastCause, backoff(settings, attempt), listener);
                }
                case 500 -> {
                    lastCause = "500 upload server failed to write: " + answer.message()
                            + "; CDI cannot resume, the retry starts at byte 0";
                    retryOrGiveUp(disk, attempt, attempts, lastCause, backoff(settings, attempt), listener);
                }
                default -> throw KvMigrateException.targetError("disk " + disk + ": the upload proxy answered HTTP "
                        + answer.code() + " for " + target.label() + ": " + answer.message(), null);
            }
        }
        throw KvMigrateException.targetError("disk " + disk + ": upload to " + target.label() + " failed " + attempts
                + " times, last: " + lastCause + "; retry later or raise --retries", null);
    }

    /** A certificate problem does not heal by retrying: stop and say how to trust the proxy. */
    private KvMigrateException tlsFailure(String disk, UploadClient http, javax.net.ssl.SSLException e) {
        return KvMigrateException.targetError("disk " + disk + ": TLS with the upload proxy " + http.base()
                + " failed (" + e.getMessage() + "); give its CA with --ca-file (CDIConfig status.uploadProxyCA is"
                + " used when published), or --insecure to skip verification", e);
    }

    private static String scope(Sent.DigestScope scope) {
        return scope == Sent.DigestScope.DISK ? "disk" : "image-file";
    }

    /**
     * Reports the volume present only on proof: populated (phase Succeeded) and holding what kv-migrate recorded
     * there when it uploaded, and that record matching this image (size, then the digest, computed here without
     * sending a byte). Anything else stops with the volume named and the way out.
     */
    private ImportResult provenPresent(String disk, InspectedImage image, String format, CdiVolume volume,
            TransferSettings settings, int attempts, long start, ProgressListener listener, String why) {
        String kind = target.kind() == CdiTarget.Kind.DV ? "DataVolume" : "PVC";
        String fix = "; nothing was sent. Delete it (kubectl delete " + target.kind().prefix() + " -n "
                + target.namespace() + " " + target.name() + ") and rerun, or import into a new " + kind;
        String phase = volume.populationPhase();
        if (!"Succeeded".equals(phase)) {
            throw KvMigrateException.targetError("disk " + disk + ": " + why + ", but " + kind + " "
                    + target.label() + " is " + phase + ", not populated" + fix, null);
        }
        CdiVolume.Imported record = volume.imported().orElseThrow(() -> KvMigrateException.targetError("disk "
                + disk + ": " + kind + " " + target.label() + " is already populated (Succeeded), but not by"
                + " kv-migrate (no " + CdiVolume.IMPORTED_DIGEST + " annotation), so nothing shows it holds "
                + image.source().name() + fix, null));
        listener.phase(disk, Phase.PROCESS, target.label() + " is populated; checking it holds this image ("
                + record.digest() + ")");
        Optional<Sent> local = digestHere(image, record, settings.checksum());
        if (local.isEmpty() || local.get().contentBytes() != record.bytes()
                || !local.get().digest().equals(record.digest())) {
            throw KvMigrateException.targetError("disk " + disk + ": " + kind + " " + target.label()
                    + " already holds a different image (recorded " + record.digest() + ", " + record.bytes()
                    + " bytes; " + image.source().name() + " is " + local.map(l -> l.digest() + ", "
                            + l.contentBytes() + " bytes").orElse("not comparable (" + record.scope() + " digest)")
                    + ")" + fix, null);
        }
        return already(disk, image, format, attempts, start, listener, why + " and holds this image ("
                + record.digest() + ")");
    }

    /** This image's digest as the record computed it (same scope and algorithm), read here, sent nowhere. */
    private static Optional<Sent> digestHere(InspectedImage image, CdiVolume.Imported record, Checksum fallback) {
        Optional<WireEncoding> how;
        if (record.scope().equals("disk")) {
            if (!image.isRaw()) {
                return Optional.empty();
            }
            how = Optional.of(WireEncoding.RAW);
        } else {
            how = Optional.empty();
        }
        String algorithm = record.digest().contains(":")
                ? record.digest().substring(0, record.digest().indexOf(':')) : "";
        Checksum checksum = java.util.Arrays.stream(Checksum.values()).filter(c -> c.label().equals(algorithm))
                .findFirst().orElse(fallback);
        try {
            return Optional.of(Transfer.send(image, how, checksum, dev.kvmigrate.importer.transfer.RateLimiter
                    .unlimited(), new Meter("", -1, ProgressListener.NONE), java.io.OutputStream.nullOutputStream()));
        } catch (IOException e) {
            throw KvMigrateException.io("cannot read " + image.source().name() + " to compare it with what "
                    + "the volume holds: " + e.getMessage(), e);
        }
    }

    private UploadClient proxy(Duration stall) {
        Optional<String[]> published = new CdiCluster(client).proxyFromConfig();
        String url = target.proxyUrl().or(() -> published.map(p -> p[0])).orElseThrow(() ->
                KvMigrateException.targetError("no upload proxy URL for " + target.label() + ": CDIConfig config"
                        + " has neither spec.uploadProxyURLOverride nor status.uploadProxyURL; give --uploadproxy-url",
                        null));
        Optional<String> ca = target.caFile().map(UploadClient::readCa)
                .or(() -> published.map(p -> p[1]).filter(s -> s != null && !s.isBlank()));
        return UploadClient.of(url, ca, target.insecure(), stall);
    }

    private static Duration backoff(TransferSettings settings, int attempt) {
        long base = settings.backoff().toMillis() << Math.min(attempt - 1, 16);
        long capped = Math.min(base, MAX_BACKOFF.toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    private static void retryOrGiveUp(String disk, int attempt, int attempts, String cause, Duration delay,
            ProgressListener listener) {
        if (attempt >= attempts) {
            return;
        }
        listener.retry(disk, attempt + 1, cause, delay);
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvMigrateException(ExitCode.INTERRUPTED, "disk " + disk + ": interrupted before retrying", e);
        }
    }

    private ImportResult already(String disk, InspectedImage image, String format, int attempts, long start,
            ProgressListener listener, String why) {
        listener.phase(disk, Phase.DONE, target.label() + " " + why + "; nothing sent");
        return new ImportResult(disk, image.source().name(), target.label(), ImportResult.Outcome.ALREADY_PRESENT,
                format, "none", 0, 0, "", "none", attempts, (System.nanoTime() - start) / 1e9);
    }

    /** A one-shot request body streaming the image; length known only when bytes go unencoded. */
    private static final class Body extends RequestBody {
        private final InspectedImage image;
        private final Optional<WireEncoding> encoding;
        private final TransferSettings settings;
        private final Meter meter;
        private Optional<Sent> sent = Optional.empty();

        Body(InspectedImage image, Optional<WireEncoding> encoding, TransferSettings settings, Meter meter) {
            this.image = image;
            this.encoding = encoding;
            this.settings = settings;
            this.meter = meter;
        }

        @Override
        public MediaType contentType() {
            return OCTET;
        }

        @Override
        public long contentLength() {
            if (encoding.isEmpty()) {
                return image.source().length().orElse(-1L);
            }
            return encoding.get() == WireEncoding.RAW && image.compression().name().equals("NONE")
                    ? image.virtualSize().orElse(-1L) : -1L;
        }

        @Override
        public boolean isOneShot() {
            return true;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            sent = Optional.of(Transfer.send(image, encoding, settings.checksum(), settings.limiter(), meter,
                    pooled(sink.outputStream())));
        }
    }

    /** The largest write handed to okio at once; see {@link #pooled}. */
    static final int OKIO_WRITE = 32 * 1024;

    /**
     * {@code okio} in writes of at most {@link #OKIO_WRITE} bytes. okio copies a write into 8 KiB segments taken
     * from its pool, which keeps at most 64 KiB per thread bucket; the complete segments go to the socket and back
     * to the pool within the same call. A 128 KiB write therefore took half its segments fresh from the heap:
     * ~1 GB of garbage per 2 GB sent, and the young collections with it (bench/link, 10 Gbit). In 32 KiB writes
     * every segment comes from, and returns to, the pool.
     */
    static java.io.OutputStream pooled(java.io.OutputStream okio) {
        return new java.io.FilterOutputStream(okio) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                for (int at = 0; at < len; at += OKIO_WRITE) {
                    out.write(b, off + at, Math.min(OKIO_WRITE, len - at));
                }
            }
        };
    }
}
