package dev.kvmigrate.plans.run;

/** The named steps of a VM's pipeline, in order; their names are what the journal and reports show. */
public enum Step {
    VALIDATE("validate"),
    PRE_HOOK("pre-hook"),
    SOURCE_POWER("source-power"),
    CREATE_DATAVOLUMES("create-datavolumes"),
    IMPORT_DISKS("import-disks"),
    CREATE_VM("create-vm"),
    START("start"),
    POST_HOOK("post-hook");

    /** The journal step of one disk's import ({@code detail.disk} names it). */
    public static final String IMPORT_DISK = "import-disk";
    /** The journal step closing a VM's pipeline. */
    public static final String VM = "vm";
    /**
     * The journal step that starts a failed VM's source again after the run powered it off (SUCCEEDED: started,
     * SKIPPED: left off and why, FAILED: the start failed).
     */
    public static final String SOURCE_RESTART = "source-restart";
    /** The journal step of {@code plan run --rollback}: target objects removed, source started; the VM starts over. */
    public static final String ROLLBACK = "rollback";
    /** The journal step of the whole run (no VM). */
    public static final String RUN = "run";

    private final String id;

    Step(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
