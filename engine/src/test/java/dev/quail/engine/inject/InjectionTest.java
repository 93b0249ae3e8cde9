/*
 * qmail-inject's rewriting (HDR-01..04, INJ-03, INJ-04, VERP-04), one row per rule: the envelope and header
 * addresses, the environment's masquerading and host hiding, and the QMAILINJECT letters.
 */
package dev.quail.engine.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.config.Control;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InjectionTest {
    private static final AddressRewriting RW =
            new AddressRewriting("host.example.com", "example.com", "plus.example", Set.of("localhost"));

    @TempDir
    Path dir;

    private Control control;

    @BeforeEach
    void controls() throws IOException {
        Path c = Files.createDirectories(dir.resolve("control"));
        Files.writeString(c.resolve("me"), "mail.example.com\n");
        Files.writeString(c.resolve("defaulthost"), "example.com\n");
        Files.writeString(c.resolve("defaultdomain"), "example.com\n");
        Files.writeString(c.resolve("plusdomain"), "example.com\n");
        Files.writeString(c.resolve("idhost"), "id.example.com\n");
        Files.writeString(c.resolve("locals"), "localhost\nexample.com\n");
        control = Control.load(dir);
    }

    static Stream<Arguments> envelopes() {
        return Stream.of(
                Arguments.of("HDR-02 a lone box gets @defaulthost", "joe", "joe@host.example.com"),
                Arguments.of("HDR-02 a dotless host gets .defaultdomain", "joe@box", "joe@box.example.com"),
                Arguments.of("HDR-02 a host ending in + gets plusdomain", "joe@box+", "joe@box.plus.example"),
                Arguments.of("HDR-02 ... also after a dot", "joe@box.sub+", "joe@box.sub.plus.example"),
                Arguments.of("HDR-02 a dotted host is kept", "joe@a.example.org", "joe@a.example.org"),
                Arguments.of("HDR-02 case is kept", "Joe@Box", "Joe@Box.example.com"),
                Arguments.of("HDR-02 <> is left alone", "", ""),
                Arguments.of("HDR-02 x@[] is left alone", "#@[]", "#@[]"),
                Arguments.of("HDR-02 a literal is not a dotless host", "joe@[10.0.0.1]", "joe@[10.0.0.1]"),
                Arguments.of("HDR-02 a trailing dot is dropped", "joe@a.example.", "joe@a.example"),
                Arguments.of("HDR-02 a trailing @ is dropped", "joe@", "joe@host.example.com"),
                Arguments.of("ADDR-03 an argument is quoted before parsing: no route there", "@a.b:joe@e.example",
                        "@a.b:joe@e.example"),
                Arguments.of("ADDR-03 a quoted local part is unquoted for the envelope", "joe smith@box",
                        "joe smith@box.example.com"),
                Arguments.of("Quail: a dotless local domain is kept", "joe@localhost", "joe@localhost"),
                Arguments.of("Quail: ... case-insensitively", "joe@LocalHost", "joe@LocalHost"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("envelopes")
    void envelope(String rule, String address, String rewritten) {
        assertEquals(rewritten, RW.envelope(address));
    }

    static Stream<Arguments> fields() {
        return Stream.of(
                Arguments.of("HDR-02 name-addr: only the address changes", " Joe Smith <joe>",
                        " Joe Smith <joe@host.example.com>", List.of("joe@host.example.com")),
                Arguments.of("HDR-02 comments and spacing stay", " joe@box (Joe)", " joe@box.example.com (Joe)",
                        List.of("joe@box.example.com")),
                Arguments.of("HDR-02 every address of a list", " a, \"B\" <b@x+>,\n\tc@d.example",
                        " a@host.example.com, \"B\" <b@x.plus.example>,\n\tc@d.example",
                        List.of("a@host.example.com", "b@x.plus.example", "c@d.example")),
                Arguments.of("HDR-02 illegal space-separated lists get commas", " joe fred@x.example",
                        " joe@host.example.com, fred@x.example", List.of("joe@host.example.com", "fred@x.example")),
                Arguments.of("HDR-02 <> stays", " <>", " <>", List.of()),
                Arguments.of("HDR-04 an empty group is kept", " recipient list not shown: ;",
                        " recipient list not shown: ;", List.of()),
                Arguments.of("HDR-02 group members are rewritten", " friends: a, b@c.example;",
                        " friends: a@host.example.com, b@c.example;", List.of("a@host.example.com", "b@c.example")),
                Arguments.of("HDR-02 a quoted local part stays quoted in the header", " \"j s\"@box",
                        " \"j s\"@box.example.com", List.of("j s@box.example.com")),
                Arguments.of("ADDR-04 a route inside <> is dropped", " <@r.example:joe@x.example>", " <joe@x.example>",
                        List.of("joe@x.example")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fields")
    void field(String rule, String value, String rewritten, List<String> addresses) {
        AddressRewriting.Field f = RW.field(value);
        assertEquals(rewritten, f.value());
        assertEquals(addresses, f.addresses());
    }

    @Test
    void hdr02AnUnterminatedQuoteIsUnparsable() {
        assertThrows(IllegalArgumentException.class, () -> RW.field(" \"joe@x"));
    }

    private Injection.Result inject(String message, Map<String, String> env, List<String> args, String sender) {
        return new Injection(control, env).prepare(message.getBytes(StandardCharsets.ISO_8859_1),
                Injection.Mode.ARGS_ELSE_HEADER, args, sender, "42");
    }

    private static String text(Injection.Result r) {
        return new String(r.message(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void hdr01RecipientAndSenderFieldsAreRewrittenAndRecipientsComeFromTheHeader() {
        Injection.Result r = inject("From: joe\nTo: Ann <ann@box>, bob\nCc: carol@x+\nBcc: dave\nReply-To: rt@box\n"
                + "X-Other: keep@box\n\nbody joe@box\n", Map.of(), List.of(), null);
        assertEquals(List.of("ann@box.example.com", "bob@example.com", "carol@x.example.com", "dave@example.com"),
                r.recipients());
        String t = text(r);
        assertTrue(t.startsWith("From: joe@example.com\nTo: Ann <ann@box.example.com>, bob@example.com\n"
                + "Cc: carol@x.example.com\nReply-To: rt@box.example.com\nX-Other: keep@box\n"), t);
        assertFalse(t.contains("Bcc"), t);
        assertTrue(t.endsWith("\n\nbody joe@box\n"), t);
    }

    @Test
    void hdr01AnUnparsableRecipientFieldIsKeptAndAnUnparsableSenderFieldRefused() {
        Injection.Result r = inject("To: \"broken\nSubject: x\n\n", Map.of(), List.of("a@b.example"), null);
        assertTrue(text(r).startsWith("To: \"broken\n"));
        assertThrows(IllegalArgumentException.class, () -> inject("From: \"broken\n\n", Map.of(), List.of("a@b.example"),
                null));
    }

    @Test
    void inj03TheDefaultFromAndSenderFollowTheEnvironment() {
        Map<String, String> env = Map.of("USER", "unix", "QMAILUSER", "joe", "QMAILHOST", "box",
                "QMAILNAME", "Joe Smith");
        Injection.Result r = inject("Subject: x\n\n", env, List.of("a@b.example"), null);
        assertEquals("joe@box.example.com", r.sender());
        assertTrue(text(r).contains("\nFrom: Joe Smith <joe@box.example.com>\n"), text(r));
    }

    @Test
    void inj03HostHidingWithQmailSuserAndQmailShost() {
        Map<String, String> env = Map.of("QMAILUSER", "joe", "QMAILHOST", "public.example",
                "QMAILSUSER", "bounces", "QMAILSHOST", "internal.example");
        Injection.Result r = inject("Subject: x\n\n", env, List.of("a@b.example"), null);
        assertEquals("bounces@internal.example", r.sender());
        assertTrue(text(r).contains("\nFrom: joe@public.example\n"), text(r));
    }

    @Test
    void inj03ControlOverridesFromTheEnvironment() {
        Map<String, String> env = Map.of("USER", "joe", "QMAILDEFAULTHOST", "dh.example", "QMAILDEFAULTDOMAIN", "dd.example",
                "QMAILPLUSDOMAIN", "pd.example", "QMAILIDHOST", "ids.example");
        Injection.Result r = inject("To: a, b@box, c@box+\n\n", env, List.of(), null);
        assertEquals(List.of("a@dh.example", "b@box.dd.example", "c@box.pd.example"), r.recipients());
        assertEquals("joe@dh.example", r.sender());
        assertTrue(text(r).contains(".42.quail@ids.example>\n"), text(r));
    }

    @Test
    void inj02TheFirstReturnPathIsTheSenderUnlessDashF() {
        assertEquals("rp@box.example.com",
                inject("Return-Path: <rp@box>\nReturn-Path: <other@x.example>\n\n", Map.of(), List.of("a@b.example"), null)
                        .sender());
        assertEquals("", inject("Return-Path: <>\n\n", Map.of(), List.of("a@b.example"), null).sender());
        assertEquals("f@box.example.com", inject("Return-Path: <rp@box>\n\n", Map.of(), List.of("a@b.example"), "f@box")
                .sender());
    }

    static Stream<Arguments> letters() {
        return Stream.of(
                Arguments.of("INJ-04 s ignores the incoming Return-Path", "s", "joe@example.com", "From: keep@x.example"),
                Arguments.of("INJ-04 f deletes the incoming From", "f", "rp@x.example", "From: Joe <joe@example.com>"),
                Arguments.of("INJ-04 r asks for VERP (VERP-04)", "r", "rp@x.example-@[]", "From: keep@x.example"),
                Arguments.of("INJ-04 c writes the name as a comment", "cf", "rp@x.example", "From: joe@example.com (Joe)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("letters")
    void qmailinject(String rule, String letters, String sender, String from) {
        Injection.Result r = inject("Return-Path: <rp@x.example>\nFrom: keep@x.example\nMessage-ID: <old@x>\n\n",
                Map.of("QMAILINJECT", letters, "USER", "joe", "NAME", "Joe"), List.of("a@b.example"), null);
        assertEquals(sender, r.sender());
        assertTrue(text(r).contains("\n" + from + "\n") || text(r).startsWith(from + "\n"), text(r));
    }

    @Test
    void inj04RAndMMakeTheDefaultSenderAVerpUniqueOne() {
        Injection.Result r = inject("Subject: x\n\n", Map.of("QMAILINJECT", "rm", "USER", "list"), List.of("a@b.example"),
                null);
        assertTrue(r.sender().matches("list-[0-9]+\\.42-@example\\.com-@\\[\\]"), r.sender());
    }

    @Test
    void inj04IDeletesTheIncomingMessageId() {
        Map<String, String> env = new HashMap<>(Map.of("QMAILINJECT", "i"));
        String t = text(inject("Message-ID: <old@x>\n\n", env, List.of("a@b.example"), null));
        assertFalse(t.contains("<old@x>"), t);
        assertTrue(t.contains("Message-ID: <"), t);
    }
}
