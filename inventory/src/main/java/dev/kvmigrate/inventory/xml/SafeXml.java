package dev.kvmigrate.inventory.xml;

import dev.kvmigrate.common.KvMigrateException;
import dev.kvmigrate.common.io.CountingInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.stream.XMLInputFactory;
import org.w3c.dom.Document;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

/**
 * The one hardened XML reader every source uses: no DTDs (so no entity expansion, internal or external),
 * no external schemas or stylesheets, no XInclude, and a bound on document size. Untrusted input from a
 * hypervisor, an engine or an OVA never reaches a parser configured any other way.
 */
public final class SafeXml {
    /** Default bound on one document: far above any real domain, OVF or engine page. */
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
    /**
     * Bound on element nesting, checked by the parser as it reads: real documents nest about ten deep, and
     * everything that walks a tree (here and in the JDK, e.g. {@code getTextContent}) may recurse per level.
     */
    public static final int MAX_DEPTH = 256;
    /** The JDK parser's limit property (JAXP {@code jdk.xml.maxElementDepth}). */
    private static final String MAX_DEPTH_PROPERTY = "http://www.oracle.com/xml/jaxp/properties/maxElementDepth";

    private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(SafeXml::newBuilder);

    private SafeXml() {}

    /** Parses a file, bounded by {@link #DEFAULT_MAX_BYTES}; errors name the file and line. */
    public static XmlNode parse(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString(), DEFAULT_MAX_BYTES);
        } catch (IOException e) {
            throw KvMigrateException.io("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a string (e.g. libvirt's {@code getXMLDesc}); {@code name} names it in errors. */
    public static XmlNode parse(String xml, String name) {
        return parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), name, DEFAULT_MAX_BYTES);
    }

    /**
     * Parses a stream of at most {@code maxBytes}; returns the document element. Malformed, oversized or
     * DTD-carrying input is an {@link dev.kvmigrate.common.ExitCode#INVALID_INPUT} error naming {@code name}.
     */
    public static XmlNode parse(InputStream in, String name, long maxBytes) {
        DocumentBuilder builder = BUILDER.get();
        builder.reset();
        builder.setErrorHandler(SILENT);
        try {
            Document doc = builder.parse(new BoundedInputStream(in, maxBytes, name));
            return new XmlNode(doc.getDocumentElement());
        } catch (SAXParseException e) {
            String reason = e.getMessage();
            if (reason != null && reason.contains("DOCTYPE")) {
                reason = "document type declarations (DOCTYPE) are refused: they allow entity expansion attacks";
            } else if (reason != null && reason.contains("maxElementDepth")) {
                reason = "elements nest deeper than " + MAX_DEPTH + " levels; no real document does, refused";
            }
            throw KvMigrateException.invalidInput(
                    name + ":" + e.getLineNumber() + ":" + e.getColumnNumber() + ": malformed XML: " + reason, e);
        } catch (org.xml.sax.SAXException e) {
            throw KvMigrateException.invalidInput(name + ": malformed XML: " + e.getMessage(), e);
        } catch (TooLargeException e) {
            throw KvMigrateException.invalidInput(name + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw KvMigrateException.io("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    /** A StAX factory with the same hardening, for documents too large to hold as a tree. */
    public static XMLInputFactory streamingFactory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(MAX_DEPTH_PROPERTY, MAX_DEPTH);
        return f;
    }

    private static DocumentBuilder newBuilder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setAttribute(MAX_DEPTH_PROPERTY, MAX_DEPTH);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setIgnoringComments(true);
            return f.newDocumentBuilder();
        } catch (ParserConfigurationException | IllegalArgumentException e) {
            throw new IllegalStateException("the JDK XML parser cannot be hardened: " + e.getMessage(), e);
        }
    }

    private static final ErrorHandler SILENT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXParseException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXParseException {
            throw e;
        }
    };

    private static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(String message) {
            super(message);
        }
    }

    /** Fails the read once more than {@code max} bytes have passed. */
    private static final class BoundedInputStream extends CountingInputStream {
        private final long max;
        private final String name;

        BoundedInputStream(InputStream in, long max, String name) {
            super(in);
            this.max = max;
            this.name = name;
        }

        @Override
        protected void passed(long n) throws TooLargeException {
            if (count() > max) {
                throw new TooLargeException("document is larger than the " + max + "-byte limit for " + name);
            }
        }
    }
}
