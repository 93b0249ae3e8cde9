/*
 * The layout of a Quail home directory (DESIGN.md "The home directory"), like /var/qmail:
 * control/ (qmail control files, same names and meanings), users/ (assign, and the POP3 password file),
 * mailboxes/ (virtual users' Maildirs), alias/ (the home of the alias mailbox: .qmail-postmaster,
 * .qmail-default..., DQ-24), serialmail/ (a Maildir per control/serialhosts domain), queue/ (the journal), log/.
 * Only paths; nothing is created here.
 */
package dev.quail.config;

import java.nio.file.Path;

public record QuailHome(Path root) {

    public static QuailHome of(Path root) {
        return new QuailHome(root);
    }

    public Path control() {
        return root.resolve("control");
    }

    public Path control(String name) {
        return control().resolve(name);
    }

    public Path usersAssign() {
        return root.resolve("users").resolve("assign");
    }

    public Path mailboxes() {
        return root.resolve("mailboxes");
    }

    /** The alias mailbox's home: local parts users/assign does not know are delivered by its .qmail files. */
    public Path alias() {
        return root.resolve("alias");
    }

    /**
     * The home of the serialmail Maildirs: {@code serialmail/DOMAIN/} holds the mail kept for a host that connects
     * now and then (qmail's virtualdomains + maildirsmtp set-up), {@code DOMAIN} as control/serialhosts lists it.
     */
    public Path serialmail() {
        return root.resolve("serialmail");
    }

    public Path queue() {
        return root.resolve("queue");
    }

    public Path log() {
        return root.resolve("log");
    }
}
