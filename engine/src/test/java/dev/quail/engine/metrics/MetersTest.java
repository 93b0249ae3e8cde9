package dev.quail.engine.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.engine.queue.MessageState;
import dev.quail.persistence.body.Body;
import dev.quail.persistence.events.Channel;
import dev.quail.persistence.events.MessageEvent;
import dev.quail.persistence.events.Recipient;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MetersTest {
    private static void deliver(String address) {
        MessageState m = new MessageState().apply(new MessageEvent.Accepted("m", 0, "a@b",
                List.of(new Recipient(address, Channel.REMOTE)), Body.inline(new byte[0]), "smtp 127.0.0.1"));
        Meters.journaled(m, List.of(new MessageEvent.Delivered(0, "ok")));
    }

    private static double other() {
        return Meters.prometheus().get("quail_recipients_delivered").tag("domain", "other").counter().count();
    }

    @Test
    void remoteDomainsLabelAtMostFiftySeriesTheRestAreOther() {
        for (int i = 0; i < Meters.MAX_DOMAINS + 20; i++) deliver("x@d" + i + ".bounded.test");
        var counters = Meters.prometheus().find("quail_recipients_delivered").tag("channel", "remote").counters();
        var domains = counters.stream().map(c -> c.getId().getTag("domain")).collect(Collectors.toSet());
        assertTrue(domains.size() <= Meters.MAX_DOMAINS + 1, "50 domains and other: " + domains.size());
        double before = other();
        assertTrue(before >= 20, "at least the 20 past the bound");
        deliver("x@another.bounded.test");
        assertEquals(before + 1, other(), "a domain past the bound counts as other");
    }

    @Test
    void theScrapeIsPrometheusText() {
        Meters.accepted("qmtp 127.0.0.1");
        String text = Meters.prometheus().scrape();
        assertTrue(text.contains("quail_messages_accepted_total{origin=\"qmtp\"}"), text);
        assertTrue(text.contains("# TYPE quail_journal_write_seconds histogram"), "the journal's histogram");
    }
}
