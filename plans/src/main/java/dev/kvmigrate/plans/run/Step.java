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
