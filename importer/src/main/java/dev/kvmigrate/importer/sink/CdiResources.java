package dev.kvmigrate.importer.sink;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** The CDI kinds the importer talks to, for fabric8 generic resources, and the annotations CDI reads. */
public final class CdiResources {
    public static final ResourceDefinitionContext DATA_VOLUME = new ResourceDefinitionContext.Builder()
            .withGroup("cdi.kubevirt.io").withVersion("v1beta1").withKind("DataVolume").withPlural("datavolumes")
            .withNamespaced(true).build();
    public static final ResourceDefinitionContext CDI_CONFIG = new ResourceDefinitionContext.Builder()
            .withGroup("cdi.kubevirt.io").withVersion("v1beta1").withKind("CDIConfig").withPlural("cdiconfigs")
            .withNamespaced(false).build();
    public static final ResourceDefinitionContext CDI = new ResourceDefinitionContext.Builder()
            .withGroup("cdi.kubevirt.io").withVersion("v1beta1").withKind("CDI").withPlural("cdis")
            .withNamespaced(false).build();
    public static final ResourceDefinitionContext UPLOAD_TOKEN_REQUEST = new ResourceDefinitionContext.Builder()
            .withGroup("upload.cdi.kubevirt.io").withVersion("v1beta1").withKind("UploadTokenRequest")
            .withPlural("uploadtokenrequests").withNamespaced(true).build();

    /** Marks a PVC as an upload target; CDI then starts an upload server pod for it. */
    public static final String UPLOAD_TARGET = "cdi.kubevirt.io/storage.upload.target";
    /** Set to "true" by CDI once the PVC's upload server pod serves. */
    public static final String POD_READY = "cdi.kubevirt.io/storage.pod.ready";
    /** The upload/import pod's phase on the PVC (Running, Succeeded, Failed). */
    public static final String POD_PHASE = "cdi.kubevirt.io/storage.pod.phase";
    /** Asks CDI to bind a WaitForFirstConsumer volume right away (virtctl --force-bind). */
    public static final String BIND_IMMEDIATE = "cdi.kubevirt.io/storage.bind.immediate.requested";
    /** CDI's default filesystem overhead when CDIConfig does not say (5.5 %). */
    public static final double DEFAULT_FILESYSTEM_OVERHEAD = 0.055;

    private CdiResources() {}
}
