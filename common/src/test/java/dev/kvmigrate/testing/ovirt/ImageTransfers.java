package dev.kvmigrate.testing.ovirt;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stand-in engine's image transfers ({@code /imagetransfers}): downloads of a VM's disk, with the engine's
 * phases (initializing → transferring → finalizing/cancelled → finished → removed), the locks a running transfer
 * holds, and the imageio URLs a transferring one publishes. Called under the {@link EngineApi}'s lock.
 */
final class ImageTransfers {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = dev.kvmigrate.common.json.Mappers.json();
    private static final Pattern XML_DISK_ID = Pattern.compile("<disk[^>]*\\bid=\"([^\"]+)\"|<disk>\\s*<id>([^<]+)</id>");
    private static final Pattern XML_DIRECTION = Pattern.compile("<direction>([^<]+)</direction>");
    private static final Pattern XML_FORMAT = Pattern.compile("<format>([^<]+)</format>");

    /** One image transfer and where it is in the engine's phases. */
    static final class TransferState {
        final String id = UUID.randomUUID().toString();
        final String ticket = UUID.randomUUID().toString();
        final StandInDisk disk;
        final String format;
        String phase = "initializing";
        int pollsToStart;
        boolean removed;

        TransferState(StandInDisk disk, String format, int pollsToStart) {
            this.disk = disk;
            this.format = format;
            this.pollsToStart = pollsToStart;
        }

        boolean ended() {
            return phase.startsWith("finished") || phase.startsWith("finalizing") || phase.startsWith("cancelled");
        }
    }

    private final Map<String, TransferState> transfers = new LinkedHashMap<>();
    private final Supplier<URI> base;
    private final Function<String, Optional<EngineApi.VmState>> ownerOf;
    /** Reads of a new transfer before it is transferring (OvirtStandIn.startAfterPolls). */
    volatile int startAfterPolls = 1;
    /** Publish a transfer_url nothing listens on, so clients must fall back to the proxy_url. */
    volatile boolean hostUnreachable;

    ImageTransfers(Supplier<URI> base, Function<String, Optional<EngineApi.VmState>> ownerOf) {
        this.base = base;
        this.ownerOf = ownerOf;
    }

    List<OvirtStandIn.Transfer> list() {
        return transfers.values().stream()
                .map(t -> new OvirtStandIn.Transfer(t.id, t.disk.id, t.phase, t.removed)).toList();
    }

    /** The disk an imageio ticket gives access to, while its transfer is transferring. */
    Optional<StandInDisk> ticket(String ticket) {
        return transfers.values().stream().filter(t -> t.ticket.equals(ticket) && t.phase.equals("transferring"))
                .map(t -> t.disk).findFirst();
    }

    /** Whether a transfer that has not ended holds the disk. */
    boolean locks(StandInDisk d) {
        return transfers.values().stream().anyMatch(t -> t.disk == d && !t.removed && !t.ended());
    }

    /** {@code imagetransfers[/ID[/ACTION]]}: list, create, read (each read moves the phase on), finalize, cancel. */
    Answer answer(String method, String[] p, String body, String contentType) {
        if (p.length == 1 && method.equals("GET")) {
            return Answer.ok(Element.of("image_transfers").children(transfers.values().stream()
                    .filter(t -> !t.removed).map(this::transfer).toList()));
        }
        if (p.length == 1 && method.equals("POST")) {
            return create(body, contentType);
        }
        TransferState t = transfers.get(p[1]);
        if (t == null || t.removed) {
            return Answer.notFound("image transfer " + p[1]);
        }
        if (p.length == 2 && method.equals("GET")) {
            advance(t);
            return t.removed ? Answer.notFound("image transfer " + p[1]) : Answer.ok(transfer(t));
        }
        if (p.length == 3 && method.equals("POST") && p[2].equals("finalize")) {
            if (!t.phase.equals("transferring") && !t.phase.startsWith("paused")) {
                return Answer.fault(409, "Operation Failed", "[Cannot finalize image transfer " + t.id + " in phase "
                        + t.phase + ".]");
            }
            t.phase = "finalizing_success";
            return Answer.ok(Element.of("action").leaf("status", "complete"));
        }
        if (p.length == 3 && method.equals("POST") && p[2].equals("cancel")) {
            if (t.ended()) {
                return Answer.fault(409, "Operation Failed", "[Cannot cancel image transfer " + t.id + " in phase "
                        + t.phase + ".]");
            }
            t.phase = "cancelled_user";
            return Answer.ok(Element.of("action").leaf("status", "complete"));
        }
        return Answer.notFound("image transfer action " + String.join("/", p));
    }

