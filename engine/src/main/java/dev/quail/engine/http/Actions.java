package dev.quail.engine.http;

import dev.quail.engine.log.EventStream;
import dev.quail.engine.log.MessageLog;

/** Every admin action, with the admin's name: in the mail log and as an "admin" line of log/events.jsonl. */
final class Actions {
    private Actions() {}

    static void log(Caller caller, String action) {
        MessageLog.info("admin " + caller.admin() + ": " + action);
        EventStream.offer("admin", EventStream.field("admin", caller.admin()), EventStream.field("action", action));
    }
}
