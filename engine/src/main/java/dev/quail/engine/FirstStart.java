package dev.quail.engine;

import dev.quail.config.ControlWriter;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a first {@code quail start} sets up so that mail flows with no configuration: control/me (this host's
 * name), localhost and me as local domains accepted from anyone, and the postmaster@localhost mailbox.
 */
public final class FirstStart {
    private FirstStart() {}

    public static boolean initializeIfNew(Home home) throws IOException {
        home.ensureDirectories();
        if (home.initialized()) return false;
        String me = Home.hostName();
        Set<String> locals = new LinkedHashSet<>(List.of("localhost", me));
        ControlWriter.write(home.control("locals"), List.copyOf(locals));
        ControlWriter.write(home.control("rcpthosts"), List.copyOf(locals));
        Mailboxes.add(home, "postmaster@localhost");
        // Written last: its presence is what marks the home as initialised.
        ControlWriter.write(home.control("me"), List.of(me));
        return true;
    }
}
