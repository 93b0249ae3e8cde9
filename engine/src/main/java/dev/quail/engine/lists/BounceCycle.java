package dev.quail.engine.lists;

import java.time.Duration;
import java.util.Optional;

/**
 * ezmlm-warn's cycle as a pure state machine (EZ-33, EZ-34), over one member's {@link BounceStore.Record}:
 * <pre>
 *   a post bounces           none → BOUNCING (first = now), or count + 1
 *   timeout after the first  BOUNCING → WARNED: a warning is sent (from LIST-return-warn-T.C-box=dom)
 *   the warning bounces      WARNED → WARN_BOUNCED
 *   timeout after that       WARN_BOUNCED → PROBED: a probe is sent (from LIST-return-probe-T.C-box=dom)
 *   the probe bounces        the member is removed
 *   3 × timeout, no news     WARNED or PROBED is forgotten: the mail got through, the member stays
 * </pre>
 * A record of someone no longer subscribed is forgotten without mail. The earliest removal is about twice the
 * timeout after the first bounce, ezmlm's 20 days with idx's default of 10.
 */
final class BounceCycle {
    /** What the warden does with a record now. */
    enum Step { WAIT, WARN, PROBE, FORGET }

    /** How long a warning's or a probe's cookie is good for (EZ-34: 3,000,000 s). */
    static final Duration COOKIE_LIFE = Duration.ofSeconds(3_000_000);

    private BounceCycle() {}

    /** A counted bounce of a post; {@code status} its code or "". */
    static BounceStore.Record bounced(Optional<BounceStore.Record> before, String member, String status, long now) {
        if (before.isEmpty()) return new BounceStore.Record(member, now, 1, BounceStore.State.BOUNCING, now, status);
        BounceStore.Record r = before.get();
        return new BounceStore.Record(r.member(), r.first(), r.count() + 1, r.state(), r.since(), status);
    }

    static Step step(BounceStore.Record r, long now, Duration timeout, boolean subscribed) {
        if (!subscribed) return Step.FORGET;
        long t = timeout.toSeconds();
        return switch (r.state()) {
            case BOUNCING -> now - r.first() >= t ? Step.WARN : Step.WAIT;
            case WARN_BOUNCED -> now - r.since() >= t ? Step.PROBE : Step.WAIT;
            case WARNED, PROBED -> now - r.since() >= 3 * t ? Step.FORGET : Step.WAIT;
        };
    }

    /** A cycle cookie's time is good: not in the future, not older than {@link #COOKIE_LIFE}. */
    static boolean fresh(long time, long now) {
        return time <= now && now - time <= COOKIE_LIFE.toSeconds();
    }
}
