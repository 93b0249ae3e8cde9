package dev.quail.engine.serial;

import dev.quail.config.Control;
import dev.quail.config.Routes;
import dev.quail.engine.Controls;
import dev.quail.engine.log.MessageLog;
import dev.quail.protocols.smtp.Etrn;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * ETRN's side of serialmail (RFC 1985): a host that has just come online asks for the mail kept for its domain, and
 * the push starts in the background on the I/O executor while the session answers. The mail goes only where the
 * admin said: the domain's qmtproutes entry (QMTP), else its smtproutes entry (a host name is resolved at each push,
 * so a dynamic-DNS name follows a dial-up host). Never to the client that asked: any relay client may give ETRN, and
 * one must not be able to collect another customer's mail. A domain without a route hears 458. Each push is logged
 * as {@code serialmail DOMAIN to HOST:PORT: N sent, N bounced, N kept}; a push that fails (host unreachable, another
 * push of the domain running, anything thrown) is logged as a warning and leaves the mail for the next pick-up: no
 * actor, nothing to restart. Thread-safe.
 */
public final class SerialPickup {
    private final Controls controls;
    private final Executor io;
    private final Clock clock;

    public SerialPickup(Controls controls, Executor io, Clock clock) {
        this.controls = controls;
        this.io = io;
        this.clock = clock;
    }

    /** Whether any mail is kept for pick-up on this server (ETRN is offered only then). */
    public boolean keepsMail(Control control) {
        return !control.serialhosts().domains().isEmpty();
    }

    public Etrn etrn(String node, InetAddress client) {
        Control control = controls.current().control();
        Optional<String> domain = control.serialhosts().listed(node);
        if (domain.isEmpty()) return Etrn.of(Etrn.Kind.NOT_KEPT);
        int pending;
        try {
            pending = new SerialMaildir(controls.home().root(), domain.get()).files().size();
        } catch (IOException e) {
            MessageLog.warning("serialmail " + domain.get() + ": unable to read its maildir: " + e.getMessage());
            return Etrn.of(Etrn.Kind.UNABLE);
        }
        if (pending == 0) return Etrn.of(Etrn.Kind.NONE_WAITING);
        Optional<SerialPush.Destination> to = destination(control, domain.get());
        if (to.isEmpty()) {
            MessageLog.warning("serialmail " + domain.get() + ": ETRN from " + client.getHostAddress()
                    + " but no qmtproutes or smtproutes entry says where its host is");
            return Etrn.of(Etrn.Kind.UNABLE);
        }
        try {
            io.execute(() -> push(control, domain.get(), to.get()));
        } catch (RejectedExecutionException e) {
            return Etrn.of(Etrn.Kind.UNABLE);
        }
        return Etrn.started(pending);
    }

    static Optional<SerialPush.Destination> destination(Control control, String domain) {
        Optional<Routes.Relay> qmtp = control.qmtproutes().lookup(domain);
        if (qmtp.isPresent()) {
            return Optional.of(new SerialPush.Destination(qmtp.get().host(), qmtp.get().port(),
                    SerialPush.Protocol.QMTP));
        }
        return control.smtproutes().lookup(domain)
                .map(r -> new SerialPush.Destination(r.host(), r.port(), SerialPush.Protocol.SMTP));
    }

    private void push(Control control, String domain, SerialPush.Destination to) {
        try {
            SerialPush.Result r = new SerialPush(controls.home(), control, clock).push(domain, to);
            for (String line : r.lines()) MessageLog.info("serialmail " + domain + ": " + line);
            MessageLog.info("serialmail " + domain + " to " + to + ": " + r.sent() + " sent, " + r.bounced()
                    + " bounced, " + r.kept() + " kept");
        } catch (IOException | RuntimeException e) {
            MessageLog.warning("serialmail " + domain + " to " + to + ": " + e.getMessage());
        }
    }
}
