package dev.quail.engine.compat;

import com.sun.security.auth.module.UnixSystem;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * QQ-02: the one line a queueing program puts on top of a message, {@code Received: (qmail PID invoked by uid UID);
 * DATE}, DATE in GMT with {@code -0000} and the day without a leading zero. Quail has no qmaild, qmails or
 * alias accounts, so the line always says {@code by uid}.
 */
public final class ReceivedLine {
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss '-0000'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private ReceivedLine() {}

    public static byte[] of(Instant now) {
        return ("Received: (qmail " + ProcessHandle.current().pid() + " invoked by uid " + new UnixSystem().getUid()
                + "); " + DATE.format(now) + "\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
