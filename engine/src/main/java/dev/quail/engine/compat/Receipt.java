package dev.quail.engine.compat;

import dev.quail.config.dotqmail.DeliveryLines;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;

/**
 * qreceipt's decision and notice (QBIFF/QRECEIPT): a message whose header has a
 * {@code Notice-Requested-Upon-Delivery-To:} field naming the delivery address (exactly, as qreceipt compares) gets
 * a "success notice" back to its envelope sender, from the null sender so that the notice itself can never bounce
 * into a loop. Bounces ({@code <>}) and double bounces ({@code #@[]}) are never answered. The notice quotes the
 * original's Message-ID when it had one. Only the header is read.
 */
public final class Receipt {
    private static final String NOTICE_FIELD = "Notice-Requested-Upon-Delivery-To";
    private static final String MESSAGE_ID_FIELD = "Message-ID";

    private Receipt() {}

    /** The notice to send to {@code sender}, or empty when none is asked for or allowed. */
    public static Optional<byte[]> of(InputStream message, String deliveryAddress, String sender) throws IOException {
        if (sender.isEmpty() || sender.equals("#@[]")) return Optional.empty();
        boolean asked = false;
        String messageId = null;
        for (String field : HeaderFields.read(message)) {
            int colon = field.indexOf(':');
            if (colon < 0) continue;
            String name = field.substring(0, colon).strip();
            if (name.equalsIgnoreCase(NOTICE_FIELD)) asked |= names(field.substring(colon + 1), deliveryAddress);
            if (name.equalsIgnoreCase(MESSAGE_ID_FIELD)) messageId = field;
        }
        if (!asked) return Optional.empty();
        String to = "<" + DeliveryLines.quote(sender) + ">";
        String text = "From: DELIVERY NOTICE SYSTEM " + to + "\n"
                + "To: " + to + "\n"
                + "Subject: success notice\n"
                + "\n"
                + "This is the qreceipt program. You asked to hear when your message reached\n"
                + deliveryAddress + ": it was delivered there.\n"
                + (messageId == null ? "" : "Your " + messageId + "\n");
        return Optional.of(text.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean names(String value, String address) {
        for (Mailbox m : LenientAddressParser.DEFAULT.parseAddressList(value).flatten()) {
            if (m.getAddress().equals(address)) return true;
        }
        return false;
    }
}
