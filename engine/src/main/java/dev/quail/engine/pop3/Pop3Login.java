package dev.quail.engine.pop3;

import dev.quail.config.Assignment;
import dev.quail.engine.Controls;
import dev.quail.engine.auth.Logins;
import dev.quail.engine.log.MessageLog;
import dev.quail.persistence.maildir.Maildir;
import dev.quail.persistence.maildir.MaildirMailbox;
import dev.quail.protocols.pop3.LoginResult;
import dev.quail.protocols.pop3.Pop3Content;
import dev.quail.protocols.pop3.Pop3Entry;
import dev.quail.protocols.pop3.Pop3Output;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * qmail-popup's decision and qmail-pop3d's start (POP-03, POP-10, POP-11): who may log in, and the mailbox view
 * they get, under the server's login throttle ({@link Logins}, shared with SMTP AUTH): an address that failed
 * authfailures times in the last minute is not checked ("-ERR too many failed logins"), and an attempt counts as a
 * failure from the moment it is let through until it succeeds.
 *
 * With control/checkpassword (one line: a command line) the program named there decides ({@link Checkpassword},
 * on the blocking-I/O executor, killed after timeoutcheckpassword) and the mailbox is $HOME/Maildir as it sets
 * HOME. Without it the user is a full address, checked against users/passwords on the bcrypt pool (an unknown
 * address costs the same bcrypt; a full pool is "-ERR temporary failure"), and the mailbox is the Maildir of the
 * home users/assign gives that address (`quail user add`). APOP needs the secret in the clear, which only a
 * checkpassword program may have: against users/passwords it is refused, after the same bcrypt.
 *
 * The view (POP-11): the Maildir's messages at login, oldest first, each sized as the client will receive it
 * (CRLF line ends, {@link Pop3Content#octets}). Log lines: "pop3 login USER from IP: N messages",
 * "pop3 login failed: USER from IP" (the same for a wrong password and an unknown user) and
 * "pop3 login throttled: USER from IP".
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

        /**
         * Message {@code index} of the view, to be read as it is sent. Another reader may have moved it since the
         * login (new/ to cur/, other flags): then it is found again by its unique name. Blocking: an I/O thread's.
         */
        InputStream open(int index) throws IOException {
            MaildirMailbox box = mailbox.orElseThrow();
            MaildirMailbox.Entry seen = entries.get(index);
            try {
                return Files.newInputStream(box.path().resolve(seen.path()));
            } catch (NoSuchFileException moved) {
                for (MaildirMailbox.Entry now : box.scan()) {
                    if (now.unique().equals(seen.unique())) return Files.newInputStream(box.path().resolve(now.path()));
                }
                throw moved;
            }
        }
    }

    /** What checking the credentials found: the home to serve, a refusal (the client's failure), or trouble. */
    private sealed interface Checked {}

    private record Home(Optional<Path> home) implements Checked {}

    private record Denied() implements Checked {}

    private record Trouble(String text) implements Checked {}

    private final Controls controls;
    private final Logins logins;
    private final Executor io;

    Pop3Login(Controls controls, Logins logins, Executor io) {
        this.controls = controls;
        this.logins = logins;
        this.io = io;
    }

    /** The login's outcome; the secret is wiped once checked. */
    CompletionStage<Login> attempt(Pop3Output.Authenticate credentials, InetAddress client) {
        String who = credentials.user() + " from " + client.getHostAddress();
        return logins.throttle().guard(client, () -> check(credentials, who), Denied.class::isInstance)
                .whenComplete((checked, failure) -> Arrays.fill(credentials.secret(), (byte) 0))
                .thenCompose(checked -> {
                    if (checked.isEmpty()) {
                        MessageLog.warning("pop3 login throttled: " + who);
                        return CompletableFuture.completedFuture(Login.failed(LoginResult.TOO_MANY_FAILURES));
                    }
                    if (checked.get() instanceof Home home) {
                        return CompletableFuture.supplyAsync(() -> open(who, home.home()), io);
                    }
                    return CompletableFuture.completedFuture(checked.get() instanceof Trouble trouble
                            ? Login.failed(trouble.text()) : Login.refused());
                });
    }

    private CompletionStage<Checked> check(Pop3Output.Authenticate credentials, String who) {
        String checkpassword = controls.current().control().checkpassword();
        if (!checkpassword.isEmpty()) {
            Duration limit = Duration.ofSeconds(controls.current().control().limits().timeoutcheckpassword());
            return CompletableFuture.supplyAsync(() -> Checkpassword.run(checkpassword, credentials.user(),
                    credentials.secret(), credentials.timestamp(), limit), io).thenApply(result -> {
                        if (result instanceof Checkpassword.Crashed crashed) {
                            MessageLog.warning("pop3 login failed: " + who + ": " + crashed.why());
                            return new Trouble(LoginResult.CHILD_CRASHED);
                        }
                        if (result instanceof Checkpassword.Refused refused) {
                            MessageLog.info("pop3 login failed: " + who + " (checkpassword exit " + refused.exit()
                                    + ")");
                            return new Denied();
                        }
                        String set = ((Checkpassword.Accepted) result).home();
                        return new Home(set.isEmpty() ? Optional.empty() : Optional.of(Path.of(set)));
                    });
        }
        return logins.check(credentials.user(), password(credentials)).thenApply(verdict -> switch (verdict) {
            case ACCEPTED -> new Home(homeOf(credentials.user()));
            case REFUSED -> {
                MessageLog.info("pop3 login failed: " + who);
                yield new Denied();
            }
            case BUSY, UNAVAILABLE -> new Trouble(LoginResult.TEMPORARY);
        });
    }

    /** The password as users/passwords compares it; APOP's digest is none (the check refuses an empty one). */
    private static char[] password(Pop3Output.Authenticate credentials) {
        if (credentials.apop()) return new char[0];
        CharBuffer decoded = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(credentials.secret()));
        char[] password = new char[decoded.remaining()];
        decoded.get(password);
        Arrays.fill(decoded.array(), '\0');
        return password;
    }

    /** The home users/assign gives the address itself (not a wildcard entry). */
    private Optional<Path> homeOf(String address) {
        for (Assignment a : controls.current().assign().entries()) {
            if (!a.wildcard() && a.user().equalsIgnoreCase(address)) return Optional.of(a.home());
        }
        return Optional.empty();
    }

    private static Login open(String who, Optional<Path> home) {
        if (home.isEmpty() || !Maildir.isMaildir(home.get().resolve("Maildir"))) {
            MessageLog.info("pop3 login " + who + ": no Maildir");
            return Login.failed(LoginResult.NO_MAILDIR);
        }
        MaildirMailbox mailbox = new MaildirMailbox(home.get().resolve("Maildir"));
        try {
            List<MaildirMailbox.Entry> found = mailbox.scan();
            List<MaildirMailbox.Entry> entries = new ArrayList<>(found.size());
            List<Pop3Entry> view = new ArrayList<>(found.size());
            for (MaildirMailbox.Entry e : found) {
                long octets;
                try (InputStream message = Files.newInputStream(mailbox.path().resolve(e.path()))) {
                    octets = Pop3Content.octets(message);
                } catch (NoSuchFileException takenMeanwhile) {
                    continue;
                }
                entries.add(e);
                view.add(new Pop3Entry(e.unique(), octets));
            }
            MessageLog.info("pop3 login " + who + ": " + view.size() + " messages");
            return new Login(new LoginResult.Opened(view), Optional.of(mailbox), entries);
        } catch (IOException e) {
            MessageLog.warning("pop3 unable to scan " + mailbox.path() + ": " + e.getMessage());
            return Login.failed(LoginResult.UNABLE_TO_SCAN);
        }
    }
}
