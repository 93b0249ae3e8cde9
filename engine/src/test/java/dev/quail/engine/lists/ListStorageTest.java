package dev.quail.engine.lists;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EZ-40 subscriber files, list directories and the addresses a list answers to. */
class ListStorageTest {
    @TempDir
    Path home;

    private MailingList create(String name) throws IOException {
        return Lists.of(home).create(ListAddress.parse(name).orElseThrow(), Optional.empty(), false, false);
    }

    @Test
    void subscribersAreEzmlmRecordsInTheIdxBucketAndComparedIgnoringCase() throws IOException {
        MailingList list = create("news@lists.test");
        assertEquals(List.of("Bob@far.test"), list.subscribe(List.of("Bob@far.test", "bob@FAR.test"), "+"));
        assertEquals(List.of(), list.subscribe(List.of("BOB@far.test"), "+"));
        assertTrue(list.subscribers().contains("bob@far.test"));
        // idx's subhash of "Tbob@far.test", by hand: the record sits in the bucket it names, as ezmlm-list reads it.
        long h = 5381;
        for (byte b : "Tbob@far.test".getBytes(StandardCharsets.US_ASCII)) h = ((h * 33) ^ b) & 0xffffffffL;
        Path bucket = list.dir().resolve("subscribers").resolve(String.valueOf((char) ('@' + h % 53)));
        assertEquals("TBob@far.test\0", Files.readString(bucket));
        assertEquals(List.of("Bob@far.test"), list.unsubscribe(List.of("bob@far.test"), "-"));
        assertEquals(0, list.subscribers().count());
    }

