package dev.kvmigrate.importer.sink;

import dev.kvmigrate.common.KvMigrateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.BufferedSource;
import okio.ForwardingSink;
import okio.Okio;

/**
 * The HTTP side of a CDI upload: one OkHttp client per proxy with silent retries off (a retried upload must
 * get a new token), and TLS verified against the CA given or published. The token goes only into the
 * Authorization header; nothing here logs headers.
 *
 * <p>Timeouts follow progress, not the clock: an upload may take hours, but an attempt fails as {@link Stalled}
 * (and the call is cancelled) when no byte moved for the stall timeout while the body goes out or the answer comes
 * in, or when no answer came within the answer wait once the whole body was sent (CDI answers a synchronous upload
 * only after writing the volume). Answers are read up to {@link #MAX_ANSWER} bytes, never whole.
 */
final class UploadClient {
    /** The most of an answer's body read: enough for any reason CDI gives, never a hostile proxy's gigabytes. */
    static final int MAX_ANSWER = 4 * 1024;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "upload-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** The status and body text (at most {@link #MAX_ANSWER} bytes) of one upload attempt. */
    record Answer(int code, String message) {}

    /** An attempt stopped because nothing moved for too long; the call was cancelled. */
    static final class Stalled extends IOException {
        private static final long serialVersionUID = 1L;
        private final Duration idle;

        Stalled(String message, Duration idle, Throwable cause) {
            super(message, cause);
            this.idle = idle;
        }

        /** How long the attempt sat without progress before it was stopped. */
        Duration idle() {
            return idle;
        }
    }

    /**
     * Watches one attempt: where it is (sending the body, awaiting the answer, reading it) and when a byte last
     * moved. Anything that shows the transfer advancing calls {@link #alive()}; thread-safe.
     */
    static final class Watch {
        private enum Stage { SENDING, AWAITING, READING }

        private final Duration stall;
        private final Duration answerWait;
        private volatile Stage stage = Stage.SENDING;
        private volatile long lastMove = System.nanoTime();
        private volatile long stageStart = lastMove;
        private final AtomicLong sent = new AtomicLong();
        private volatile Stalled verdict;

        Watch(Duration stall, Duration answerWait) {
            this.stall = stall;
            this.answerWait = answerWait;
        }

        /** The transfer advanced (content read, bytes taken by the socket). */
        void alive() {
            lastMove = System.nanoTime();
        }

        void sent(long bytes) {
            sent.addAndGet(bytes);
            alive();
        }

        private void enter(Stage s) {
            long now = System.nanoTime();
            stageStart = now;
            lastMove = now;
            stage = s;
        }

        /** Decides, at {@code now}, whether the attempt is stalled; the first verdict sticks. */
        boolean stalled(long now) {
            if (verdict != null) {
                return true;
            }
            long idle = now - lastMove;
            String why = switch (stage) {
                case SENDING -> idle > stall.toNanos() ? "stalled: no byte moved for " + seconds(stall)
                        + " s while sending, after " + sent.get() + " bytes (the upload proxy takes nothing)" : null;
                case AWAITING -> now - stageStart > answerWait.toNanos() ? "stalled: no answer from the upload proxy "
                        + seconds(answerWait) + " s after the whole body (" + sent.get() + " bytes) was sent" : null;
                case READING -> idle > stall.toNanos() || now - stageStart > stall.toNanos()
                        ? "the upload proxy's answer stalled" : null;
            };
            if (why == null) {
                return false;
            }
            verdict = new Stalled(why, Duration.ofNanos(stage == Stage.AWAITING ? now - stageStart : idle), null);
            return true;
        }

