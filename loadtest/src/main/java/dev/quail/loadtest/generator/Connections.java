/*
 * Connections: how the sessions use their connections.
 *
 * REUSED          one connection per session, messages back to back on it (EHLO once), QUIT at the end.
 * PER_MESSAGE     a connection per message: connect, EHLO, one message, QUIT, close, and again while work
 *                 remains (how most clients and MTAs hand over mail, Postfix's smtp-source without -d).
 * HANDSHAKE_ONLY  no mail: each "message" is one connection, greeting, EHLO, QUIT, close; accepted means the
 *                 QUIT was answered. What a connection alone costs the server.
 *
 * In the last two the message is claimed before the connection is made, so its latency includes setting the
 * connection up, and one that could not be sent (the connection broke first) counts as failed.
 */
package dev.quail.loadtest.generator;

enum Connections {
    REUSED("reused"), PER_MESSAGE("per-message"), HANDSHAKE_ONLY("handshake-only");

    private final String label;

    Connections(String label) {
        this.label = label;
    }

    /** As the JSON summary names it. */
    String label() {
        return label;
    }
}
