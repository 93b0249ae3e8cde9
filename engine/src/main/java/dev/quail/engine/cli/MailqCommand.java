package dev.quail.engine.cli;

import dev.quail.engine.Home;
import dev.quail.engine.Main;
import dev.quail.engine.compat.Mailq;
import java.io.IOException;
import java.time.ZoneId;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code quail mailq} (bin/mailq, {@code sendmail -bp}): the queue as Postfix's mailq prints it, asked of the running
 * server as {@code qread --json} is. Exit 111 when the server cannot answer, as qmail's tools do.
 */
@Command(name = "mailq", description = "List the queue as Postfix's mailq does (sendmail -bp).")
public final class MailqCommand implements Callable<Integer> {
    @Mixin
    HomeOption homeOption;

    @Override
    public Integer call() {
        return print(homeOption.home());
    }

    static int print(Home home) {
        Optional<String> answer = AdminClient.ask(home, "qread --json");
        if (answer.isEmpty()) return Main.TEMPORARY;
        if (!answer.get().startsWith("+")) return AdminClient.refused(answer.get());
        try {
            System.out.print(Mailq.format(Mailq.parse(answer.get().substring(1)), ZoneId.systemDefault()));
            return 0;
        } catch (IOException e) {
            System.err.println("mailq: " + e.getMessage());
            return Main.TEMPORARY;
        }
    }
}
