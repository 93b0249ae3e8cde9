package dev.quail.engine.serial;

import dev.quail.config.Control;
import dev.quail.config.Rewriter;
import dev.quail.engine.Home;
import dev.quail.engine.compat.MaildropQueue;
import dev.quail.engine.compat.QqEnvelope;
import dev.quail.engine.compat.QqException;
import dev.quail.engine.queue.Bounces;
import dev.quail.protocols.qmtp.NetstringException;
import dev.quail.protocols.qmtp.QmtpClient;
import dev.quail.protocols.smtpclient.ClientOutput;
import dev.quail.protocols.smtpclient.ClientSession;
import dev.quail.protocols.smtpclient.DataEncoder;
import dev.quail.protocols.smtpclient.Report;
import dev.quail.protocols.smtpclient.TlsPolicy;
import dev.quail.protocols.smtpclient.Transaction;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * serialmail's maildirserial + serialsmtp (or serialqmtp) for one domain: pushes the mail kept in its
 * {@link SerialMaildir} to the host that asked for it, over one SMTP connection (the outbound client's state
 * machine, {@link ClientSession}, without TLS: the host is on a link the admin named) or one QMTP connection
 * ({@link QmtpClient}, one package a message). Each message is removed only once the host took it (250, or K).
 * One the host refuses for good (5xx, or D) is bounced to its sender through the maildrop, in qmail-send's words,
 * then removed: what maildirsmtp did (maildirserial -b), because a refusal does not heal by waiting and a kept
 * message would be refused at every pick-up while its sender never hears of it. A temporary refusal (4xx, Z), or
 * a connection that ends, keeps the message for the next pick-up. A message whose bounce cannot be queued is kept.
 *
 * <p>One push per domain at a time: a lock on {@code serialmail/DOMAIN/lock} (serialmail's setlock), so a second
 * ETRN or a script running meanwhile sends nothing twice. Blocking: call from an I/O thread.
 */
public final class SerialPush {
    public enum Protocol { SMTP, QMTP }

    public record Destination(String host, int port, Protocol protocol) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port
                    + (protocol == Protocol.QMTP ? " (QMTP)" : "");
        }
    }

    /** What became of the messages: one line per message settled, in order. */
    public record Result(int sent, int bounced, int kept, List<String> lines) {}

    /** Another push of the same domain holds the lock. */
    public static final class Busy extends IOException {
        Busy(String domain) {
            super("the mail for " + domain + " is being pushed already");
        }
    }

    private final Home home;
    private final Control control;
    private final Clock clock;

    public SerialPush(Home home, Control control, Clock clock) {
        this.home = home;
        this.control = control;
        this.clock = clock;
    }

    /** Pushes {@code domain}'s kept mail to {@code to}; IOException when the host could not be reached. */
    public Result push(String domain, Destination to) throws IOException {
        SerialMaildir maildir = new SerialMaildir(home.root(), domain);
        if (!Files.isDirectory(maildir.dir())) return new Result(0, 0, 0, List.of());
        try (FileChannel lockFile = FileChannel.open(maildir.dir().resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = tryLock(lockFile, domain)) {
            List<SerialMaildir.Kept> kept = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            for (Path file : maildir.files()) {
                Optional<SerialMaildir.Kept> k = SerialMaildir.read(file);
                if (k.isPresent()) kept.add(k.get());
                else lines.add(file.getFileName() + ": left alone: no Return-Path and Delivered-To lines on top");
            }
            Tally tally = new Tally(lines);
            if (!kept.isEmpty()) {
                try (Socket socket = connect(to)) {
                    if (to.protocol() == Protocol.QMTP) qmtp(socket, kept, tally);
                    else smtp(socket, kept, tally);
                }
            }
            return new Result(tally.sent, tally.bounced, kept.size() - tally.sent - tally.bounced, lines);
        }
    }

    private static FileLock tryLock(FileChannel channel, String domain) throws IOException {
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) throw new Busy(domain);
            return lock;
        } catch (OverlappingFileLockException heldHere) {
            throw new Busy(domain);
        }
    }

    private Socket connect(Destination to) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(to.host(), to.port()), (int) (control.timeoutconnect() * 1000));
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, control.timeoutremote() * 1000));
            return socket;
        } catch (IOException e) {
            socket.close();
            throw new IOException("unable to connect to " + to + ": " + e.getMessage(), e);
        }
    }

    /** One SMTP connection, one transaction per message, driven by the outbound client's state machine. */
    private void smtp(Socket socket, List<SerialMaildir.Kept> kept, Tally tally) throws IOException {
        ClientSession session = new ClientSession(control.helohost(), socket.getInetAddress().getHostAddress(),
                TlsPolicy.NONE);
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 65536);
        InputStream in = socket.getInputStream();
        Iterator<SerialMaildir.Kept> next = kept.iterator();
        SerialMaildir.Kept current = next.next();
        ArrayDeque<ClientOutput> outputs = new ArrayDeque<>(session.send(transaction(current)));
        byte[] buffer = new byte[8192];
        while (true) {
            while (!outputs.isEmpty()) {
                ClientOutput o = outputs.poll();
                if (o instanceof ClientOutput.Write w) {
                    out.write(w.bytes());
                } else if (o == ClientOutput.SendBody.INSTANCE) {
                    outputs.addAll(sendBody(current, out) ? session.bodySent() : session.bodyFailed());
                } else if (o instanceof ClientOutput.Finished f) {
                    tally.settle(current, f.result().reports().get(0));
                } else if (o == ClientOutput.Ready.INSTANCE) {
                    if (next.hasNext()) {
                        current = next.next();
                        outputs.addAll(session.send(transaction(current)));
                    } else {
                        outputs.addAll(session.quit());
                    }
                } else {
                    return; // Close; StartTls never comes with TlsPolicy.NONE
                }
            }
            out.flush();
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                outputs.addAll(session.closed());
                outputs.add(ClientOutput.Close.INSTANCE);
            } else {
                outputs.addAll(session.receive(buffer, 0, n));
            }
        }
    }

    private static Transaction transaction(SerialMaildir.Kept k) {
        return new Transaction(k.sender(), List.of(k.recipient()), k.size(), k.eightBit(), k.partialFinalLine());
    }

    private static boolean sendBody(SerialMaildir.Kept k, OutputStream out) throws IOException {
        DataEncoder encoder = new DataEncoder();
        try (InputStream body = k.open()) {
            byte[] buffer = new byte[65536];
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) out.write(encoder.encode(buffer, 0, n));
        } catch (IOException unreadable) {
            return false;
        }
        out.write(encoder.finish());
        return true;
    }

    /** One QMTP package per message on one connection; each answer settles its message. */
    private void qmtp(Socket socket, List<SerialMaildir.Kept> kept, Tally tally) throws IOException {
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 65536);
        InputStream in = socket.getInputStream();
        String peer = socket.getInetAddress().getHostAddress();
        byte[] buffer = new byte[4096];
        for (SerialMaildir.Kept k : kept) {
            out.write(QmtpClient.head(k.size()));
            try (InputStream body = k.open()) {
                body.transferTo(out);
            }
            out.write(QmtpClient.tail(k.sender(), List.of(k.recipient())));
            out.flush();
            QmtpClient answers = new QmtpClient(1);
            List<QmtpClient.Reply> replies = List.of();
            while (!answers.complete()) {
                int n = in.read(buffer);
                if (n < 0) return; // the rest stays for the next pick-up
                try {
                    replies = answers.receive(buffer, 0, n);
                } catch (NetstringException e) {
                    return;
                }
            }
            QmtpClient.Reply r = replies.get(0);
            String text = peer + (r.code() == QmtpClient.Code.K ? " accepted message./Remote host said: "
                    : " does not like recipient./Remote host said: ") + r.text();
            tally.settle(k, switch (r.code()) {
                case K -> new Report(Report.Kind.SUCCESS, text);
                case Z -> new Report(Report.Kind.DEFERRAL, text);
                case D -> new Report(Report.Kind.FAILURE, text);
            });
        }
    }

    /** Removes what was taken, bounces what was refused, keeps the rest, and says so per message. */
    private final class Tally {
        final List<String> lines;
        int sent;
        int bounced;

        Tally(List<String> lines) {
            this.lines = lines;
        }

        void settle(SerialMaildir.Kept k, Report report) throws IOException {
            String what = k.file().getFileName() + " <" + k.sender() + "> to <" + k.recipient() + ">: ";
            String said = report.text().replace('\n', '/');
            switch (report.kind()) {
                case SUCCESS -> {
                    Files.deleteIfExists(k.file());
                    sent++;
                    lines.add(what + "sent: " + said);
                }
                case FAILURE -> {
                    Optional<String> problem = bounce(k, report.text());
                    if (problem.isEmpty()) {
                        Files.deleteIfExists(k.file());
                        bounced++;
                        lines.add(what + "bounced: " + said);
                    } else {
                        lines.add(what + "kept: refused (" + said + ") but " + problem.get());
                    }
                }
                case DEFERRAL -> lines.add(what + "kept: " + said);
            }
        }
    }

    /** Queues the bounce of {@code k} through the maildrop; the reason it could not, if it could not. */
    private Optional<String> bounce(SerialMaildir.Kept k, String report) {
        if (Bounces.isTriple(k.sender())) return Optional.empty(); // a double bounce is dropped, as qmail-send does
        try (InputStream original = k.open()) {
            Bounces.Bounce b = Bounces.build(control, new Rewriter(control), k.sender(),
                    List.of(new Bounces.Failure(k.recipient(), report)), original, k.size(), control.bouncemaxbytes(),
                    clock.instant());
            MaildropQueue maildrop = new MaildropQueue(home, clock);
            maildrop.write(maildrop.read(b.message()), new QqEnvelope(b.sender(), List.of(b.recipient())));
            return Optional.empty();
        } catch (IOException | QqException e) {
            return Optional.of("the bounce could not be queued: " + e.getMessage());
        }
    }
}
