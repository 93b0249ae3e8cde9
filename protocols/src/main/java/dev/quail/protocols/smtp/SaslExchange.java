/*
 * SaslExchange: the server side of one AUTH exchange (RFC 4954) for the two mechanisms Quail offers, both of
 * which carry the password itself and so are offered only under TLS:
 *
 * PLAIN (RFC 4616)  "AUTH PLAIN [initial-response]"; without one the server asks with an empty "334 ". The
 *                   response is base64 of authzid NUL authcid NUL password; an authzid other than the authcid
 *                   (acting as someone else) is refused, as Quail has no proxy authorisation.
 * LOGIN (draft-murchison-sasl-login)  "AUTH LOGIN [base64 user]"; the server asks "334 VXNlcm5hbWU6"
 *                   (Username:) unless the user came with the command, then "334 UGFzc3dvcmQ6" (Password:).
 *
 * "=" is an empty initial response (RFC 4954 sec. 4); a response of "*" cancels (501 5.0.0); a response that is
 * not base64, or a PLAIN message without its two NULs, is 501 5.5.2. User and password are UTF-8.
 */
package dev.quail.protocols.smtp;

import dev.quail.protocols.smtp.SmtpOutput.Reply;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

final class SaslExchange {
    /** What the exchange needs next: send a challenge and wait, check these credentials, or give up. */
    sealed interface Step {}

    record Challenge(Reply reply) implements Step {}

    record Credentials(String user, char[] password) implements Step {}

    record Failed(Reply reply) implements Step {}

    static final String MECHANISMS = "PLAIN LOGIN";

    private static final Challenge EMPTY = new Challenge(new Reply("334 \r\n"));
    private static final Challenge USERNAME = new Challenge(new Reply("334 VXNlcm5hbWU6\r\n"));
    private static final Challenge PASSWORD = new Challenge(new Reply("334 UGFzc3dvcmQ6\r\n"));

    private enum Expecting { PLAIN, LOGIN_USER, LOGIN_PASSWORD }

    private Expecting expecting;
    private String user;

    /** The first step for "AUTH argument"; after a Challenge, the client's next line goes to respond(). */
    Step begin(String argument) {
        int space = argument.indexOf(' ');
        String mechanism = (space < 0 ? argument : argument.substring(0, space)).toUpperCase(Locale.ROOT);
        Optional<String> initial = space < 0 ? Optional.empty() : Optional.of(argument.substring(space + 1).strip());
        if (mechanism.equals("PLAIN")) {
            expecting = Expecting.PLAIN;
            return initial.isPresent() ? respond(initial.get()) : EMPTY;
        }
        if (mechanism.equals("LOGIN")) {
            expecting = Expecting.LOGIN_USER;
            return initial.isPresent() ? respond(initial.get()) : USERNAME;
        }
        return new Failed(mechanism.isEmpty() ? Replies.AUTH_SYNTAX : Replies.AUTH_MECHANISM);
    }

    /** The client's answer to the last challenge. */
    Step respond(String line) {
        if (line.equals("*")) {
            return new Failed(Replies.AUTH_ABORTED); // RFC 4954 sec. 4
        }
        Optional<byte[]> decoded = decode(line);
        if (decoded.isEmpty()) {
            return new Failed(Replies.AUTH_UNDECODABLE);
        }
        switch (expecting) {
            case LOGIN_USER -> {
                Optional<String> name = utf8(decoded.get());
                if (name.isEmpty()) return new Failed(Replies.AUTH_UNDECODABLE);
                user = name.get();
                expecting = Expecting.LOGIN_PASSWORD;
                return PASSWORD;
            }
            case LOGIN_PASSWORD -> {
                Optional<String> password = utf8(decoded.get());
                if (password.isEmpty()) return new Failed(Replies.AUTH_UNDECODABLE);
                return new Credentials(user, password.get().toCharArray());
            }
            default -> {
                return plain(decoded.get());
            }
        }
    }

    private static Step plain(byte[] message) {
        Optional<String> text = utf8(message);
        if (text.isEmpty()) return new Failed(Replies.AUTH_UNDECODABLE);
        String[] parts = text.get().split("\0", -1);
        if (parts.length != 3) return new Failed(Replies.AUTH_UNDECODABLE);
        if (!parts[0].isEmpty() && !parts[0].equalsIgnoreCase(parts[1])) return new Failed(Replies.AUTH_FAILED);
        return new Credentials(parts[1], parts[2].toCharArray());
    }

    private static Optional<byte[]> decode(String line) {
        if (line.equals("=")) return Optional.of(new byte[0]);
        try {
            return Optional.of(Base64.getDecoder().decode(line));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    private static Optional<String> utf8(byte[] bytes) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return Optional.of(chars.toString());
        } catch (CharacterCodingException malformed) {
            return Optional.empty();
        }
    }
}
