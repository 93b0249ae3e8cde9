package dev.quail.engine.cli;

import dev.quail.engine.Controls;
import dev.quail.engine.Home;
import dev.quail.engine.Main;
import dev.quail.engine.compat.HostQueue;
import dev.quail.engine.inject.Injection;
import dev.quail.engine.smtp.SmtpPolicies;
import dev.quail.protocols.smtp.QueueResult;
import dev.quail.protocols.smtp.SmtpClient;
import dev.quail.protocols.smtp.SmtpOutput;
import dev.quail.protocols.smtp.SmtpSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * The sendmail interface (SM-01, SM-02) for programs that expect /usr/sbin/sendmail: {@code -t}, {@code -f},
 * {@code -F}, sendmail's harmless flags ignored, {@code -bs} for SMTP on stdin/stdout, {@code -bp} for the queue. It takes the home from
 * $QUAIL_HOME as bin/sendmail sets no options of its own. Exit codes as qmail's: 100 usage, 111 temporary.
 */
@Command(name = "sendmail", description = "sendmail-compatible interface: -t -f -F -i -oi -bs -bp.")
public final class SendmailCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        Home home = Home.resolve(null);
        Map<String, String> env = new HashMap<>(System.getenv());
        List<String> recipients = new ArrayList<>();
        boolean fromHeader = false;
        boolean smtp = false;
        String sender = null;
        String name = null;
        ArrayDeque<String> in = new ArrayDeque<>(args);
        while (!in.isEmpty()) {
            String a = in.poll();
            if (a.equals("--")) {
                recipients.addAll(in);
                break;
            }
            if (!a.startsWith("-") || a.equals("-")) {
                recipients.add(a);
                continue;
            }
            if (a.equals("-t")) {
                fromHeader = true;
            } else if (a.startsWith("-f")) {
                sender = a.length() > 2 ? a.substring(2) : in.poll();
                if (sender == null) return usage("-f needs an address");
            } else if (a.startsWith("-F")) {
                name = a.length() > 2 ? a.substring(2) : in.poll();
                if (name == null) return usage("-F needs a name");
            } else if (a.equals("-bs")) {
                smtp = true;
            } else if (a.equals("-bp")) {
                return MailqCommand.print(home); // SM-01: sendmail -bp is mailq
            } else if (a.equals("-bm")) {
                // the default: deliver mail
            } else if (!ignored(a)) {
                return usage("unknown option " + a);
            }
        }
        if (smtp) return smtpSession(home, System.in, System.out);
        if (sender != null) {
            // SM-02: the From header follows -f.
            for (String k : List.of("QMAILNAME", "MAILNAME", "NAME", "QMAILHOST", "MAILHOST")) env.remove(k);
            int at = sender.lastIndexOf('@');
            env.put("QMAILUSER", at < 0 ? sender : sender.substring(0, at));
            if (at >= 0) env.put("QMAILHOST", sender.substring(at + 1));
        }
        if (name != null) env.put("MAILNAME", name);
        Injection.Mode mode = fromHeader ? Injection.Mode.BOTH : Injection.Mode.ARGS;
        return InjectCommand.inject(home, System.in.readAllBytes(), mode, recipients, sender, env, false);
    }

    /** SM-01: options sendmail users pass by habit and qmail ignores. */
    private static boolean ignored(String a) {
        return a.equals("-i") || a.equals("-v") || a.equals("-x") || a.equals("-m") || a.equals("-E")
                || a.equals("-J") || a.startsWith("-o") || a.startsWith("-e") || a.startsWith("-p")
                || a.startsWith("-B");
    }

    private static int usage(String why) {
        System.err.println("sendmail: usage: " + why);
        System.err.println("sendmail [ -t ] [ -fsender ] [ -Fname ] [ -bs ] [ -bp ] [ -i ] [ -oi ] [ recipient ... ]");
        return Main.USAGE;
    }

    /** -bs: the SMTP state machine on stdin/stdout; each accepted message goes to the maildrop. */
    static int smtpSession(Home home, InputStream in, OutputStream out) throws IOException {
        Controls controls = new Controls(home);
        SmtpSession session = new SmtpSession(SmtpPolicies.forLocalUser(controls.current()),
                new SmtpClient("127.0.0.1", 0, "127.0.0.1"), Clock.systemUTC());
        if (write(out, session.start())) return 0;
        byte[] buffer = new byte[8192];
        // The maildrop takes a message whole; a local user's -bs session is its own process, not the server.
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int n;
        while ((n = in.read(buffer)) > 0) {
            List<SmtpOutput> outputs = session.receive(buffer, 0, n);
            while (true) {
                SmtpOutput.Submit submit = null;
                for (SmtpOutput o : outputs) {
                    if (o instanceof SmtpOutput.Store piece) message.writeBytes(piece.piece());
                    if (o instanceof SmtpOutput.Discard) message.reset();
                    if (o instanceof SmtpOutput.Submit s) submit = s;
                }
                if (write(out, outputs)) return 0;
                if (submit == null) break;
                QueueResult result = HostQueue.queue(home, message.toByteArray(), submit.sender(), submit.recipients(),
                        System.getenv());
                message.reset();
                outputs = session.queued(result);
            }
        }
        return 0;
    }

    /** Writes the replies; true when the session asked to close. */
    private static boolean write(OutputStream out, List<SmtpOutput> outputs) throws IOException {
        boolean close = false;
        for (SmtpOutput o : outputs) {
            if (o instanceof SmtpOutput.Reply r) out.write(r.text().getBytes(StandardCharsets.ISO_8859_1));
            if (o instanceof SmtpOutput.Close) close = true;
        }
        out.flush();
        return close;
    }
}
