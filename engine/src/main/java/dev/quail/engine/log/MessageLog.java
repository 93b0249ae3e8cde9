package dev.quail.engine.log;

import dev.quail.engine.delivery.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mail log in qmail-send's words (SEND-05), one line per event, so a message's life can be followed with grep:
 * {@code new msg}, {@code info msg}, {@code starting delivery}, {@code delivery N: success|deferral|failure},
 * {@code status}, {@code end msg}. Report texts are made log-safe as qmail does: newline → '/', other bytes
 * outside printable ASCII and '%' → '_'.
 */
public final class MessageLog {
    private static final Logger log = LoggerFactory.getLogger("quail.send");

    private MessageLog() {}

    public static void accepted(String id, long bytes, String sender, String origin) {
        log.info("new msg {}", id);
        log.info("info msg {}: bytes {} from <{}> qp {} {}", id, bytes, safe(sender), id, safe(origin));
    }

    public static void end(String id) {
        log.info("end msg {}", id);
    }

    public static void starting(long delivery, String id, String channel, String address) {
        log.info("starting delivery {}: msg {} to {} {}", delivery, id, channel, safe(address));
    }

    public static void result(long delivery, Outcome outcome) {
        String kind = outcome instanceof Outcome.Success ? "success"
                : outcome instanceof Outcome.Failure ? "failure" : "deferral";
        log.info("delivery {}: {}: {}", delivery, kind, safe(outcome.report()));
    }

    public static void status(int local, int localMax, int remote, int remoteMax) {
        log.info("status: local {}/{} remote {}/{}", local, localMax, remote, remoteMax);
    }

    public static void info(String text) {
        log.info("{}", safe(text));
    }

    public static void warning(String text) {
        log.warn("warning: {}", safe(text));
    }

    public static void alert(String text) {
        log.error("alert: {}", safe(text));
    }

    public static String safe(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') b.append('/');
            else if (c < 33 && c != ' ' || c > 126 || c == '%') b.append('_');
            else b.append(c);
        }
        return b.toString();
    }
}
