package dev.kvmigrate.inventory.ovirt;

import dev.kvmigrate.common.ovirt.EngineSession;
import dev.kvmigrate.inventory.xml.SafeXml;
import dev.kvmigrate.inventory.xml.XmlNode;
import java.util.Map;

/**
 * The engine's native XML over the one {@link EngineSession}: GETs for the scan, action POSTs for the power control,
 * each answer read through the hardened XML reader. Login, token renewal, TLS trust and error messages are the
 * session's (see there for the retry policy: one new login on an expired token; GETs repeated, bounded, after a
 * closed connection or a 5xx; POSTs never).
 */
final class EngineClient implements AutoCloseable {
    private final EngineSession session;

    EngineClient(EngineSession session) {
        this.session = session;
    }

    /** A session for the settings' engine, logged in now so that a wrong password or CA fails at once. */
    static EngineClient login(OvirtSettings settings) {
        EngineSession session = EngineSession.open(settings.engine());
        try {
            session.login();
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        return new EngineClient(session);
    }

    /** Requests sent so far, logins included. */
    int requestCount() {
        return session.requestCount();
    }

    /** GET {@code path} (relative to the API URL) with query parameters; the document element of the answer. */
    XmlNode get(String path, Map<String, String> query) {
        return session.get(path, query, EngineSession.Format.XML,
                in -> SafeXml.parse(in, "engine answer to GET " + path, SafeXml.DEFAULT_MAX_BYTES));
    }

    /**
     * POST an XML document to {@code path} (relative to the API URL), e.g. an {@code <action/>} to a VM's
     * {@code shutdown}; the document element of the answer.
     */
    XmlNode post(String path, String xml) {
        return session.post(path, xml, EngineSession.Format.XML,
                in -> SafeXml.parse(in, "engine answer to POST " + path, SafeXml.DEFAULT_MAX_BYTES));
    }

    @Override
    public void close() {
        session.close();
    }
}
