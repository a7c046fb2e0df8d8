package dev.kvmigrate.importer.transfer;

import java.util.OptionalDouble;

/**
 * What the adaptive encoding believes the link takes, in wire bytes per second, and how it learns it from one
 * window of writes. Pure: the caller measures, {@link #next} reasons.
 *
 * <p>The upload body's writes block when the socket is full. So:
 * <ul>
 *   <li>a window where writing took at least {@link #LINK_BOUND} of the time was set by the link (or the receiver):
 *       the socket stayed full, the link moved bytes the whole window, and its rate is the rate achieved (bytes over
 *       the time spent in writes overstates it: the link also drains the socket while the next chunk is read);</li>
 *   <li>a window of stored data that did not fill the link: the link takes more than this host sends
 *       uncompressed, up to the rate of writes into buffers;</li>
 *   <li>before any such window, the rate of writes into buffers stands in, marked {@link #optimistic()}: an upper
 *       bound that a stored trial tests;</li>
 *   <li>a window where compression set the pace: the link took what it got without pushing back, so it may take
 *       more; the estimate rises to {@link #GROW} times that, so one slow moment (a receiver warming up) does not
 *       hold it low for good: lighter levels follow, until one saturates the link and measures it. Growth is
 *       bounded by what the lightest level sends, so after {@link #RETEST} such windows in a row (doubling with
 *       each retest) the estimate turns optimistic again (the rate of writes into buffers): if that picks stored,
 *       a trial re-measures the link. Without it a link once measured below the lightest level's input rate (a
 *       busy receiver, a short dip) held that level for the rest of the upload, at 10 Gbit twice the time of
 *       sending stored.</li>
 * </ul>
 * A trial's stored window is judged only once it says something ({@link #conclusive}).
 *
 * @param rate wire bytes per second; empty before any window
 * @param optimistic the rate is only the rate of writes into buffers, never seen limited by the link
 * @param paced compression-paced windows in a row since the link last pushed back (or since the last retest)
 * @param retests how many times compression-paced windows turned the estimate optimistic
 */
record LinkEstimate(OptionalDouble rate, boolean optimistic, int paced, int retests) {
    /** Share of a window's time spent in writes above which the link, not compression, set the pace. */
    static final double LINK_BOUND = 0.4;
    /** Factor the estimate grows by per window in which compression, not the link, set the pace. */
    static final double GROW = 1.5;
    /** Compression-paced windows in a row after which the estimate turns optimistic, to be retested. */
    static final int RETEST = 4;
    /** Wire bytes a stored window needs, under an optimistic estimate, to say the link was not filled. */
    static final long VERDICT = 32L << 20;

    static final LinkEstimate NONE = new LinkEstimate(OptionalDouble.empty(), false, 0, 0);

    /**
     * Whether a window says anything yet. A stored window under an optimistic estimate (a trial) needs
     * {@link #VERDICT} bytes, unless it is the first trial and its writes blocked for {@link #LINK_BOUND} of its
     * time: socket buffers and a shaper's queue take several megabytes at once, so a shorter window says "not
     * filled" of any link, and a retest's short window overstates the link by what the buffers, drained while
     * compression paced the upload, took at its start (164 MB/s measured on a 1 Gbit link sent stored data over it
     * for a whole period). The caller keeps such a window open, and the trial going.
     */
    boolean conclusive(long wireBytes, long writeNanos, long windowNanos, boolean stored) {
        if (!stored || !optimistic || wireBytes >= VERDICT) {
            return true;
        }
        return retests == 0 && linkPaced(writeNanos, windowNanos);
    }

    /** Whether writes took at least {@link #LINK_BOUND} of a window: the link, not compression, set its pace. */
    static boolean linkPaced(long writeNanos, long windowNanos) {
        return writeNanos >= LINK_BOUND * windowNanos;
    }

    /** The rate only when it was measured against the link; empty while none or only optimistic. */
    OptionalDouble measured() {
        return optimistic ? OptionalDouble.empty() : rate;
    }

    /**
     * The estimate after a window.
     *
     * @param wireBytes bytes written in the window (at least a link sample; the caller decides)
     * @param writeNanos time spent inside the writes
     * @param windowNanos the window's length
     * @param stored whether the window's data went stored (uncompressed)
     */
    LinkEstimate next(long wireBytes, long writeNanos, long windowNanos, boolean stored) {
        double blocked = wireBytes * 1e9 / Math.max(1, writeNanos);
        double achieved = wireBytes * 1e9 / Math.max(1, windowNanos);
        if (linkPaced(writeNanos, windowNanos)) {
            return new LinkEstimate(OptionalDouble.of(achieved), false, 0, retests);
        }
        if (stored) {
            return new LinkEstimate(OptionalDouble.of(Math.max(blocked, rate.orElse(0))), false, 0, retests);
        }
        if (rate.isEmpty() || optimistic) {
            return new LinkEstimate(OptionalDouble.of(blocked), true, 0, retests);
        }
        double known = rate.getAsDouble();
        if (paced + 1 >= RETEST << Math.min(retests, 4)) {
            return new LinkEstimate(OptionalDouble.of(Math.max(known, blocked)), true, 0, retests + 1);
        }
        // below LINK_BOUND the buffered write rate is over 2.5 times the achieved one: growth stays under it
        return new LinkEstimate(OptionalDouble.of(Math.max(known, achieved * GROW)), false, paced + 1, retests);
    }
}
