package dev.quail.engine.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qmail-local -n (LOCAL-01, X-03): which .qmail file serves an address and what it says, with qmail-local's checks. */
class LocalPreviewTest {
    @TempDir
    Path root;

    Path joe;

    @BeforeEach
    void home() throws IOException {
        Files.createDirectories(root.resolve("control"));
        Files.writeString(root.resolve("control/me"), "here.org\n");
        Files.writeString(root.resolve("control/locals"), "here.org\n");
        Files.writeString(root.resolve("control/virtualdomains"), "virt.org:joe\n");
        joe = Files.createDirectories(root.resolve("mailboxes/joe"));
        Files.createDirectories(root.resolve("users"));
        Files.writeString(root.resolve("users/assign"), "=joe:joe:1:1:" + joe + ":::\n+joe-:joe:1:1:" + joe + ":-::\n.\n");
    }

    private LocalPreview.Result preview(String address) throws IOException {
        return LocalPreview.forAddress(root, address);
    }

    private Path write(String name, String text, String mode) throws IOException {
        Path file = Files.writeString(joe.resolve(name), text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void eachInstructionInQmailLocalsWords() throws IOException {
        write(".qmail-list", "# members\n./Maildir/\n./mbox\n&ann@x.org\nbob@y.org\n|preline procmail\n", "rw-r--r--");
        assertEquals(new LocalPreview.Result(List.of("recipient joe-list@here.org", "user joe", "home " + joe,
                "file .qmail-list", "maildir ./Maildir/", "mbox ./mbox", "forward ann@x.org", "forward bob@y.org",
                "program preline procmail"), 0, ""), preview("joe-list@here.org"));
    }

    @Test
    void defaultFilesDefaultDeliveryVirtualDomainsAndRemoteAddresses() throws IOException {
        write(".qmail-list-default", "|cat\n", "rw-r--r--");
        assertEquals(List.of("recipient joe-list-Anne@here.org", "user joe", "home " + joe, "file .qmail-list-default",
                "DEFAULT Anne", "program cat"), preview("joe-list-Anne@here.org").lines());
        assertEquals(List.of("recipient joe@here.org", "user joe", "home " + joe, "defaultdelivery",
                "maildir ./Maildir/"), preview("joe@here.org").lines());
        write(".qmail-box", "./Maildir/\n", "rw-r--r--");
        assertEquals("recipient joe-box@virt.org", preview("box@virt.org").lines().get(0));
        assertEquals("file .qmail-box", preview("box@virt.org").lines().get(3));
        assertEquals(List.of("recipient ann@x.org", "remote ann@x.org"), preview("ann@x.org").lines());
    }

    @Test
    void noMailboxIsPermanentAndTheAliasMailboxTakesTheRest() throws IOException {
        LocalPreview.Result none = preview("joe-nothing@here.org");
        assertEquals(100, none.exit());
        assertEquals("Sorry, no mailbox here by that name. (#5.1.1)", none.error());
        assertEquals(100, preview("nobody@here.org").exit());
        Path alias = Files.createDirectories(root.resolve("alias"));
        Files.writeString(alias.resolve(".qmail-postmaster"), "joe@here.org\n");
        assertEquals(List.of("recipient postmaster@here.org", "user alias", "home " + alias,
                "file .qmail-postmaster", "forward joe@here.org"), preview("postmaster@here.org").lines());
    }

    @Test
    void qmailLocalsChecksWithTheirExitCodes() throws IOException {
        write(".qmail-w", "./Maildir/\n", "rw-rw-rw-");
        assertEquals(new LocalPreview.Result(List.of("recipient joe-w@here.org", "user joe", "home " + joe), 111,
                "Uh-oh: .qmail file is writable. (#4.7.0)"), preview("joe-w@here.org"));
        write(".qmail-x", "&ann@x.org\n|cat\n", "rwxr--r--");
        LocalPreview.Result x = preview("joe-x@here.org");
        assertEquals(111, x.exit());
        assertEquals("Uh-oh: .qmail has prog delivery but has x bit set. (#4.7.0)", x.error());
        assertEquals("forward ann@x.org", x.lines().get(x.lines().size() - 1));
        write(".qmail-blank", "\n./Maildir/\n", "rw-r--r--");
        assertEquals(111, preview("joe-blank@here.org").exit());
        Files.setPosixFilePermissions(joe, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setAttribute(joe, "unix:mode", 01755);
        assertEquals("warning: home directory is sticky: a .qmail file is being edited",
                preview("joe@here.org").lines().get(3));
    }

    @Test
    void qmailLocalsOwnArgumentsTestADotQmailAnywhere() throws IOException {
        write(".qmail", "", "rw-r--r--");
        assertEquals(List.of("user joe", "home " + joe, "file .qmail", "defaultdelivery", "mbox ./Mailbox"),
                LocalPreview.forQmailLocal("joe", joe, "", "", "./Mailbox\n").lines());
    }
}
