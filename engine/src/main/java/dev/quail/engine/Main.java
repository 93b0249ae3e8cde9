package dev.quail.engine;

import dev.quail.engine.cli.AdminAccountCommand;
import dev.quail.engine.cli.AdminCommands;
import dev.quail.engine.cli.AnalogCommand;
import dev.quail.engine.cli.ConfigFastCommand;
import dev.quail.engine.cli.DkimCommand;
import dev.quail.engine.cli.DotQmailHelpers;
import dev.quail.engine.cli.InjectCommand;
import dev.quail.engine.cli.ListCommand;
import dev.quail.engine.cli.LocalCommand;
import dev.quail.engine.cli.Maildir2MboxCommand;
import dev.quail.engine.cli.MaildirMakeCommand;
import dev.quail.engine.cli.MaildirWatchCommand;
import dev.quail.engine.cli.MailqCommand;
import dev.quail.engine.cli.MailsubjCommand;
import dev.quail.engine.cli.QmailQueueCommand;
import dev.quail.engine.cli.QmqpcCommand;
import dev.quail.engine.cli.SendmailCommand;
import dev.quail.engine.cli.SerialSmtpCommand;
import dev.quail.engine.cli.ShowCtlCommand;
import dev.quail.engine.cli.SiteCommands;
import dev.quail.engine.cli.StartCommand;
import dev.quail.engine.cli.UserCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code quail}: one launcher for every role, as qmail's programs are one package. Usage errors exit 100 and
 * temporary trouble 111, qmail's convention, so scripts written for qmail read the outcome the same way.
 */
@Command(name = "quail", mixinStandardHelpOptions = true, version = "quail 0.1.0",
        description = "qmail's mail transfer agent, rebuilt on Apache Pekko.",
        subcommands = {StartCommand.class, ConfigFastCommand.class, UserCommand.class, AdminAccountCommand.class,
                InjectCommand.class,
                SendmailCommand.class, AdminCommands.Qstat.class, AdminCommands.Qread.class, AdminCommands.Qshape.class,
                AdminCommands.Flush.class, AdminCommands.Tcpto.class, AdminCommands.Tcpok.class,
                AdminCommands.Reload.class, AdminCommands.QueueEdit.class, SiteCommands.Suspend.class,
                SiteCommands.Resume.class, SiteCommands.Sites.class,
                MaildirMakeCommand.class, Maildir2MboxCommand.class, MaildirWatchCommand.class,
                MailsubjCommand.class, ShowCtlCommand.class,
                QmailQueueCommand.class, DotQmailHelpers.Bouncesaying.class, DotQmailHelpers.Condredirect.class,
                DotQmailHelpers.Except.class, DotQmailHelpers.Forward.class, DotQmailHelpers.Preline.class,
                DotQmailHelpers.Predate.class, DotQmailHelpers.Qreceipt.class, DotQmailHelpers.Autorespond.class,
                AnalogCommand.class, LocalCommand.class, MailqCommand.class, QmqpcCommand.class, DkimCommand.class,
                SerialSmtpCommand.class, ListCommand.class})
public final class Main implements Runnable {
    public static final int USAGE = 100;
    public static final int TEMPORARY = 111;

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main())
                .setParameterExceptionHandler((e, a) -> {
                    e.getCommandLine().getErr().println("quail: usage: " + e.getMessage());
                    e.getCommandLine().usage(e.getCommandLine().getErr());
                    return USAGE;
                })
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println(cmd.getCommandName() + ": fatal: " + e.getMessage());
                    return TEMPORARY;
                });
        System.exit(cli.execute(args));
    }
}
