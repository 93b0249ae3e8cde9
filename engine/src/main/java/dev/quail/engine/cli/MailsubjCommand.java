package dev.quail.engine.cli;

import dev.quail.engine.inject.Injection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code quail mailsubj SUBJECT RCPT...}: qmail's mailsubj (MAILSUBJ-01). Sends stdin as the body of a message with
 * {@code Subject: SUBJECT} and {@code To: RCPT, ...}, through {@code quail inject} taking its recipients from that
 * header. The arguments go into the header as given: quoting them for RFC 822 is the caller's job, as in qmail.
 */
@Command(name = "mailsubj", description = "Mail stdin to RCPT... with the subject SUBJECT.")
public final class MailsubjCommand implements Callable<Integer> {
    @Mixin
    HomeOption homeOption;

    @Parameters(index = "0", paramLabel = "SUBJECT")
    String subject;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "RCPT")
    List<String> recipients;

    @Override
    public Integer call() throws IOException {
        byte[] head = ("Subject: " + subject + "\nTo: " + String.join(", ", recipients) + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] body = System.in.readAllBytes();
        byte[] message = new byte[head.length + body.length];
        System.arraycopy(head, 0, message, 0, head.length);
        System.arraycopy(body, 0, message, head.length, body.length);
        return InjectCommand.inject(homeOption.home(), message, Injection.Mode.HEADER, List.of(), null, System.getenv(),
                false);
    }
}
