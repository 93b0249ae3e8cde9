package dev.quail.engine.cli;

import dev.quail.engine.Main;
import dev.quail.persistence.maildir.Maildir;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code quail maildirmake DIR}: qmail's maildirmake (MDMAKE-01). Creates DIR with tmp/, new/ and cur/, all mode
 * 0700. An existing DIR is never taken over: exit 111, as is any other failure; a missing DIR is a usage error (100).
 */
@Command(name = "maildirmake", description = "Create a maildir: DIR, DIR/tmp, DIR/new, DIR/cur (mode 0700).")
public final class MaildirMakeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR")
    Path dir;

    @Override
    public Integer call() {
        try {
            Maildir.make(dir);
            return 0;
        } catch (IOException e) {
            String why = e instanceof FileAlreadyExistsException ? "file exists"
                    : e instanceof NoSuchFileException ? "file does not exist" : e.getMessage();
            System.err.println("maildirmake: fatal: unable to mkdir " + dir + ": " + why);
            return Main.TEMPORARY;
        }
    }
}
