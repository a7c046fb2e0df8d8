package dev.kvmigrate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvmigrate.common.io.FileTrees;
import dev.kvmigrate.common.json.Mappers;
import dev.kvmigrate.testing.ovirt.OvirtStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bench/imageio: an oVirt disk pulled through ovirt-imageio into a directory, kv-migrate against {@code curl} of the
 * same data extents, both from the oVirt stand-in over TLS (engine API, SSO, image transfer, imageio OPTIONS,
 * extents and Range GETs as ovirt-imageio serves them) on loopback. kv-migrate runs as users run it (the launcher, a
 * fresh JVM: start-up, login, transfer, extents, finalize all included); curl fetches every data extent with one
 * Range request each over one kept-alive TLS connection into part files, its ticket made beforehand (untimed: curl's
 * share is the data alone, the strictest baseline); the same curl run with its set-up (token, transfer, extents) is
 * printed beside it. kv-migrate's output is compared with the image by SHA-256, and the stand-in's counters show
 * that no zero extent was read.
 *
 * <p>Usage: {@code ImageioBench --kv LAUNCHER [--runs 3] [--size-mib 4096] [--data 0.25] [--work DIR]}
 */
public final class ImageioBench {
    private static final ObjectMapper JSON = Mappers.json();
    private static final String DISK = "5e1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
    private static final Pattern URL = Pattern.compile("<transfer_url>([^<]+)</transfer_url>");
    private static final Pattern ID = Pattern.compile("<image_transfer[^>]* id=\"([^\"]+)\"");
    private static final Pattern PHASE = Pattern.compile("<phase>([^<]+)</phase>");

    private ImageioBench() {}

