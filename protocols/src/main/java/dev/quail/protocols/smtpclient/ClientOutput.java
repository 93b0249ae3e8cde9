/*
 * ClientOutput: what a ClientSession asks its I/O edge to do, in order: write bytes; send the message of the
 * transaction in hand (the server said 354: the edge streams it through a DataEncoder, end of data included,
 * and calls bodySent() when the last byte is written, or bodyFailed(reason) when the message cannot be read);
 * hand a finished transaction's result to whoever asked for it; announce that the connection can take another
 * transaction; close the connection (nothing more will be written or read); or start TLS as the client
 * (RFC 3207): from now on every byte goes through TLS; the edge calls tlsStarted() when the handshake is
 * done, or tlsFailed(reason) when it is not. Bytes the server sent in clear after its 220 are discarded.
 */
package dev.quail.protocols.smtpclient;

public sealed interface ClientOutput {
    record Write(byte[] bytes) implements ClientOutput {}

    enum SendBody implements ClientOutput { INSTANCE }

    record Finished(TransactionResult result) implements ClientOutput {}

    enum Ready implements ClientOutput { INSTANCE }

    enum Close implements ClientOutput { INSTANCE }

    enum StartTls implements ClientOutput { INSTANCE }
}