        private static String seconds(Duration d) {
            return d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds()) : String.format("%.1f", d.toMillis() / 1e3);
        }
    }

    private final OkHttpClient http;
    private final OkHttpClient upload;
    private final HttpUrl base;

    private UploadClient(OkHttpClient http, HttpUrl base) {
        this.http = http;
        // The watchdog owns an upload's timeouts: a socket timeout cannot tell a stall from CDI's long write.
        this.upload = http.newBuilder().readTimeout(Duration.ZERO).writeTimeout(Duration.ZERO).build();
        this.base = base;
    }

    /**
     * A client for {@code proxyUrl} ({@code https://} added when no scheme is given), trusting {@code caPem}
     * (a PEM bundle) when present, nothing but the system CAs otherwise, everything when {@code insecure}.
     * Requests other than the upload itself fail after {@code stall} without a byte.
     */
    static UploadClient of(String proxyUrl, Optional<String> caPem, boolean insecure, Duration stall) {
        String u = proxyUrl.contains("://") ? proxyUrl : "https://" + proxyUrl;
        HttpUrl base = HttpUrl.parse(u);
        if (base == null) {
            throw KvMigrateException.invalidInput("upload proxy URL '" + proxyUrl + "' is not a valid URL;"
                    + " give --uploadproxy-url https://HOST[:PORT]", null);
        }
        OkHttpClient.Builder b = new OkHttpClient.Builder()
                .retryOnConnectionFailure(false)
                .socketFactory(new CoalescingSocketFactory())
                .followRedirects(false)
                .connectTimeout(Duration.ofSeconds(30))
                .writeTimeout(stall)
                .readTimeout(stall)
                .callTimeout(Duration.ZERO);
        dev.kvmigrate.importer.Tls.configure(b, caPem, insecure, "upload proxy CA (--ca-file or CDIConfig"
                + " status.uploadProxyCA)");
        return new UploadClient(b.build(), base);
    }

    static String readCa(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw KvMigrateException.io("CA file " + file + " is not readable: " + e.getMessage(), e);
        }
    }

    String base() {
        return base.toString();
    }

    /** Whether the proxy offers {@code /v1beta1/upload-async} (HEAD answers 200). */
    boolean supportsAsync() throws IOException {
        Request head = new Request.Builder().url(base.resolve("/v1beta1/upload-async")).head().build();
        try (Response r = http.newCall(head).execute()) {
            return r.code() == 200;
        }
    }

    /**
     * POSTs {@code body} with the token under {@code watch}; the answer's status and text (never throws on an HTTP
     * status). Throws {@link Stalled} when the watch stopped the attempt, another IOException when the connection
     * broke.
     */
    Answer post(boolean async, String token, RequestBody body, Watch watch) throws IOException {
        Request req = new Request.Builder().url(base.resolve(async ? "/v1beta1/upload-async" : "/v1beta1/upload"))
                .header("Authorization", "Bearer " + token)
                .post(new Watched(body, watch)).build();
        Call call = upload.newCall(req);
        long tick = Math.max(10, Math.min(1000, Math.min(watch.stall.toMillis(), watch.answerWait.toMillis()) / 10));
        ScheduledFuture<?> watching = WATCHDOG.scheduleWithFixedDelay(() -> {
            if (watch.stalled(System.nanoTime())) {
                call.cancel();
            }
        }, tick, tick, TimeUnit.MILLISECONDS);
        try {
            Response r;
            try {
                r = call.execute();
            } catch (IOException e) {
                throw watch.verdict != null ? new Stalled(watch.verdict.getMessage(), watch.verdict.idle(), e) : e;
            }
            try (r) {
                watch.enter(Watch.Stage.READING);
                return new Answer(r.code(), text(r.body(), watch, call));
            }
        } finally {
            watching.cancel(false);
        }
    }

    /**
     * At most {@link #MAX_ANSWER} bytes of an answer, stripped; what came when the answer stops or breaks. An answer
     * cut short drops the connection ({@code call.cancel()}): closing the body instead would let OkHttp drain the
     * rest to reuse the connection, which reads a hostile proxy's endless body for as long as it allows.
     */
    private static String text(ResponseBody body, Watch watch, Call call) {
        Buffer got = new Buffer();
        String cut = "";
        try {
            BufferedSource in = body.source();
            while (got.size() < MAX_ANSWER) {
                long n = in.read(got, MAX_ANSWER - got.size());
                if (n < 0) {
                    break;
                }
                watch.alive();
            }
            long length = body.contentLength();
            if (got.size() >= MAX_ANSWER && (length < 0 || length > MAX_ANSWER)) {
                cut = " [answer cut at " + MAX_ANSWER + " bytes]";
                call.cancel();
            }
        } catch (IOException e) {
            cut = watch.verdict != null ? " [" + watch.verdict.getMessage() + "]" : " [answer broke off: "
                    + e.getMessage() + "]";
        }
        String text = got.readUtf8().strip();
        return cut.isEmpty() ? text : text + cut;
    }

    /** The upload body, telling the watch what the socket took and when the body was complete. */
    private static final class Watched extends RequestBody {
        private final RequestBody body;
        private final Watch watch;

        Watched(RequestBody body, Watch watch) {
            this.body = body;
            this.watch = watch;
        }

        @Override
        public MediaType contentType() {
            return body.contentType();
        }

        @Override
        public long contentLength() throws IOException {
            return body.contentLength();
        }

        @Override
        public boolean isOneShot() {
            return body.isOneShot();
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            BufferedSink counted = Okio.buffer(new ForwardingSink(sink) {
                @Override
                public void write(Buffer source, long byteCount) throws IOException {
                    super.write(source, byteCount);
                    watch.sent(byteCount);
                }
            });
            body.writeTo(counted);
            counted.emit();
            sink.flush();
            watch.enter(Watch.Stage.AWAITING);
        }
    }
}
