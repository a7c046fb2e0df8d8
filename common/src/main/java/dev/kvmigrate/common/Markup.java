package dev.kvmigrate.common;

/** Text made safe inside XML and HTML (element content and quoted attributes) for the reports we write. */
public final class Markup {
    private Markup() {}

    /**
     * Escapes {@code < > & " '} and drops the control characters XML 1.0 forbids (a VM description can hold
     * anything), keeping tab, newline and carriage return.
     */
    public static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
