package dev.quail.engine;

import dev.quail.config.ControlFiles;
import dev.quail.config.ControlWriter;
import dev.quail.config.UsersAssign;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What a first {@code quail start} sets up so that mail flows with no configuration: control/me (this host's
 * name), localhost and me as local domains accepted from anyone, and the postmaster@localhost mailbox.
 * Files an admin already wrote (config-fast, user add before the first start) are left as they are, and a
 * control/locals written first is what rcpthosts accepts.
 */
public final class FirstStart {
    private FirstStart() {}

    public static boolean initializeIfNew(Home home) throws IOException {
        home.ensureDirectories();
        if (home.initialized()) return false;
        String me = Home.hostName();
        if (!Files.exists(home.control("locals"))) {
            ControlWriter.write(home.control("locals"), List.copyOf(new LinkedHashSet<>(List.of("localhost", me))));
        }
        // As config-fast: the local domains are the ones accepted from anyone, the admin's own if written first.
        if (!Files.exists(home.control("rcpthosts"))) {
            ControlWriter.write(home.control("rcpthosts"), ControlFiles.list(home.control("locals")));
        }
        if (UsersAssign.load(home.assign()).lookup("postmaster").isEmpty()) {
            Mailboxes.add(home, "postmaster@localhost");
        }
        // Written last: its presence is what marks the home as initialised.
        ControlWriter.write(home.control("me"), List.of(me));
        return true;
    }
}
