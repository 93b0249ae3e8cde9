/*
 * ClientOutput: what a ClientSession asks its I/O edge to do, in order: write bytes, hand a finished
 * transaction's result to whoever asked for it, announce that the connection can take another
 * transaction, or close the connection (nothing more will be written or read).
 */
package dev.quail.protocols.smtpclient;

public sealed interface ClientOutput {
    record Write(byte[] bytes) implements ClientOutput {}

    record Finished(TransactionResult result) implements ClientOutput {}

    enum Ready implements ClientOutput { INSTANCE }

    enum Close implements ClientOutput { INSTANCE }
}
