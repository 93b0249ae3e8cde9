/*
 * LoginResult: the edge's answer to an Authenticate (qmail-popup's checkpassword run, then qmail-pop3d's start):
 * the mailbox view to serve, or a refusal. Every refusal ends the connection, as qmail-popup allows one attempt per
 * connection (POP-03). Refused covers a wrong password and an unknown user alike, so neither the reply nor
 * anything else tells them apart.
 */
package dev.quail.protocols.pop3;

import java.util.List;

public sealed interface LoginResult {
    /** POP-10: the user's home has no Maildir to serve. */
    String NO_MAILDIR = "this user has no $HOME/Maildir";
    /** POP-03: the checkpassword program died or could not be run. */
    String CHILD_CRASHED = "aack, child crashed";
    /** The Maildir is there but could not be listed. */
    String UNABLE_TO_SCAN = "unable to scan $HOME/Maildir";
    /** This client failed too many logins lately: not even checked. */
    String TOO_MANY_FAILURES = "too many failed logins, try again later";
    /** The password could not be checked now (too many checks at once, or the password file unreadable). */
    String TEMPORARY = "temporary failure, try again later";

    /** Logged in: the messages, in the order they are numbered from 1. */
    record Opened(List<Pop3Entry> messages) implements LoginResult {
        public Opened {
            messages = List.copyOf(messages);
        }
    }

    /** Wrong password, unknown user, or a checkpassword that said no: "-ERR authorization failed". */
    record Refused() implements LoginResult {}

    /** Any other failure, with the text after "-ERR " (one of the constants above). */
    record Failed(String text) implements LoginResult {}
}
