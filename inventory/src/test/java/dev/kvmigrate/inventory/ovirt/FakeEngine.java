package dev.kvmigrate.inventory.ovirt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;

/**
 * A loopback stand-in for an oVirt engine: SSO token endpoint, the API's collections, VM paging with
 * {@code search=… page N} and {@code max=N}, and {@code follow} honoured by inlining each VM's sub-collections.
 * Faults: tokens that expire after N uses, error statuses, slow answers.
 */
final class FakeEngine extends Dispatcher {
    static final String PASSWORD = "s3cr3t-Pa55";
    static final String API = "/ovirt-engine/api/";

    /** One VM: its element without the closing tag, and its sub-collections by follow name. */
    record VmBody(String open, Map<String, String> subs) {}

    private final List<VmBody> vms = new CopyOnWriteArrayList<>();
    private final Map<String, String> collections = new ConcurrentHashMap<>();
    private final Map<String, String> hostsWithDevices = new ConcurrentHashMap<>();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tokenCounter = new AtomicInteger();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    volatile int tokenUses = Integer.MAX_VALUE;
    volatile long delayMillis;
    /** The CA the engine publishes at its pki-resource URL. */
    volatile String caPem = "";
    private final AtomicInteger usesOfCurrent = new AtomicInteger();
    /** Answers authenticated API requests before the built-in collections do; {@code null} passes a request on. */
    volatile Function<RecordedRequest, MockResponse> api = r -> null;

    void vm(String open, Map<String, String> subs) {
        vms.add(new VmBody(open, new LinkedHashMap<>(subs)));
    }

    void collection(String name, String body) {
        collections.put(name, body);
    }

    void hostsWithDevices(String body) {
        hostsWithDevices.put("hosts", body);
    }

    /** The next {@code times} requests whose path ends with {@code pathSuffix} answer {@code code}. */
    void fail(String pathSuffix, int code, int times) {
        failures.put(pathSuffix + "#" + code, times);
    }

    List<String> log() {
        return List.copyOf(log);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        HttpUrl url = request.getUrl();
        String path = url.encodedPath();
        log.add(request.getMethod() + " " + path + (url.encodedQuery() == null ? "" : "?" + url.query()));
        if (delayMillis > 0) {
            return new MockResponse.Builder().headersDelay(delayMillis, TimeUnit.MILLISECONDS).body("<vms/>").build();
        }
        for (var f : failures.entrySet()) {
            String[] k = f.getKey().split("#");
            if (path.endsWith(k[0]) && f.getValue() > 0) {
                f.setValue(f.getValue() - 1);
                return xml(Integer.parseInt(k[1]), "<fault><reason>Operation Failed</reason><detail>injected"
                        + " failure</detail></fault>");
            }
        }
        if (path.equals("/ovirt-engine/services/pki-resource")) {
            return new MockResponse.Builder().setHeader("Content-Type", "application/x-x509-ca-cert").body(caPem).build();
        }
        if (path.equals("/ovirt-engine/sso/oauth/token")) {
            return token(request.getBody() == null ? "" : request.getBody().utf8());
        }
        String auth = request.getHeaders().get("Authorization");
        String tok = auth == null ? "" : auth.replaceFirst("^Bearer ", "");
        if (!tokens.contains(tok)) {
            return xml(401, "<html><body>Unauthorized</body></html>");
        }
        if (usesOfCurrent.incrementAndGet() > tokenUses) {
            tokens.remove(tok);
            return xml(401, "<html><body>Unauthorized</body></html>");
        }
        if (!path.startsWith(API)) {
            return xml(404, "<fault><reason>Not Found</reason></fault>");
        }
        MockResponse custom = api.apply(request);
        if (custom != null) {
            return custom;
        }
        String rel = path.substring(API.length());
        if (rel.equals("vms")) {
            return vms(url);
        }
        if (rel.equals("hosts") && "devices".equals(url.queryParameter("follow")) && hostsWithDevices.containsKey("hosts")) {
            return xml(200, hostsWithDevices.get("hosts"));
        }
        String body = collections.get(rel);
        return body == null ? xml(404, "<fault><reason>Not Found</reason><detail>" + rel + "</detail></fault>")
                : xml(200, body);
    }

    private MockResponse token(String form) {
        if (!form.contains("grant_type=password") || !form.contains("scope=ovirt-app-api")
                || !form.contains("password=" + PASSWORD.replace("$", "%24"))) {
            return new MockResponse.Builder().code(400).setHeader("Content-Type", "application/json")
                    .body("{\"error_code\":\"access_denied\",\"error\":\"Cannot authenticate user: bad credentials\"}")
                    .build();
        }
        String t = "tok-" + tokenCounter.incrementAndGet();
        tokens.add(t);
        usesOfCurrent.set(0);
        return new MockResponse.Builder().setHeader("Content-Type", "application/json")
                .body("{\"access_token\":\"" + t + "\",\"scope\":\"ovirt-app-api\",\"exp\":\"9999999999999\","
                        + "\"token_type\":\"bearer\"}")
                .build();
    }

    private static final Pattern PAGE = Pattern.compile("page\\s+(\\d+)");

    /** Behave like an engine before 4.5: refuse to follow mediated devices. */
    volatile boolean before45;

    private MockResponse vms(HttpUrl url) {
        if (before45 && String.valueOf(url.queryParameter("follow")).contains("mediated_devices")) {
            return xml(400, "<fault><reason>Operation Failed</reason><detail>Unknown link mediated_devices</detail></fault>");
        }
        String search = url.queryParameter("search") == null ? "" : url.queryParameter("search");
        Matcher m = PAGE.matcher(search);
        int page = m.find() ? Integer.parseInt(m.group(1)) : 1;
        int max = url.queryParameter("max") == null ? Integer.MAX_VALUE : Integer.parseInt(url.queryParameter("max"));
        List<String> follow = url.queryParameter("follow") == null ? List.of()
                : List.of(url.queryParameter("follow").split(","));
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<vms>\n");
        long from = (long) (page - 1) * max;
        for (long i = from; i < Math.min(vms.size(), from + max); i++) {
            VmBody vm = vms.get((int) i);
            sb.append(vm.open());
            for (var sub : vm.subs().entrySet()) {
                String key = sub.getKey();
                if (follow.stream().anyMatch(f -> f.equals(key) || f.startsWith(key + "."))) {
                    sb.append(sub.getValue()).append('\n');
                }
            }
            sb.append("</vm>\n");
        }
        return xml(200, sb.append("</vms>\n").toString());
    }

    static MockResponse xml(int code, String body) {
        return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/xml").body(body).build();
    }
}
