package dev.quail.engine.http;

import dev.quail.engine.log.EventStream;
import dev.quail.engine.log.MessageLog;

/** Every admin action, with the admin's name: in the mail log and as an "admin" line of log/events.jsonl. */
final class Actions {
    /** An action names what a request said (addresses...): one line, this long at most, goes into the logs. */
    private static final int MAX_LOGGED = 200;

    private Actions() {}

    static void log(Caller caller, String action) {
        String line = action.replaceAll("\\p{Cntrl}", "?");
        if (line.length() > MAX_LOGGED) line = line.substring(0, MAX_LOGGED) + "...";
        MessageLog.info("admin " + caller.admin() + ": " + line);
        EventStream.offer("admin", EventStream.field("admin", caller.admin()), EventStream.field("action", line));
    }
}