    public static void main(String[] args) throws Exception {
        String kv = null;
        int runs = 3;
        long sizeMib = 4096;
        double data = 0.25;
        Path work = Path.of(System.getProperty("java.io.tmpdir"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kv" -> kv = args[++i];
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--size-mib" -> sizeMib = Long.parseLong(args[++i]);
                case "--data" -> data = Double.parseDouble(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (kv == null) {
            throw new IllegalArgumentException("--kv LAUNCHER (the kv-migrate script) is required");
        }
        Path dir = Files.createTempDirectory(work, "kv-imageio-bench-");
        try (OvirtStandIn engine = OvirtStandIn.startTls(dir.resolve("engine"))) {
            Path image = dir.resolve("disk.raw");
            BenchKit.sparseRandom(image, sizeMib * BenchKit.MIB, data, 3);
            engine.addVm("bench-vm", new OvirtStandIn.Disk(DISK, image));
            Path out = Files.createDirectories(dir.resolve("out"));
            Path parts = Files.createDirectories(dir.resolve("parts"));
            Path password = dir.resolve("password");
            Files.writeString(password, OvirtStandIn.PASSWORD);
            String ca = engine.caFile().orElseThrow().toString();
            List<String> kvImport = List.of(kv, "import", "ovirt:" + DISK, "--ovirt", engine.apiUrl().toString(),
                    "--ovirt-user", OvirtStandIn.USER, "--ovirt-password-file", password.toString(), "--ovirt-ca-file",
                    ca, "--to", "dir:" + out);
            BenchKit.run(List.of(kv, "--version"), Map.of(), false);   // the launcher's start-up archive
            long dataBytes = engine.dataBytes(DISK);

            long served0 = engine.bytesServed(DISK);
            long zeros0 = engine.zeroBytesServed(DISK);
            double kvS = BenchKit.median(runs, () -> {
                BenchKit.deleteFiles(out, ".img");
                return BenchKit.time(kvImport, Map.of());
            });
            long kvServed = (engine.bytesServed(DISK) - served0) / runs;
            long kvZeros = (engine.zeroBytesServed(DISK) - zeros0) / runs;
            Path kvFile;
            try (var files = Files.list(out)) {
                kvFile = files.filter(p -> p.toString().endsWith(".img")).findFirst().orElseThrow(
                        () -> new IllegalStateException("kv-migrate wrote no image into " + out));
            }
            boolean identical = BenchKit.sha256(kvFile).equals(BenchKit.sha256(image));

            Curl curl = new Curl(engine, ca, parts);
            double curlData = BenchKit.median(runs, () -> {
                Curl.Ticket t = curl.ticket();
                double s = curl.data(t);
                curl.finish(t);
                return s;
            });
            double curlAll = BenchKit.median(runs, () -> {
                long t0 = System.nanoTime();
                Curl.Ticket t = curl.ticket();
                curl.data(t);
                curl.finish(t);
                return (System.nanoTime() - t0) / 1e9;
            });
            System.out.printf(Locale.ROOT, "INFO disk %d MiB, %d bytes of data in %d extents; curl with its set-up"
                    + " (token, transfer, extents) %.2f s%n", sizeMib, dataBytes, curl.lastExtents, curlAll);
            System.out.printf(Locale.ROOT, "INFO kv-migrate's time includes JVM start-up, login, transfer and"
                    + " finalize; target ratio <= 1.10 against curl of the data extents%n");
            System.out.printf(Locale.ROOT, "RESULT bench=imageio case=%dmib-%.0fpct kv_s=%.2f base=curl-extents"
                    + " base_s=%.2f ratio=%.3f base2=curl-with-setup base2_s=%.2f ratio2=%.3f read_bytes=%d"
                    + " data_bytes=%d zero_bytes_read=%d identical=%s runs=%d%n", sizeMib, data * 100, kvS, curlData,
                    kvS / curlData, curlAll, kvS / curlAll, kvServed, dataBytes, kvZeros, identical ? "yes" : "no",
                    runs);
        } finally {
            FileTrees.deleteTree(dir);
        }
    }

    /** curl against the stand-in: what a careful script does with ovirt-imageio's documented API. */
    private static final class Curl {
        record Ticket(String url, List<long[]> extents, String transfer, String auth) {}

        private final OvirtStandIn engine;
        private final String ca;
        private final Path parts;
        int lastExtents;

        Curl(OvirtStandIn engine, String ca, Path parts) {
            this.engine = engine;
            this.ca = ca;
            this.parts = parts;
        }

        private String curl(String... args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--fail", "--cacert", ca));
            cmd.addAll(List.of(args));
            return BenchKit.run(cmd, Map.of(), false);
        }

        /** An SSO token, a download transfer of the disk, transferring, and its data extents. */
        Ticket ticket() throws Exception {
            String base = engine.apiUrl().toString().replaceFirst("/ovirt-engine/api$", "");
            JsonNode token = JSON.readTree(curl("-d", "grant_type=password", "-d", "scope=ovirt-app-api", "-d",
                    "username=" + OvirtStandIn.USER, "-d", "password=" + OvirtStandIn.PASSWORD,
                    base + "/ovirt-engine/sso/oauth/token"));
            String auth = "Authorization: Bearer " + token.path("access_token").asText();
            String created = curl("-H", auth, "-H", "Content-Type: application/xml", "-d",
                    "<image_transfer><disk id=\"" + DISK + "\"/><direction>download</direction>"
                            + "<format>raw</format></image_transfer>", engine.apiUrl() + "/imagetransfers");
            Matcher id = ID.matcher(created);
            if (!id.find()) {
                throw new IllegalStateException("no transfer id in " + created);
            }
            String transfer = engine.apiUrl() + "/imagetransfers/" + id.group(1);
            for (int i = 0; i < 100; i++) {
                String t = curl("-H", auth, transfer);
                Matcher phase = PHASE.matcher(t);
                Matcher url = URL.matcher(t);
                if (phase.find() && phase.group(1).equals("transferring") && url.find()) {
                    List<long[]> extents = new ArrayList<>();
                    for (JsonNode e : JSON.readTree(curl(url.group(1) + "/extents"))) {
                        if (!e.path("zero").asBoolean(false)) {
                            extents.add(new long[] {e.path("start").asLong(), e.path("length").asLong()});
                        }
                    }
                    lastExtents = extents.size();
                    return new Ticket(url.group(1), extents, transfer, auth);
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("transfer " + transfer + " never reached transferring");
        }

        /** Finalizes the transfer and waits until the engine has finished it (the disk is unlocked then). */
        void finish(Ticket t) throws Exception {
            curl("-H", t.auth(), "-H", "Content-Type: application/xml", "-d", "<action/>", t.transfer() + "/finalize");
            for (int i = 0; i < 100; i++) {
                String r = BenchKit.run(List.of("curl", "-sS", "--cacert", ca, "-H", t.auth(), t.transfer()), Map.of(),
                        true);
                Matcher phase = PHASE.matcher(r);
                if (!phase.find() || phase.group(1).startsWith("finished")) {
                    return;
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("transfer " + t.transfer() + " never finished");
        }

        /** Every data extent by one Range GET each, one curl process, one kept-alive connection. */
        double data(Ticket t) throws Exception {
            BenchKit.deleteFiles(parts, ".part");
            Path config = parts.resolve("ranges.curlrc");
            StringBuilder b = new StringBuilder();
            int i = 0;
            for (long[] e : t.extents()) {
                b.append("url = \"").append(t.url()).append("\"\n").append("range = ").append(e[0]).append('-')
                        .append(e[0] + e[1] - 1).append('\n').append("output = \"")
                        .append(parts.resolve((i++) + ".part")).append("\"\n");
            }
            Files.writeString(config, b.toString());
            return BenchKit.time(List.of("curl", "-sS", "--fail", "--cacert", ca, "-K", config.toString()),
                    Map.of());
        }
    }
}