    private Answer create(String body, String contentType) {
        String diskId;
        String direction;
        String format;
        if (contentType.contains("json")) {
            JsonNode j;
            try {
                j = JSON.readTree(body);
            } catch (IOException e) {
                return Answer.fault(400, "Request syntactically incorrect.", e.getMessage());
            }
            diskId = j.path("disk").path("id").asText("");
            direction = j.path("direction").asText("upload");
            format = j.path("format").asText("raw");
        } else {
            Matcher d = XML_DISK_ID.matcher(body);
            diskId = d.find() ? (d.group(1) != null ? d.group(1) : d.group(2)) : "";
            Matcher dir = XML_DIRECTION.matcher(body);
            direction = dir.find() ? dir.group(1) : "upload";
            Matcher f = XML_FORMAT.matcher(body);
            format = f.find() ? f.group(1) : "raw";
        }
        if (diskId.isEmpty()) {
            return Answer.fault(400, "Incomplete parameters", "ImageTransfer [disk.id] required for add");
        }
        Optional<EngineApi.VmState> owner = ownerOf.apply(diskId);
        if (owner.isEmpty()) {
            return Answer.fault(404, "Operation Failed", "Entity not found: Disk " + diskId);
        }
        StandInDisk disk = owner.get().disks.stream().filter(d -> d.id.equals(diskId)).findFirst().orElseThrow();
        if (!direction.equals("download")) {
            return Answer.fault(400, "Operation Failed", "the stand-in engine serves downloads only, not " + direction);
        }
        if (!format.equals("raw")) {
            return Answer.fault(400, "Operation Failed", "the stand-in engine serves raw downloads only, not " + format);
        }
        if (transfers.values().stream().anyMatch(t -> t.disk == disk && !t.ended())) {
            return Answer.fault(409, "Operation Failed", "[Cannot transfer Virtual Disk: Disk is locked. Please try again"
                    + " later.]");
        }
        if (!owner.get().status.equals("down")) {
            return Answer.fault(409, "Operation Failed", "[Cannot transfer Virtual Disk. The VM " + owner.get().name
                    + " is not down.]");
        }
        TransferState t = new TransferState(disk, format, startAfterPolls);
        transfers.put(t.id, t);
        return new Answer(201, transfer(t), base.get() + OvirtStandIn.API_PATH + "imagetransfers/" + t.id);
    }

    /** Each read moves a transfer on: initializing → transferring; finalizing → finished; finished → removed. */
    private void advance(TransferState t) {
        switch (t.phase) {
            case "initializing" -> {
                if (--t.pollsToStart <= 0) {
                    t.phase = "transferring";
                }
            }
            case "finalizing_success" -> t.phase = "finished_success";
            case "cancelled_user" -> t.phase = "finished_cleanup";
            case "finished_success", "finished_cleanup" -> t.removed = true;
            default -> { }
        }
    }

    private Element transfer(TransferState t) {
        Element e = Element.entity("image_transfer", "imagetransfers/" + t.id, t.id)
                .leaf("active", t.phase.equals("transferring")).leaf("direction", "download")
                .leaf("format", t.format).leaf("inactivity_timeout", 60).leaf("phase", t.phase);
        if (t.phase.equals("transferring")) {
            e.leaf("proxy_url", base.get() + "/images/" + t.ticket);
            e.leaf("transfer_url", (hostUnreachable ? closedPortBase() : base.get().toString()) + "/images/" + t.ticket);
        }
        return e.leaf("shallow", false).leaf("timeout_policy", "legacy").leaf("transferred", t.disk.served())
                .add(Element.entity("disk", "disks/" + t.disk.id, t.disk.id))
                .add(Element.entity("host", "hosts/" + EngineApi.HOST, EngineApi.HOST))
                .add(Element.entity("image", "disks/" + t.disk.id, "img-" + t.disk.id));
    }

    /** A loopback URL nothing listens on: a host the client cannot reach. */
    private String closedPortBase() {
        try (ServerSocket s = new ServerSocket(0)) {
            return base.get().getScheme() + "://127.0.0.1:" + s.getLocalPort();
        } catch (IOException e) {
            return base.get().getScheme() + "://127.0.0.1:9";
        }
    }
}
