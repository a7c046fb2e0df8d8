package dev.kvmigrate.testing.ovirt;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * An oVirt engine with ovirt-imageio on 127.0.0.1, for end-to-end tests of every module: SSO login, the REST API v4
 * the inventory scan and the power control use (VMs with their disks, NICs and snapshots on {@code follow}, paging,
 * the catalog collections, shutdown), image transfers with the engine's phases (create, poll, finalize, cancel), and
 * an imageio endpoint serving each disk's real image file with {@code OPTIONS}, {@code GET …/extents} and ranged
 * {@code GET}s. It counts the image bytes it serves, so a test can prove zero extents were never fetched. Needs
 * {@code qemu-img} (extents as imageio reports them, qcow2 images) and, for HTTPS, the JDK's {@code keytool}.
 *
 * <pre>{@code
 * try (OvirtStandIn engine = OvirtStandIn.start(tmp)) {
 *     Path image = ...;                                  // made with qemu-img create / dd, raw or qcow2
 *     engine.addVm("web-01", new OvirtStandIn.Disk("5b0b6e8a-…", image));
 *     EngineSettings s = EngineSettings.of(engine.apiUrl(), OvirtStandIn.USER,
 *             Secret.of(OvirtStandIn.PASSWORD.toCharArray()), Optional.empty(), false);
 *     ... scan with OvirtSource, download disk "5b0b6e8a-…" with ImageSources ...
 *     assertThat(engine.bytesServed("5b0b6e8a-…")).isEqualTo(engine.dataBytes("5b0b6e8a-…"));
 * }
 * }</pre>
 */
public final class OvirtStandIn implements AutoCloseable {
    /** The one user the engine knows, with its profile. */
    public static final String USER = "admin@internal";
    /** That user's password. */
    public static final String PASSWORD = "standin-Pa55";
    static final String API_PATH = "/ovirt-engine/api/";

    /** A disk to attach to a VM: its engine id and the image file (raw or qcow2) holding its guest bytes. */
    public record Disk(String id, Path image) {
        public Disk {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(image, "image");
        }
    }

    /** A VM as the engine lists it. */
    public record Vm(String id, String name, List<String> diskIds) {
        public Vm {
            diskIds = List.copyOf(diskIds);
        }
    }

    /**
     * An image transfer as the engine has it now: its last phase ({@code transferring}, {@code finished_success}
     * after a finalize, {@code finished_cleanup} after a cancel, …) and whether the engine has dropped it since.
     */
    public record Transfer(String id, String diskId, String phase, boolean removed) {}

    private final HttpServer server;
    private final ExecutorService executor;
    private final Path workDir;
    private final Optional<String> caPem;
    private final EngineApi engine;
    private final Imageio imageio;
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<StandInDisk> disks = Collections.synchronizedList(new ArrayList<>());
    private volatile ClosingRelay relay;
    private volatile int stormStatus;
    private volatile int loginEchoStatus;
    private volatile int stormEvery;
    private volatile Duration slowDelay = Duration.ZERO;
    private volatile int slowEvery;
    private final java.util.concurrent.atomic.AtomicInteger apiRequests = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger slowRequests = new java.util.concurrent.atomic.AtomicInteger();

