package dev.kvmigrate.converter;

/** The labels kv-migrate puts on every object it makes, by which a plan finds what it owns on a target. */
public final class Labels {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    /** The plan that made the object. */
    public static final String PLAN = "kv-migrate.dev/plan";
    /** The VM the object belongs to: its Kubernetes name on the target. */
    public static final String VM = "kv-migrate.dev/vm";
    public static final String SOURCE_KIND = "kv-migrate.dev/source-kind";

    private Labels() {}
}
