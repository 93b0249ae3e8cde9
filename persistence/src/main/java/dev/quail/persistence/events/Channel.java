/*
 * Channel: how a recipient is delivered, as in qmail's split of a message into
 * local/ and remote/ recipient lists: by local delivery to a mailbox, or
 * by SMTP to another host. Each channel has its own retry schedule.
 */
package dev.quail.persistence.events;

public enum Channel {
    LOCAL,
    REMOTE
}
