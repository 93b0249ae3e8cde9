/*
 * qmail-local in Quail (QMAIL-REFERENCE §6, §7, LSPAWN-01/03): real homes, real .qmail files, real programs run by
 * /bin/sh, real Maildirs and mbox files. Only the queue behind the Injector is a small stand-in actor that records
 * what a forward submitted and answers as the journal would, and bodies are in a heap store cut into real chunks.
 */
package dev.quail.engine.local;


import dev.quail.engine.Controls;
import dev.quail.engine.Home;
import dev.quail.engine.MemoryBodies;
import dev.quail.engine.QueueLines;
import dev.quail.engine.delivery.Delivery;
import dev.quail.engine.delivery.Injector;
import dev.quail.engine.delivery.MessageBody;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.delivery.QuailPrograms;
import dev.quail.engine.queue.Ids;
import dev.quail.engine.queue.Queue;
import dev.quail.engine.queue.QueueInjector;
import dev.quail.engine.queue.Submitter;
import dev.quail.persistence.body.BodyStore;
import dev.quail.persistence.maildir.Maildir;
import dev.quail.persistence.maildir.MaildirWriter;
import dev.quail.protocols.smtp.QueueResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalDeliveryTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final String MESSAGE = "Received: from x\nSubject: hi\n\nFrom the body\nbye\n";

    @TempDir
    Path root;

    private Path joe;
    private final List<Queue.Submit> submitted = new CopyOnWriteArrayList<>();
    private final AtomicReference<QueueResult> answer = new AtomicReference<>(new QueueResult.Queued("F1"));
    private final MemoryBodies store = new MemoryBodies();
    private Injector injector;
    private LocalDelivery delivery;

    @AfterAll
    static void stopKit() {
        KIT.shutdownTestKit();
    }

    @BeforeEach
    void setUp() throws IOException {
        joe = Files.createDirectories(root.resolve("mailboxes/example.com/joe"));
        Maildir.make(joe.resolve("Maildir"));
        Files.createDirectories(root.resolve("control"));
        Files.writeString(root.resolve("control/me"), "example.com\n");
        Files.createDirectories(root.resolve("users"));
        Files.writeString(root.resolve("users/assign"), "=joe:joe:1:1:" + joe + ":::\n+joe-:joe:1:1:" + joe + ":-::\n.\n");
        var queue = KIT.spawn(Behaviors.receive(Queue.Command.class)
                .onMessage(Queue.Submit.class, s -> {
                    submitted.add(s);
                    s.replyTo().tell(answer.get());
                    return Behaviors.same();
                }).build());
        injector = new QueueInjector(new Submitter(queue, KIT.scheduler(), Ids.open(root.resolve("ids"), "")::next), store);
        delivery = new LocalDelivery(new Controls(new Home(root)), new MaildirWriter("test.host"), injector, store);
    }

    /** Sets a control file and reads control/ again. */
    private void control(String name, String value) throws IOException {
        Files.writeString(root.resolve("control").resolve(name), value + "\n");
        delivery = new LocalDelivery(new Controls(new Home(root)), new MaildirWriter("test.host"), injector, store);
    }

    private Outcome deliver(String address, String sender, String message) {
        return deliver(address, sender, store.put("msg-M1", message.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private Outcome deliver(String address, String sender, MessageBody body) {
        return delivery.deliver(new Delivery("M1", 0, sender, address, body, null));
    }

    /** What a forward stored for the queue. */
    /** A forward's body below its qmail-queue line (QQ-02), which says the server's uid. */
    private String forwarded(Queue.Submit submit) throws IOException {
        return QueueLines.after(new String(store.read(Submitter.owner(submit.id()), submit.body()),
                StandardCharsets.ISO_8859_1), submit.id(), "invoked by uid \\d+");
    }

    private Outcome deliver(String address) {
        return deliver(address, "a@b.c", MESSAGE);
    }

    private Path dotQmail(String name, String text) throws IOException {
        Path f = Files.writeString(joe.resolve(name), text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        return f;
    }

    private static List<String> maildir(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("new"))) {
            return files.sorted().map(f -> {
                try {
                    return Files.readString(f, StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }

    /** serialmail: a serialhosts domain's mail is kept in serialmail/DOMAIN/ with the envelope lines on top. */
    @Test
    void serialhostsMailIsKeptInTheDomainsMaildirWhateverTheLocalPart() throws IOException {
        control("serialhosts", "dialup.example");
        assertEquals(new Outcome.Success("did 1+0+0\n"), deliver("anyone@Dialup.Example"));
        assertEquals(new Outcome.Success("did 1+0+0\n"), deliver("other@dialup.example"));
        assertEquals(List.of("Return-Path: <a@b.c>\nDelivered-To: anyone@Dialup.Example\n" + MESSAGE,
                "Return-Path: <a@b.c>\nDelivered-To: other@dialup.example\n" + MESSAGE).stream().sorted().toList(),
                maildir(root.resolve("serialmail/dialup.example")).stream().sorted().toList());
    }

    @Test
    void dq12NoDotQmailDeliversToTheDefaultMaildir() throws IOException {
        Outcome o = deliver("joe@example.com");
        assertEquals(new Outcome.Success("did 1+0+0\n"), o);
        assertEquals(List.of("Return-Path: <a@b.c>\nDelivered-To: joe@example.com\n" + MESSAGE), maildir(joe.resolve("Maildir")));
    }

    @Test
    void dq12AnEmptyDotQmailIsTheDefaultToo() throws IOException {
        dotQmail(".qmail", "");
        assertEquals(new Outcome.Success("did 1+0+0\n"), deliver("joe@example.com"));
    }

    @Test
    void dq23AnExtensionWithoutAFileIsNoMailbox() {
        assertEquals(new Outcome.Failure("Sorry, no mailbox here by that name. (#5.1.1)\n"), deliver("joe-nope@example.com"));
    }

    @Test
    void dq21TheMostSpecificDefaultFileServesAnExtension() throws IOException {
        Files.createDirectories(joe.resolve("list"));
        Maildir.make(joe.resolve("list/md"));
        Maildir.make(joe.resolve("other"));
        dotQmail(".qmail-list-default", "./list/md/\n");
        dotQmail(".qmail-default", "./other/\n");
        assertTrue(deliver("joe-List-Bob@example.com") instanceof Outcome.Success);
        assertEquals(1, maildir(joe.resolve("list/md")).size());
        assertTrue(maildir(joe.resolve("list/md")).get(0).contains("Delivered-To: joe-List-Bob@example.com\n"));
        assertEquals(0, maildir(joe.resolve("other")).size());
    }

    @Test
    void dq30ListDeliversMaildirProgramAndOneForwardMessageLast() throws IOException {
        dotQmail(".qmail-list", "# the list\n./Maildir/\n&bob@far.example\n|cat > prog.out; echo program ran\n"
                + "carol@far.example\n");
        Outcome o = deliver("joe-list@example.com");
        assertEquals(new Outcome.Success("program ran\ndid 1+2+1\nqp F1\n"), o);
        assertEquals(1, maildir(joe.resolve("Maildir")).size());
        assertEquals(MESSAGE, Files.readString(joe.resolve("prog.out")), "DQ-32: stdin is the message as queued");
        assertEquals(1, submitted.size());
        Queue.Submit forward = submitted.get(0);
        assertEquals(List.of("bob@far.example", "carol@far.example"), forward.recipients());
        assertEquals("a@b.c", forward.sender());
        assertEquals("Delivered-To: joe-list@example.com\n" + MESSAGE,
                forwarded(forward), "DQ-34");
    }

    @Test
    void dq30AFailureBeforeTheEndSendsNoForward() throws IOException {
        dotQmail(".qmail-list", "&bob@far.example\n|exit 111\n");
        assertInstanceOf(Outcome.Deferral.class, deliver("joe-list@example.com"));
        assertEquals(List.of(), submitted);
    }

    @ParameterizedTest(name = "DQ-31 exit {0} ⇒ {1}")
    @CsvSource({"0, Success", "99, Success", "100, Failure", "64, Failure", "112, Failure", "111, Deferral",
            "1, Deferral", "75, Deferral"})
    void dq31ProgramExitCodes(int code, String kind) throws IOException {
        dotQmail(".qmail-p", "|echo out; exit " + code + "\n");
        Outcome o = deliver("joe-p@example.com");
        assertEquals(kind, o.getClass().getSimpleName());
        assertTrue(o.report().startsWith("out\n"), o.report());
    }

    @Test
    void dq31Exit99SkipsTheRestButForwardsCollectedAboveStillGo() throws IOException {
        dotQmail(".qmail-p", "&bob@far.example\n|exit 99\n./Maildir/\n&carol@far.example\n");
        assertEquals(new Outcome.Success("did 0+1+1\nqp F1\n"), deliver("joe-p@example.com"));
        assertEquals(List.of("bob@far.example"), submitted.get(0).recipients());
        assertEquals(0, maildir(joe.resolve("Maildir")).size());
    }

    @Test
    void dq32TheProgramRunsInTheHomeWithQmailsEnvironment() throws IOException {
        dotQmail(".qmail-list-default", "|env > env.out; pwd > pwd.out\n");
        dotQmail(".qmail-list-bob-owner", "./Maildir/\n");
        assertInstanceOf(Outcome.Success.class, deliver("joe-list-Bob@example.com", "x@y.z", MESSAGE));
        Map<String, String> env = Files.readAllLines(joe.resolve("env.out")).stream().filter(l -> l.contains("="))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1),
                        (a, b) -> a));
        assertEquals("x@y.z", env.get("SENDER"));
        assertEquals("joe-list-Bob-owner@example.com", env.get("NEWSENDER"));
        assertEquals("joe-list-Bob@example.com", env.get("RECIPIENT"));
        assertEquals("joe", env.get("USER"));
        assertEquals(joe.toString(), env.get("HOME"));
        assertEquals("example.com", env.get("HOST"));
        assertEquals("joe-list-Bob", env.get("LOCAL"));
        assertEquals("list-Bob", env.get("EXT"));
        assertEquals("Bob", env.get("EXT2"));
        assertEquals("example", env.get("HOST2"));
        assertEquals("Bob", env.get("DEFAULT"));
        assertEquals("Delivered-To: joe-list-Bob@example.com", env.get("DTLINE"));
        assertEquals("Return-Path: <x@y.z>", env.get("RPLINE"));
        assertTrue(env.get("UFLINE").startsWith("From x@y.z "), env.get("UFLINE"));
        assertEquals(joe.toRealPath().toString(), Files.readString(joe.resolve("pwd.out")).strip());
    }

    @Test
    void dq33ForwardsFromAListWithOwnerFilesUseTheVerpOwnerSender() throws IOException {
        dotQmail(".qmail-list", "&bob@far.example\n");
        dotQmail(".qmail-list-owner", "&joe@example.com\n");
        dotQmail(".qmail-list-owner-default", "&joe@example.com\n");
        deliver("joe-list@example.com");
        assertEquals("joe-list-owner-@example.com-@[]", submitted.get(0).sender());
    }

    @Test
    void dq34QueueAnswersDecideTheOutcome() throws IOException {
        dotQmail(".qmail-f", "&bob@far.example\n");
        answer.set(new QueueResult.Permanent("5.3.4 too big (#5.3.4)"));
        assertEquals(new Outcome.Failure("Unable to forward message: 5.3.4 too big (#5.3.4).\n"), deliver("joe-f@example.com"));
        answer.set(new QueueResult.Temporary("4.3.0 qq write error (#4.3.0)"));
        assertInstanceOf(Outcome.Deferral.class, deliver("joe-f@example.com"));
    }

    @Test
    void dq02ALoopIsAPermanentFailure() {
        Outcome o = deliver("joe@example.com", "a@b.c", "Delivered-To: joe@example.com\n" + MESSAGE);
        assertEquals(new Outcome.Failure(
                "This message is looping: it already has my Delivered-To line. (#5.4.6)\n"), o);
    }

    @Test
    void x05TheLoopCheckIsExactAndStopsAtTheBody() {
        assertInstanceOf(Outcome.Success.class,
                deliver("joe@example.com", "a@b.c", "Delivered-To: JOE@example.com\n" + MESSAGE));
        assertInstanceOf(Outcome.Success.class,
                deliver("joe@example.com", "a@b.c", "Subject: x\n\nDelivered-To: joe@example.com\n"));
    }

    @Test
    void hopRule99HopsPass100Fail() {
        assertInstanceOf(Outcome.Success.class, deliver("joe@example.com", "a@b.c", hops(99)));
        assertEquals(new Outcome.Failure("This message is looping: too many hops. (#5.4.6)\n"),
                deliver("joe@example.com", "a@b.c", hops(100)));
    }

    private static String hops(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) b.append(i % 2 == 0 ? "Received: from h" + i + "\n" : "delivered-to: x" + i + "@y\n");
        return b + "Subject: hops\n\nbody\n";
    }

    @Test
    void dq01AWorldWritableOrStickyHomeDefers() throws IOException {
        Files.setPosixFilePermissions(joe, PosixFilePermissions.fromString("rwxr-xrwx"));
        assertEquals(new Outcome.Deferral("Uh-oh: home directory is writable. (#4.7.0)\n"), deliver("joe@example.com"));
        Files.setPosixFilePermissions(joe, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setAttribute(joe, "unix:mode", 01755);
        assertEquals(new Outcome.Deferral("Home directory is sticky: user is editing his .qmail file. (#4.2.1)\n"),
                deliver("joe@example.com"));
        Files.setAttribute(joe, "unix:mode", 0755);
        assertInstanceOf(Outcome.Success.class, deliver("joe@example.com"));
    }

    @Test
    void aHomeThatIsMissingOrNotADirectoryDefers() throws IOException {
        Path moved = joe.resolveSibling("joe.away");
        Files.move(joe, moved);
        assertEquals(new Outcome.Deferral("Unable to switch to " + joe + ": file does not exist. (#4.3.0)\n"),
                deliver("joe@example.com"));
        Files.writeString(joe, "not a directory");
        assertEquals(new Outcome.Deferral("Unable to switch to " + joe + ": file does not exist. (#4.3.0)\n"),
                deliver("joe@example.com"));
    }

    @Test
    void dq03ADotQmailThatIsNotARegularFileIsPassedOver() throws IOException {
        Files.createDirectory(joe.resolve(".qmail"));
        assertInstanceOf(Outcome.Success.class, deliver("joe@example.com"));
        assertEquals(1, maildir(joe.resolve("Maildir")).size());
    }

    @Test
    void dq03AWorldWritableDotQmailDefers() throws IOException {
        Path f = dotQmail(".qmail", "./Maildir/\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals(new Outcome.Deferral("Uh-oh: .qmail file is writable. (#4.7.0)\n"), deliver("joe@example.com"));
    }

    @Test
    void dq04TheExecuteBitAllowsOnlyForwards() throws IOException {
        Path f = dotQmail(".qmail-x", "&bob@far.example\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr--r--"));
        assertInstanceOf(Outcome.Success.class, deliver("joe-x@example.com"));
        Files.writeString(f, "./Maildir/\n");
        assertEquals(new Outcome.Deferral("Uh-oh: .qmail has file delivery but has x bit set. (#4.7.0)\n"),
                deliver("joe-x@example.com"));
        dotQmail(".qmail-y", "+list\n|true\n");
        assertEquals(new Outcome.Deferral("Uh-oh: .qmail has prog delivery but has x bit set. (#4.7.0)\n"),
                deliver("joe-y@example.com"));
    }

    @Test
    void dq10ABlankFirstLineDefers() throws IOException {
        dotQmail(".qmail", "\n./Maildir/\n");
        assertEquals(new Outcome.Deferral("Uh-oh: first line of .qmail file is blank. (#4.2.1)\n"),
                deliver("joe@example.com"));
    }

    @Test
    void mbox01to03AnMboxLineAppendsAnEntry() throws IOException {
        dotQmail(".qmail-m", "./Mailbox\n");
        assertEquals(new Outcome.Success("did 1+0+0\n"), deliver("joe-m@example.com"));
        String mbox = Files.readString(joe.resolve("Mailbox"));
        assertTrue(mbox.startsWith("From a@b.c "), mbox);
        assertTrue(mbox.endsWith("\nReturn-Path: <a@b.c>\nDelivered-To: joe-m@example.com\n"
                + "Received: from x\nSubject: hi\n\n>From the body\nbye\n\n"), mbox);
        dotQmail(".qmail-n", "./no/such/dir/Mailbox\n");
        assertEquals(new Outcome.Deferral("Unable to open ./no/such/dir/Mailbox: file does not exist. (#4.2.1)\n"),
                deliver("joe-n@example.com"));
    }

    @Test
    void md01AMissingMaildirDefers() throws IOException {
        dotQmail(".qmail-d", "./nowhere/\n");
        assertEquals(new Outcome.Deferral("Unable to chdir to maildir. (#4.2.1)\n"), deliver("joe-d@example.com"));
    }

    @ParameterizedTest(name = "LSPAWN-03 a report of {0} bytes is {1} bytes long")
    @CsvSource({"3000, 3000", "3001, 2997", "100000, 2997"})
    void lspawn03ALongReportIsCut(int bytes, int reported) throws IOException {
        dotQmail(".qmail-long", "|head -c " + bytes + " /dev/zero | tr '\\\\0' x; exit 100\n");
        Outcome o = deliver("joe-long@example.com");
        assertInstanceOf(Outcome.Failure.class, o);
        assertEquals(reported, o.report().length());
        assertEquals(bytes > Report.LIMIT, o.report().endsWith("\nError report too long, sorry.\n"));
    }

    @Test
    void dq24UnknownLocalPartsGoToTheAliasHome() throws IOException {
        assertEquals(new Outcome.Failure("Sorry, no mailbox here by that name. (#5.1.1)\n"), deliver("root@example.com"));
        Path alias = Files.createDirectories(root.resolve("alias"));
        Files.writeString(alias.resolve(".qmail-root"), "&joe@example.com\n");
        assertEquals(new Outcome.Success("did 0+1+0\nqp F1\n"), deliver("Root@example.com"));
        assertEquals(List.of("joe@example.com"), submitted.get(0).recipients());
        assertEquals(new Outcome.Failure("Sorry, no mailbox here by that name. (#5.1.1)\n"), deliver("other@example.com"));
        Files.writeString(alias.resolve(".qmail-default"), "|echo \"$DEFAULT\" > default.out\n");
        assertInstanceOf(Outcome.Success.class, deliver("Other@example.com"));
        assertEquals("Other\n", Files.readString(alias.resolve("default.out")));
    }

    @Test
    void lspawn01EmptyLocalPartIsTrashedAndAnAddressNeedsAHost() {
        assertInstanceOf(Outcome.Success.class, deliver("@example.com"));
        assertEquals(new Outcome.Failure("Sorry, address must include host name. (#5.1.3)"), deliver("joe"));
        assertFalse(Files.exists(root.resolve("alias")));
    }

    /** Header lines, then a body of several store chunks with a From line and a line of dots. */
    private static String bigMessage(String header) {
        StringBuilder body = new StringBuilder(header).append("Subject: big\n\nFrom the body\n.\n");
        while (body.length() < 3 * BodyStore.CHUNK + 1000) body.append("line ").append(body.length()).append('\n');
        return body.toString();
    }

    @Test
    void md03Mbox03Dq32Dq34EveryInstructionReadsAMessageOfManyChunksWhole() throws IOException {
        String message = bigMessage("Received: from x\n");
        dotQmail(".qmail-all", "./Maildir/\n./Mailbox\n|cat > prog.out\n&bob@far.example\n");
        assertEquals(new Outcome.Success("did 2+1+1\nqp F1\n"), deliver("joe-all@example.com", "a@b.c", message));
        String lines = "Return-Path: <a@b.c>\nDelivered-To: joe-all@example.com\n";
        assertEquals(List.of(lines + message), maildir(joe.resolve("Maildir")));
        String mbox = Files.readString(joe.resolve("Mailbox"), StandardCharsets.ISO_8859_1);
        assertTrue(mbox.endsWith(lines + message.replace("\nFrom the body", "\n>From the body") + "\n"));
        assertEquals(message, Files.readString(joe.resolve("prog.out"), StandardCharsets.ISO_8859_1));
        assertEquals("Delivered-To: joe-all@example.com\n" + message,
                forwarded(submitted.get(0)));
        assertEquals(0, store.openStreams(), "every stream from the store is closed");
    }

    @Test
    void aMessageTheStoreCannotGiveIsATemporaryFailureWhateverTheInstruction() throws IOException {
        MessageBody damaged = store.put("msg-M2", bigMessage("").getBytes(StandardCharsets.ISO_8859_1));
        store.lose("msg-M2", 2);
        Outcome unreadable = new Outcome.Deferral("Unable to read message. (#4.3.0)\n");
        assertEquals(unreadable, deliver("joe@example.com", "a@b.c", damaged));
        assertEquals(List.of(), maildir(joe.resolve("Maildir")));
        try (Stream<Path> tmp = Files.list(joe.resolve("Maildir/tmp"))) {
            assertEquals(0, tmp.count());
        }
        dotQmail(".qmail-m", "./Mailbox\n");
        assertEquals(unreadable, deliver("joe-m@example.com", "a@b.c", damaged));
        assertEquals(0, Files.size(joe.resolve("Mailbox")), "MBOX-04: taken back out");
        dotQmail(".qmail-p", "|cat > /dev/null\n");
        assertEquals(unreadable, deliver("joe-p@example.com", "a@b.c", damaged), "exit 0 on a message cut short");
        assertEquals(0, store.openStreams());
    }

    @Test
    void dq02TheLoopCheckReadsAHeaderOfAnySizeAndMaxhopsIsASetting() throws IOException {
        String longHeader = "X-Filler: " + "x".repeat(70) + "\n";
        String header = longHeader.repeat(5000) + "Delivered-To: joe@example.com\n";
        assertEquals(new Outcome.Failure("This message is looping: it already has my Delivered-To line. (#5.4.6)\n"),
                deliver("joe@example.com", "a@b.c", bigMessage(header)));
        control("maxhops", "5");
        assertInstanceOf(Outcome.Success.class, deliver("joe@example.com", "a@b.c", hops(4)));
        assertEquals(new Outcome.Failure("This message is looping: too many hops. (#5.4.6)\n"),
                deliver("joe@example.com", "a@b.c", hops(5)));
    }

    @Test
    void aProgramThatHangsIsKilledWithWhatItStartedAtTimeoutprogram() throws Exception {
        control("timeoutprogram", "2");
        dotQmail(".qmail-hang", "|echo started; sleep 1000 & echo $! > bg.pid; sleep 1000\n");
        long start = System.nanoTime();
        Outcome o = deliver("joe-hang@example.com");
        long took = System.nanoTime() - start;
        // the shell may say "Killed" of its children before it goes itself
        assertInstanceOf(Outcome.Deferral.class, o);
        assertTrue(o.report().startsWith("started\n"), o.report());
        assertTrue(o.report().endsWith("\nProgram timed out after 2 seconds. (#4.3.0)\n"), o.report());
        assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(1900) && took < TimeUnit.SECONDS.toNanos(5),
                "took " + took / 1_000_000 + " ms");
        long background = Long.parseLong(Files.readString(joe.resolve("bg.pid")).strip());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ProcessHandle.of(background).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(ProcessHandle.of(background).map(ProcessHandle::isAlive).orElse(false), "the background sleep");
    }

    @Test
    void aProgramThatExitsWhileItsChildKeepsTheOutputOpenIsDoneWhenItExits() throws IOException {
        dotQmail(".qmail-daemon", "|sleep 1000 & echo $! > bg.pid\n");
        long start = System.nanoTime();
        try {
            assertEquals(new Outcome.Success("did 0+0+1\n"), deliver("joe-daemon@example.com"));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "not held by the child");
        } finally {
            long child = Long.parseLong(Files.readString(joe.resolve("bg.pid")).strip());
            ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Programs find Quail's bin/ helpers first on their PATH, and where to queue (QUAIL_HOME). */
    @Test
    void programsGetQuailsBinFirstOnTheirPathAndTheHome() {
        Map<String, String> env = QuailPrograms.environment(Path.of("/srv/quail"),
                Map.of("PATH", "/usr/bin:/bin", "QUAIL_BIN", "/opt/quail/bin"));
        assertEquals("/opt/quail/bin:/usr/bin:/bin", env.get("PATH"));
        assertEquals("/srv/quail", env.get("QUAIL_HOME"));
        assertEquals("/usr/bin:/bin", QuailPrograms.environment(Path.of("/h"), Map.of("PATH", "/usr/bin:/bin"))
                .get("PATH"), "without the launcher's QUAIL_BIN the PATH is left alone");
    }
}
