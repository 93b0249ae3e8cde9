package dev.quail.engine.queue;

import dev.quail.persistence.events.Channel;
import dev.quail.persistence.events.MessageEvent;
import dev.quail.persistence.events.Recipient;
import java.util.ArrayList;
import java.util.List;

/**
 * What the journal says about one message: its envelope and body, each recipient's status and last report,
 * and each channel's next retry time. Rebuilt from events on recovery, so it holds nothing else.
 * Mutable on purpose: a message to 100,000 recipients must not copy its status array per event.
 */
public final class MessageState {
    public enum Status { PENDING, DONE, FAILED }

    private MessageEvent.Accepted accepted;
    private Status[] status = new Status[0];
    private String[] reports = new String[0];
    private long nextLocal;
    private long nextRemote;
    private boolean bounced;
    private boolean held;

    public boolean isEmpty() { return accepted == null; }
    public MessageEvent.Accepted accepted() { return accepted; }
    public String id() { return accepted.id(); }
    public Recipient recipient(int i) { return accepted.recipients().get(i); }
    public Status status(int i) { return status[i]; }
    public String report(int i) { return reports[i]; }
    public boolean bounced() { return bounced; }
    public boolean held() { return held; }

    public long nextTry(Channel channel) { return channel == Channel.LOCAL ? nextLocal : nextRemote; }

    public List<Integer> pending(Channel channel) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < status.length; i++) {
            if (status[i] == Status.PENDING && accepted.recipients().get(i).channel() == channel) out.add(i);
        }
        return out;
    }

    public boolean finished() {
        for (Status s : status) if (s == Status.PENDING) return false;
        return true;
    }

    /** Nothing left to do: every recipient done, and a bounce queued for those that failed. Its Message ends it. */
    public boolean over() {
        return finished() && (failed().isEmpty() || bounced);
    }

    public List<Integer> failed() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < status.length; i++) if (status[i] == Status.FAILED) out.add(i);
        return out;
    }

    public MessageState apply(MessageEvent event) {
        if (accepted == null && !(event instanceof MessageEvent.Accepted)) {
            // Left behind by a result that arrived after `quail queue delete`: there is no message to apply it to.
            return this;
        }
        if (event instanceof MessageEvent.Accepted a) {
            accepted = a;
            status = new Status[a.recipients().size()];
            reports = new String[status.length];
            java.util.Arrays.fill(status, Status.PENDING);
        } else if (event instanceof MessageEvent.Delivered d) {
            status[d.recipient()] = Status.DONE;
            reports[d.recipient()] = d.report();
        } else if (event instanceof MessageEvent.Failed f) {
            status[f.recipient()] = Status.FAILED;
            reports[f.recipient()] = f.report();
        } else if (event instanceof MessageEvent.Deferred d) {
            reports[d.recipient()] = d.report();
        } else if (event instanceof MessageEvent.RetryScheduled r) {
            if (r.channel() == Channel.LOCAL) nextLocal = r.atMillis(); else nextRemote = r.atMillis();
        } else if (event instanceof MessageEvent.BounceQueued) {
            bounced = true;
        } else if (event instanceof MessageEvent.Held h) {
            held = h.held();
        } else if (event instanceof MessageEvent.Rejuvenated r) {
            accepted = new MessageEvent.Accepted(accepted.id(), r.birthMillis(), accepted.sender(),
                    accepted.recipients(), accepted.body(), accepted.origin());
            nextLocal = r.birthMillis();
            nextRemote = r.birthMillis();
        }
        return this;
    }
}
