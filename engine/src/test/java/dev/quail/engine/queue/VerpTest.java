package dev.quail.engine.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VerpTest {
    /** VERP-01: list-owner-@x.org-@[] to joe@y.com ⇒ list-owner-joe=y.com@x.org. */
    @Test
    void verp01_senderIsRewrittenPerRecipient() {
        assertEquals("list-owner-joe=y.com@x.org", Verp.senderFor("list-owner-@x.org-@[]", "joe@y.com"));
    }

    /** VERP-02: only the pre@host-@[] shape with a host, and only for a recipient with '@'. */
    @Test
    void verp02_otherSendersAreUsedLiterally() {
        assertEquals("owner@x.org", Verp.senderFor("owner@x.org", "joe@y.com"));
        assertEquals("owner@-@[]", Verp.senderFor("owner@-@[]", "joe@y.com"));
        assertEquals("owner-@x.org-@[]", Verp.senderFor("owner-@x.org-@[]", "joe"));
        assertEquals("", Verp.senderFor("", "joe@y.com"));
        assertEquals("#@[]", Verp.senderFor("#@[]", "joe@y.com"));
    }

    /** VERP-03: qmail-send's own bounces go to pre@host. */
    @Test
    void verp03_bouncesGoToTheBareSender() {
        assertEquals("list-owner-@x.org", Verp.bounceAddress("list-owner-@x.org-@[]"));
        assertEquals("a@b.org", Verp.bounceAddress("a@b.org"));
    }
}
