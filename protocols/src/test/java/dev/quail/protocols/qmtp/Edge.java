/*
 * Edge: what the I/O edge does with a netstring session's pieces, as the tests check it. Store pieces are gathered
 * (each within the bound, none after its message's Discard) into the message a Submit hands on.
 */
package dev.quail.protocols.qmtp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.protocols.smtp.MessagePieces;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

final class Edge {
    final List<byte[]> messages = new ArrayList<>();
    private ByteArrayOutputStream message = new ByteArrayOutputStream();
    private boolean discarded;

    /** The outputs without their Stores, whose pieces are gathered. */
    List<QmtpOutput> take(List<QmtpOutput> outputs) {
        List<QmtpOutput> rest = new ArrayList<>();
        for (QmtpOutput o : outputs) {
            if (o instanceof QmtpOutput.Store store) {
                assertFalse(discarded, "a Store after its message's Discard");
                assertTrue(store.piece().length > 0 && store.piece().length <= MessagePieces.PIECE);
                message.writeBytes(store.piece());
                continue;
            }
            if (o instanceof QmtpOutput.Discard) {
                assertFalse(discarded, "a second Discard");
                discarded = true;
                message = new ByteArrayOutputStream();
            } else if (o instanceof QmtpOutput.Submit) {
                assertFalse(discarded, "a Submit after a Discard");
                messages.add(message.toByteArray());
                message = new ByteArrayOutputStream();
            } else if (o instanceof QmtpOutput.Reply || o instanceof QmtpOutput.Close) {
                discarded = false;
            }
            rest.add(o);
        }
        return rest;
    }

    String lastMessage() {
        assertFalse(messages.isEmpty(), "nothing was submitted");
        return new String(messages.get(messages.size() - 1), StandardCharsets.ISO_8859_1);
    }
}
