package dev.quail.engine.cli;

import dev.quail.config.Control;
import dev.quail.engine.Home;
import dev.quail.engine.Main;
import dev.quail.engine.serial.SerialPush;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code quail serialsmtp DOMAIN HOST:PORT [--qmtp]}: serialmail's maildirsmtp (maildirqmtp with --qmtp) for a
 * script, such as a PPP link's ip-up: pushes the mail kept for a control/serialhosts domain to the host now online,
 * one line per message on stdout (sent, bounced or kept, with the host's words). Exit 0 when nothing is left
 * kept; 111 when something is (a 4xx, an unreachable host, another push of the domain running); 100 for a domain
 * serialhosts does not list. Works whether or not the server runs: bounces go through the maildrop.
 */
@Command(name = "serialsmtp", description = "Push the mail kept for a serialhosts domain to HOST:PORT (serialmail).")
public final class SerialSmtpCommand implements Callable<Integer> {
    @Mixin
    HomeOption homeOption;

    @Parameters(index = "0", paramLabel = "DOMAIN", description = "a domain listed in control/serialhosts")
    String domain;

    @Parameters(index = "1", paramLabel = "HOST:PORT", converter = HostPort.Converter.class)
    HostPort to;

    @Option(names = "--qmtp", description = "speak QMTP (maildirqmtp) instead of SMTP")
    boolean qmtp;

    @Override
    public Integer call() {
        Home home = homeOption.home();
        try {
            Control control = Control.load(home.root());
            Optional<String> listed = control.serialhosts().listed(domain);
            if (listed.isEmpty()) {
                System.err.println("serialsmtp: fatal: " + domain + " is not in control/serialhosts");
                return Main.USAGE;
            }
            SerialPush.Destination destination = new SerialPush.Destination(to.host(), to.port(),
                    qmtp ? SerialPush.Protocol.QMTP : SerialPush.Protocol.SMTP);
            SerialPush.Result r = new SerialPush(home, control, Clock.systemUTC()).push(listed.get(), destination);
            r.lines().forEach(System.out::println);
            System.out.println(r.sent() + " sent, " + r.bounced() + " bounced, " + r.kept() + " kept");
            return r.kept() == 0 ? 0 : Main.TEMPORARY;
        } catch (IOException e) {
            System.err.println("serialsmtp: " + e.getMessage());
            return Main.TEMPORARY;
        }
    }
}
