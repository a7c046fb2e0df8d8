package dev.kvmigrate.testing.ovirt;

/** One answer of the stand-in engine's API: a status, a body (XML or JSON on request), a Location when created. */
record Answer(int status, Element body, String location) {
    static Answer ok(Element body) {
        return new Answer(200, body, null);
    }

    static Answer notFound(String what) {
        return fault(404, "Not Found", "the stand-in engine has no " + what);
    }

    /** An engine fault body, as the engine writes one: a reason and a detail. */
    static Answer fault(int status, String reason, String detail) {
        return new Answer(status, Element.of("fault").leaf("reason", reason).leaf("detail", detail), null);
    }
}
