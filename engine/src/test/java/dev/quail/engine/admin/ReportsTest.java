package dev.quail.engine.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quail.engine.queue.MessageState;
import dev.quail.persistence.body.Body;
import dev.quail.persistence.events.Channel;
import dev.quail.persistence.events.MessageEvent;
import dev.quail.persistence.events.Recipient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** qmail-qread's lines (QREAD-01). */
class ReportsTest {

    @Test
    void qread01_aFailedRecipientWhoseBounceIsNotQueuedYetMarksTheMessageBouncing() {
        MessageState state = new MessageState().apply(new MessageEvent.Accepted("m1", 1_700_000_000_000L, "joe@x.org",
                List.of(new Recipient("a@localhost", Channel.LOCAL), new Recipient("b@y.org", Channel.REMOTE)),
                Body.inline("Subject: t\n\nbody\n".getBytes(StandardCharsets.ISO_8859_1)), "test"));
        assertEquals("14 Nov 2023 22:13:20 GMT  #m1  17  <joe@x.org> \n\tlocal\ta@localhost\n\tremote\tb@y.org\n",
                Reports.qread(List.of(state), false));
        state = state.apply(new MessageEvent.Failed(0, "Sorry, no mailbox here by that name. (#5.1.1)"));
        assertEquals("14 Nov 2023 22:13:20 GMT  #m1  17  <joe@x.org> bouncing\n  done\tlocal\ta@localhost\n"
                + "\tremote\tb@y.org\n", Reports.qread(List.of(state), false));
        state = state.apply(new MessageEvent.BounceQueued("m2"));
        assertEquals("14 Nov 2023 22:13:20 GMT  #m1  17  <joe@x.org> \n  done\tlocal\ta@localhost\n"
                + "\tremote\tb@y.org\n", Reports.qread(List.of(state), false));
    }
}
