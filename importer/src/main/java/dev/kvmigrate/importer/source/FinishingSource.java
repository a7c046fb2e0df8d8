package dev.kvmigrate.importer.source;

/** A source holding a server-side session (an oVirt image transfer) that must be ended once the import ends. */
public interface FinishingSource extends ImageSource {
    /** Ends the session; called exactly once, on success and on failure. Never throws. */
    void finish(boolean succeeded);
}