    private OvirtStandIn(Path workDir, Optional<SSLContext> tls, Optional<String> caPem) throws IOException {
        this.workDir = Files.createDirectories(workDir);
        this.caPem = caPem;
        this.engine = new EngineApi(caPem);
        this.imageio = new Imageio(engine);
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls.isPresent()) {
            HttpsServer https = HttpsServer.create(loopback, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls.get()));
            this.server = https;
        } else {
            this.server = HttpServer.create(loopback, 0);
        }
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "ovirt-standin");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
        engine.base(URI.create((tls.isPresent() ? "https" : "http") + "://127.0.0.1:"
                + server.getAddress().getPort()));
    }

    /** An engine on plain HTTP; {@code workDir} holds raw copies of qcow2 images. */
    public static OvirtStandIn start(Path workDir) throws IOException {
        return new OvirtStandIn(workDir, Optional.empty(), Optional.empty());
    }

    /**
     * An engine on HTTPS with a self-signed certificate for 127.0.0.1 (made with keytool), published, as engines
     * publish their CA, at {@code /ovirt-engine/services/pki-resource}; {@link #caFile()} holds it.
     */
    public static OvirtStandIn startTls(Path workDir) throws IOException {
        Files.createDirectories(workDir);
        char[] pass = "standin".toCharArray();
        Path store = workDir.resolve("engine-" + UUID.randomUUID() + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "engine", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1,O=oVirt stand-in", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass",
                new String(pass));
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, pass);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pass);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            String pem = "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(ks.getCertificate("engine").getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
            Files.writeString(workDir.resolve("engine-ca.pem"), pem, StandardCharsets.US_ASCII);
            return new OvirtStandIn(workDir, Optional.of(ctx), Optional.of(pem));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the stand-in's certificate: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(store);
        }
    }

    /** {@code http(s)://127.0.0.1:PORT/ovirt-engine/api} (the relay's port once connections close after each answer). */
    public URI apiUrl() {
        ClosingRelay r = relay;
        return URI.create("http" + (caPem.isPresent() ? "s" : "") + "://127.0.0.1:"
                + (r == null ? server.getAddress().getPort() : r.port()) + "/ovirt-engine/api");
    }

    /**
     * Fault: the engine (as some engines and proxies in front of them do) closes every connection after one answer
     * without announcing it ({@code Connection: close} is not sent): a client reusing a kept-alive connection meets an
     * unexpected end of stream. Plain HTTP only; {@link #apiUrl()} then points at a relay that does the closing.
     */
    public OvirtStandIn closeEveryConnection() throws IOException {
        if (caPem.isPresent()) {
            throw new IllegalStateException("closeEveryConnection needs the plain-HTTP stand-in (start, not startTls)");
        }
        if (relay == null) {
            relay = new ClosingRelay(server.getAddress().getPort());
        }
        return this;
    }

    /**
     * Fault: the SSO login is answered {@code status} ({@code 0}: no more) with a JSON error whose
     * {@code error_description} echoes the posted form, password included.
     */
    public OvirtStandIn echoLoginFormOnFailure(int status) {
        loginEchoStatus = status;
        return this;
    }

    /**
     * Fault: a 5xx storm, as from a proxy in front of an engine that restarts: every {@code every}-th API request
     * ({@code 1}: all of them; {@code 0}: none) is answered {@code status} with a text body that echoes the request
     * line and headers, bearer token included, as careless proxies' error pages do.
     */
    public OvirtStandIn serverErrorStorm(int status, int every) {
        stormStatus = status;
        stormEvery = every;
        return this;
    }

    /**
     * Fault: slow answers, as from an engine under load: every {@code every}-th API request ({@code 1}: all of them;
     * {@code 0}: none) is answered only after {@code delay}, nothing sent before.
     */
    public OvirtStandIn slowAnswers(Duration delay, int every) {
        slowDelay = delay;
        slowEvery = every;
        return this;
    }

    /** The engine's CA (its own certificate), PEM, when it serves HTTPS. */
    public Optional<String> caPem() {
        return caPem;
    }

    /** A file holding {@link #caPem()}, for {@code --ca-file}. */
    public Optional<Path> caFile() {
        return caPem.map(p -> workDir.resolve("engine-ca.pem"));
    }

    /**
     * Adds a VM, down, in cluster {@code Default}, with one NIC on {@code ovirtmgmt} and the given image disks
     * (the first bootable, all on virtio-scsi in storage domain {@code data}). Reads each image's extents now.
     */
    public Vm addVm(String name, Disk... vmDisks) throws IOException {
        List<StandInDisk> added = new ArrayList<>();
        for (int i = 0; i < vmDisks.length; i++) {
            added.add(StandInDisk.of(vmDisks[i].id(), name + "_Disk" + (i + 1), vmDisks[i].image(), workDir));
        }
        String id = UUID.nameUUIDFromBytes(("vm:" + name).getBytes(StandardCharsets.UTF_8)).toString();
        engine.add(new EngineApi.VmState(id, name, added));
        disks.addAll(added);
        return new Vm(id, name, added.stream().map(d -> d.id).toList());
    }

    /** Starts a VM (status {@code up}): its disks cannot be transferred until it is shut down. */
    public void powerOn(String vmName) {
        synchronized (engine) {
            engine.vmNamed(vmName).status = "up";
        }
    }

    /** The VM's status as the engine reports it ({@code down}, {@code up}, {@code powering_down}). */
    public String status(String vmName) {
        synchronized (engine) {
            return engine.vmNamed(vmName).status;
        }
    }

    /** Image bytes imageio sent, all disks together. */
    public long bytesServed() {
        synchronized (disks) {
            return disks.stream().mapToLong(StandInDisk::served).sum();
        }
    }

    /** Image bytes imageio sent of one disk. */
    public long bytesServed(String diskId) {
        return disk(diskId).served();
    }

    /**
     * Image bytes imageio sent of one disk that lie in its zero extents: none for a client that skips zeros, but
     * for the rest of a block it reads whole around a small data extent (qemu allocates a raw image's first 4 KiB).
     */
    public long zeroBytesServed(String diskId) {
        return disk(diskId).zeroServed();
    }

    /** Bytes in the disk's data extents: what a client that skips zero extents fetches, and no more. */
    public long dataBytes(String diskId) {
        return disk(diskId).dataBytes();
    }

    /** The disk's virtual size ({@code provisioned_size}). */
    public long virtualSize(String diskId) {
        return disk(diskId).virtualSize;
    }

    /** The image transfers created so far, in order. */
    public List<Transfer> transfers() {
        return engine.transfers();
    }

    /** Every request, in order, as {@code METHOD /path?decoded-query}. */
    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** SSO tokens issued (successful logins). */
    public int logins() {
        return engine.logins();
    }

    /** Fault: a token stops working after {@code uses} API requests (401), as an expired SSO token does. */
    public void expireTokensAfter(int uses) {
        engine.tokenUses = uses;
    }

    /** Fault: imageio answers {@code status} to reads of image bytes ({@code 0}: no more faults). */
    public void failImageReads(int status) {
        imageio.failReadsWith = status;
    }

    /** Fault: a transfer's {@code transfer_url} (the host) is unreachable; only its {@code proxy_url} answers. */
    public void hostUnreachable() {
        engine.imageTransfers.hostUnreachable = true;
    }

    /** Fault: imageio as before extents (1.x): {@code OPTIONS} lists no {@code extents}, {@code …/extents} is 404. */
    public void imageioWithoutExtents() {
        imageio.withoutExtents = true;
    }

    /** A new transfer becomes {@code transferring} on the {@code polls}-th read (default 1, the first). */
    public void startAfterPolls(int polls) {
        engine.imageTransfers.startAfterPolls = polls;
    }

    private StandInDisk disk(String id) {
        return engine.disk(id).orElseThrow(() -> new IllegalArgumentException("the stand-in has no disk " + id));
    }

    private void dispatch(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        String query = x.getRequestURI().getQuery();
        requests.add(x.getRequestMethod() + " " + path + (query == null ? "" : "?" + query));
        try {
            if (relay != null) {
                x.getResponseHeaders().set("Connection", "close"); // the relay hides it from the client
            }
            if (loginEchoStatus > 0 && path.equals("/ovirt-engine/sso/oauth/token")) {
                String form = Http.body(x).replace("\\", "\\\\").replace("\"", "\\\"");
                Http.json(x, loginEchoStatus, "{\"error\": \"invalid_request\", \"error_description\":"
                        + " \"cannot use the request " + form + "\"}");
                return;
            }
            if (slowEvery > 0 && path.startsWith(API_PATH) && slowRequests.incrementAndGet() % slowEvery == 0) {
                sleep(slowDelay);
            }
            int every = stormEvery;
            if (every > 0 && path.startsWith(API_PATH) && apiRequests.incrementAndGet() % every == 0) {
                StringBuilder echo = new StringBuilder(x.getRequestMethod() + " " + x.getRequestURI() + " HTTP/1.1\n");
                x.getRequestHeaders().forEach((k, vs) -> vs.forEach(v -> echo.append(k).append(": ").append(v)
                        .append('\n')));
                Http.body(x);
                Http.send(x, stormStatus, "text/plain", echo.toString());
                return;
            }
            if (path.startsWith("/images/")) {
                imageio.handle(x, path);
            } else {
                engine.handle(x, path);
            }
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            Http.send(x, 500, "text/plain", "stand-in failure: " + trace);
        } finally {
            x.close();
        }
    }

    private static void sleep(Duration d) throws IOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while answering slowly", e);
        }
    }

    private static void run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + cmd[0], e);
        }
    }

    @Override
    public void close() {
        if (relay != null) {
            try {
                relay.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "oVirt stand-in at " + apiUrl();
    }
}
