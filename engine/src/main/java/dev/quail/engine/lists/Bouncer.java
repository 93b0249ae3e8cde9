package dev.quail.engine.lists;

import dev.quail.engine.delivery.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * ezmlm-return (EZ-31): records what mail to a list's return addresses says about its members. A bounce of a post
 * counts against a member still subscribed (unless its status is a policy rejection, see {@link BounceReport}); a
 * bounced warning moves the member on in {@link BounceCycle}; a bounced probe removes the member at once. Cookies
 * that do not check out, and bounces about non-members, are trash: accepted and forgotten, never an error, so a
 * forger learns nothing and can at most start a cycle (EZ-36). Autoresponders' replies are not bounces at all
 * ({@link BounceReport#automatic}).
 */
final class Bouncer {
    private final long now;

    Bouncer(long nowSeconds) {
        this.now = nowSeconds;
    }

    Outcome record(MailingList list, ReturnAddress address, InputStream message) throws IOException {
        BounceReport report = new BounceReport(new String(message.readNBytes(BounceReport.MAX_TEXT),
                StandardCharsets.ISO_8859_1));
        boolean trash = address instanceof ReturnAddress.Trash;
        if (!trash && report.automatic()) return done("an autoresponder, not a bounce");
        if (address instanceof ReturnAddress.Distribution d) {
            Optional<String> status = report.failureStatus();
            if (status.isEmpty()) return done("not a failure report");
            return done(count(list, d.member(), status.get()) ? "counted a bounce for " + d.member()
                    : "not counted (not a member, or status " + status.get() + " is no dead mailbox)");
        }
        if (address instanceof ReturnAddress.Report r) {
            if (report.failureStatus().isEmpty()) return done("not a failure report");
            int counted = 0;
            for (BounceReport.Failed f : report.recipients()) {
                Optional<String> member = Member.parse(f.address(), new StringBuilder());
                if (member.isPresent() && count(list, member.get(), f.status())) counted++;
            }
            return done(counted + " bounce(s) counted from a report");
        }
        if (address instanceof ReturnAddress.Cycle c) return cycle(list, c);
        return done("trash");
    }

    /** Counts a bounce against {@code member}; false when it does not count or is not about a member. */
    private boolean count(MailingList list, String member, String status) throws IOException {
        if (!BounceReport.counts(status)) return false;
        return list.locked(() -> {
            if (!list.subscribers().contains(member)) return false;
            BounceStore store = list.bounces();
            store.put(BounceCycle.bounced(store.get(member), member, status, now));
            return true;
        });
    }

    private Outcome cycle(MailingList list, ReturnAddress.Cycle c) throws IOException {
        String expected = Cookies.cookie(list.key(), c.probe() ? 'P' : 'W', Long.toString(c.time()),
                Member.key(c.member()));
        if (!BounceCycle.fresh(c.time(), now) || !Cookies.same(expected, c.cookie())) return done("trash: bad cookie");
        if (c.probe()) {
            list.unsubscribe(List.of(c.member()), "-probe");
            return done("removed " + c.member() + ": the probe bounced");
        }
        return list.locked(() -> {
            Optional<BounceStore.Record> r = list.bounces().get(c.member());
            if (r.isEmpty() || r.get().state() != BounceStore.State.WARNED) return done("no warning outstanding");
            list.bounces().put(r.get().moved(BounceStore.State.WARN_BOUNCED, now));
            return done("the warning to " + c.member() + " bounced");
        });
    }

    private static Outcome done(String what) {
        return new Outcome.Success(what + ".");
    }
}
