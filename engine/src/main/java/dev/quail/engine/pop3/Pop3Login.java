package dev.quail.engine.pop3;

import dev.quail.config.Assignment;
import dev.quail.engine.Controls;
import dev.quail.engine.auth.Passwords;
import dev.quail.engine.log.MessageLog;
import dev.quail.persistence.maildir.Maildir;
import dev.quail.persistence.maildir.MaildirMailbox;
import dev.quail.protocols.pop3.LoginResult;
import dev.quail.protocols.pop3.Pop3Content;
import dev.quail.protocols.pop3.Pop3Entry;
import dev.quail.protocols.pop3.Pop3Output;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * qmail-popup's decision and qmail-pop3d's start (POP-03, POP-10, POP-11): who may log in, and the mailbox view
 * they get. Blocking (bcrypt, a child process, a directory scan): run it off the stream's threads.
 *
 * With control/checkpassword (one line: a command line) the program named there decides ({@link Checkpassword})
 * and the mailbox is $HOME/Maildir as it sets HOME. Without it the user is a full address, checked against
 * users/passwords (bcrypt; an unknown address costs the same bcrypt), and the mailbox is the Maildir of the home
 * users/assign gives that address (`quail user add`). APOP needs the secret in the clear, which only a
 * checkpassword program may have: against users/passwords it is refused, after the same bcrypt.
 *
 * The view (POP-11): the Maildir's messages at login, oldest first, each sized as the client will receive it
 * (CRLF line ends, {@link Pop3Content#octets}). Log lines: "pop3 login USER from IP: N messages" and
 * "pop3 login failed: USER from IP", the same for a wrong password and an unknown user.
 */
final class Pop3Login {
    /** A login's outcome, and for an open mailbox what the edge needs to serve it. */
    record Login(LoginResult result, Optional<MaildirMailbox> mailbox, List<MaildirMailbox.Entry> entries) {
        static Login refused() {
            return new Login(new LoginResult.Refused(), Optional.empty(), List.of());
        }

        static Login failed(String text) {
            return new Login(new LoginResult.Failed(text), Optional.empty(), List.of());
        }
    }

    private final Controls controls;

    Pop3Login(Controls controls) {
        this.controls = controls;
    }

    Login attempt(Pop3Output.Authenticate credentials, String remoteIp) {
        String user = credentials.user();
        try {
            String configured = controls.current().control().checkpassword();
            Optional<String> checkpassword = configured.isEmpty() ? Optional.empty() : Optional.of(configured);
            Optional<Path> home;
            if (checkpassword.isPresent()) {
                Checkpassword.Result result = Checkpassword.run(checkpassword.get(), user, credentials.secret(),
                        credentials.timestamp());
                if (result instanceof Checkpassword.Crashed crashed) {
                    MessageLog.warning("pop3 login failed: " + user + " from " + remoteIp + ": " + crashed.why());
                    return Login.failed(LoginResult.CHILD_CRASHED);
                }
                if (result instanceof Checkpassword.Refused refused) {
                    MessageLog.info("pop3 login failed: " + user + " from " + remoteIp + " (checkpassword exit "
                            + refused.exit() + ")");
                    return Login.refused();
                }
                String set = ((Checkpassword.Accepted) result).home();
                home = set.isEmpty() ? Optional.empty() : Optional.of(Path.of(set));
            } else {
                if (!passwordMatches(user, credentials)) {
                    MessageLog.info("pop3 login failed: " + user + " from " + remoteIp);
                    return Login.refused();
                }
                home = homeOf(user);
            }
            return open(user, remoteIp, home);
        } catch (IOException e) {
            MessageLog.warning("pop3 login failed: " + user + " from " + remoteIp + ": " + e.getMessage());
            return Login.refused();
        } finally {
            Arrays.fill(credentials.secret(), (byte) 0);
        }
    }

    private boolean passwordMatches(String user, Pop3Output.Authenticate credentials) throws IOException {
        Passwords passwords = new Passwords(controls.home().passwords());
        if (credentials.apop()) {
            passwords.check(user, new char[0]);
            return false;
        }
        CharBuffer decoded = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(credentials.secret()));
        char[] password = new char[decoded.remaining()];
        decoded.get(password);
        try {
            return passwords.check(user, password);
        } finally {
            Arrays.fill(password, '\0');
            Arrays.fill(decoded.array(), '\0');
        }
    }

    /** The home users/assign gives the address itself (not a wildcard entry). */
    private Optional<Path> homeOf(String address) {
        for (Assignment a : controls.current().assign().entries()) {
            if (!a.wildcard() && a.user().equalsIgnoreCase(address)) return Optional.of(a.home());
        }
        return Optional.empty();
    }

    private static Login open(String user, String remoteIp, Optional<Path> home) {
        if (home.isEmpty() || !Maildir.isMaildir(home.get().resolve("Maildir"))) {
            MessageLog.info("pop3 login " + user + " from " + remoteIp + ": no Maildir");
            return Login.failed(LoginResult.NO_MAILDIR);
        }
        MaildirMailbox mailbox = new MaildirMailbox(home.get().resolve("Maildir"));
        try {
            List<MaildirMailbox.Entry> found = mailbox.scan();
            List<MaildirMailbox.Entry> entries = new ArrayList<>(found.size());
            List<Pop3Entry> view = new ArrayList<>(found.size());
            for (MaildirMailbox.Entry e : found) {
                byte[] message;
                try {
                    message = mailbox.read(e);
                } catch (NoSuchFileException takenMeanwhile) {
                    continue;
                }
                entries.add(e);
                view.add(new Pop3Entry(e.unique(), Pop3Content.octets(message)));
            }
            MessageLog.info("pop3 login " + user + " from " + remoteIp + ": " + view.size() + " messages");
            return new Login(new LoginResult.Opened(view), Optional.of(mailbox), entries);
        } catch (IOException e) {
            MessageLog.warning("pop3 unable to scan " + mailbox.path() + ": " + e.getMessage());
            return Login.failed(LoginResult.UNABLE_TO_SCAN);
        }
    }
}