    @Test
    void manyMembersAreStreamedAndChangedOneBucketPassAtATime() throws IOException {
        MailingList list = create("big@lists.test");
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 5000; i++) members.add("m" + i + "@d" + (i % 7) + ".test");
        assertEquals(5000, list.subscribe(members, "+").size());
        assertEquals(5000, list.subscribers().count());
        assertEquals(2500, list.unsubscribe(members.subList(0, 2500), "-").size());
        List<String> left = new ArrayList<>();
        list.subscribers().forEach(left::add);
        assertEquals(2500, left.size());
        assertFalse(left.contains("m0@d0.test"));
        assertTrue(left.contains("m4999@d1.test"));
    }

    /** The admin API's pages: together, every member once, in the order `quail list members` prints them. */
    @Test
    void pagesOfMembersCoverTheListInStoredOrder() throws IOException {
        MailingList list = create("big@lists.test");
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 250; i++) members.add("m" + i + "@far.test");
        list.subscribe(members, "+");
        List<String> stored = new ArrayList<>();
        list.subscribers().forEach(stored::add);
        List<String> paged = new ArrayList<>();
        for (long offset = 0; offset < 250; offset += 100) {
            Subscribers.Page page = list.subscribers().page(offset, 100);
            assertEquals(250, page.total());
            paged.addAll(page.members());
        }
        assertEquals(stored, paged);
        assertEquals(new Subscribers.Page(250, List.of()), list.subscribers().page(1000, 100));
    }

    /** ezmlm-sub over a form or standard input: bad addresses refused with why, the rest applied. */
    @Test
    void memberChangesApplyTheGoodAddressesAndNameTheBadOnes() throws IOException {
        MailingList list = create("news@lists.test");
        List<String> refused = new ArrayList<>();
        MemberChanges.Tally tally = MemberChanges.apply(list, true,
                List.of("a@far.test", " ", "<b>", "A@FAR.test", "c@far.test").iterator(),
                (text, why) -> refused.add(text + ": " + why));
        assertEquals(new MemberChanges.Tally(2, 1, 1), tally);
        assertEquals(List.of("<b>: not box@domain"), refused);
        assertEquals("news@lists.test: 2 subscribed, 1 unchanged, 1 refused", tally.describe(list.name(), true));
        assertEquals(List.of("a@far.test", "c@far.test"), MemberChanges.parse(" a@far.test,c@far.test\n"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemberChanges.parse("a@far.test, b c@far.test"));
        assertEquals("not an address: b (not box@domain)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MemberChanges.parse(" , "));
    }

    @Test
    void aBucketLeftHalfWrittenByACrashIsNeverRead() throws IOException {
        MailingList list = create("news@lists.test");
        list.subscribe(List.of("a@far.test"), "+");
        char bucket = Subscribers.bucket("a@far.test");
        Files.writeString(list.dir().resolve("subscribers").resolve(bucket + ".new"), "Ttorn@far"); // no NUL
        assertEquals(1, list.subscribers().count());
        list.subscribe(List.of("a2@far.test"), "+"); // the next writer overwrites it
        assertEquals(2, list.subscribers().count());
    }

    @Test
    void aDamagedBucketIsAnErrorNotAHugeRecord() throws IOException {
        MailingList list = create("news@lists.test");
        Files.writeString(list.dir().resolve("subscribers").resolve("@"), "T" + "x".repeat(5000));
        IOException e = assertThrows(IOException.class, () -> list.subscribers().count());
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
    }

    @Test
    void memberAddressesAreCheckedAtTheEdgeOf400Octets() {
        String local = "a".repeat(400 - "@x.test".length());
        assertTrue(Member.parse(local + "@x.test", new StringBuilder()).isPresent());
        StringBuilder why = new StringBuilder();
        assertFalse(Member.parse("a" + local + "@x.test", why).isPresent());
        assertTrue(why.toString().contains("400"));
        for (String bad : List.of("x", "@x.test", "x@", "a b@x.test", "a\r\n@x.test", "<a@x.test>", "a\0@x.test")) {
            assertFalse(Member.parse(bad, new StringBuilder()).isPresent(), bad);
        }
        assertEquals(Optional.of("Bob@far.test"), Member.parse("Bob@FAR.Test", new StringBuilder()));
    }

    @Test
    void listNamesAreDirectoryNamesSoNothingClimbsOut() {
        for (String bad : List.of("../x@lists.test", "a/b@lists.test", "x@../etc", "x@a_b", "-x@lists.test",
                "x\n@lists.test", "x", "@lists.test")) {
            assertFalse(ListAddress.parse(bad).isPresent(), bad);
        }
        assertEquals("joe-sos@isp.net", ListAddress.parse("Joe-SOS@ISP.net").orElseThrow().address());
    }

    @Test
    void theKeyIsOwnerOnlyAndTheListIsCreatedWholeOrNotAtAll() throws IOException {
        MailingList list = create("news@lists.test");
        assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(list.dir().resolve("key"))));
        assertEquals(32, list.key().length);
        assertThrows(IOException.class, () -> create("news@lists.test"));
        Files.createDirectories(home.resolve("lists/lists.test/.half.new/subscribers")); // a create that crashed
        assertEquals(1, Lists.of(home).all().size());
        assertTrue(Lists.of(home).delete(list.name()));
        assertFalse(Lists.of(home).open(list.name()).isPresent());
        assertFalse(Lists.of(home).delete(list.name()));
    }

    @Test
    void anAddressBelongsToTheLongestListItStartsWith() throws IOException {
        create("a@lists.test");
        create("a-b@lists.test");
        Lists lists = Lists.of(home);
        assertEquals("", lists.find("a@lists.test").orElseThrow().extension());
        assertEquals("a-b@lists.test", lists.find("a-b-help@lists.test").orElseThrow().list().name().address());
        assertEquals("help", lists.find("A-B-help@Lists.Test").orElseThrow().extension());
        assertEquals("c-Help", lists.find("a-c-Help@lists.test").orElseThrow().extension());
        assertFalse(lists.find("ab@lists.test").isPresent());
        assertFalse(lists.find("a@other.test").isPresent());
    }

    @Test
    void returnAddressesAreReadAsEzmlmReturnReadsThemWithoutItsDigitQuirk() {
        assertEquals(new ReturnAddress.Distribution(12, "123abc@x.org"),
                ReturnAddress.parse("return-12-123abc=x.org").orElseThrow());
        assertEquals(new ReturnAddress.Report(7), ReturnAddress.parse("return-7-").orElseThrow());
        assertEquals(new ReturnAddress.Cycle(true, 1700000000, "abcdefghijklmnopabcd", "u@x.org"),
                ReturnAddress.parse("return-probe-1700000000.abcdefghijklmnopabcd-u=x.org").orElseThrow());
        assertEquals(new ReturnAddress.Trash(), ReturnAddress.parse("return-").orElseThrow());
        assertEquals(new ReturnAddress.Trash(), ReturnAddress.parse("return-warn-1.short-u=x.org").orElseThrow());
        assertFalse(ReturnAddress.parse("help").isPresent());
    }
}
