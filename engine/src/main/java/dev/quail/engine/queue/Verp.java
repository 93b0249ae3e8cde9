package dev.quail.engine.queue;

/**
 * VERP (VERP-01..03): a sender {@code pre@host-@[]} asks for a per-recipient envelope sender
 * {@code pre + box=dom + @host}, so that each bounce names the subscriber it is about.
 */
public final class Verp {
    private static final String MARK = "-@[]";

    private Verp() {}

    /** VERP-02: only a sender of the {@code pre@host-@[]} shape with a non-empty host, for a recipient with '@'. */
    public static boolean requested(String sender) {
        if (!sender.endsWith(MARK)) return false;
        String core = sender.substring(0, sender.length() - MARK.length());
        int at = core.lastIndexOf('@');
        return at >= 0 && at < core.length() - 1;
    }

    public static String senderFor(String sender, String recipient) {
        int rat = recipient.lastIndexOf('@');
        if (!requested(sender) || rat < 0) return sender;
        String core = sender.substring(0, sender.length() - MARK.length());
        int at = core.lastIndexOf('@');
        return core.substring(0, at) + recipient.substring(0, rat) + "=" + recipient.substring(rat + 1)
                + core.substring(at);
    }

    /** VERP-03: where qmail-send's own bounces go: {@code pre@host}. */
    public static String bounceAddress(String sender) {
        return requested(sender) ? sender.substring(0, sender.length() - MARK.length()) : sender;
    }
}
