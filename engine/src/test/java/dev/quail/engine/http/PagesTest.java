package dev.quail.engine.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quail.engine.Mailboxes;
import dev.quail.engine.metrics.Rates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pages from the Admin's JSON: hostile text stays text, every form carries the CSRF token, alerts show. */
class PagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOSTILE = "<img src=x onerror=alert(1)>\"'";
    private static final Caller CALLER = new Caller("root",
            Optional.of(new Sessions.Session("sid", "root", "csrf-token-1")));

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('`', '"'));
    }

    private static String quoted(String text) {
        return Replies.quote(text);
    }

    @Test
    void aMessagePagePrintsAddressesAndReportsAsTextAndItsFormsCarryTheToken() throws Exception {
        String h = quoted(HOSTILE);
        String page = MessagePage.render(CALLER, json("{`id`:`hop1`,`state`:`deferred`,`sender`:`" + h
                + "`,`recipients`:[{`address`:`" + h + "@x`,`channel`:`remote`,`status`:`pending`,`report`:`" + h
                + "`}],`events`:[{`seq`:1,`time`:`t`,`event`:`deferred`,`recipient`:`" + h + "`,`report`:`" + h
                + "`}]}")).toString();
        assertFalse(page.contains("<img"), page);
        assertTrue(page.contains("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;"), page);
        assertForms(page, 4);
    }

    @Test
    void theQueuePageKeepsItsFiltersInTheBulkFormsAndEscapesThem() throws Exception {
        String page = QueuePage.render(CALLER, Map.of("sender", HOSTILE), json("{`total`:1,`messages`:[{`id`:`hop1`,"
                + "`state`:`held`,`sender`:`" + quoted(HOSTILE) + "`,`recipients`:[]}]}")).toString();
        assertFalse(page.contains("<img"), page);
        assertTrue(page.contains("<input type=\"hidden\" name=\"sender\" value=\"&lt;img"), page);
        assertForms(page, 4);
    }

    @Test
    void theMailboxesPageEscapesAddressesForwardsAndTheAutoresponder() {
        String page = MailboxesPage.render(CALLER, List.of(new MailboxDesk.Box(HOSTILE, Path.of("/m"),
                List.of(HOSTILE), false, Optional.of(new Mailboxes.Autoresponder(HOSTILE, HOSTILE,
                        Duration.ofDays(3)))))).toString();
        assertFalse(page.contains("<img"), page);
        assertTrue(page.contains("<span class=\"state\">on</span>"), page);
        assertForms(page, 6);
    }

    @Test
    void theDashboardRaisesAnUnhealthyJournalASuspendedSiteAndADownedHost() throws Exception {
        String page = DashboardPage.render(CALLER, json("{`messages`:0,`journal`:{`ok`:false,`detail`:`disk full`}}"),
                json("{`states`:{},`channels`:{},`buckets`:[],`destinations`:[]}"),
                json("{`sites`:[{`site`:`.example.net`,`suspendedUntil`:`2026-12-02T12:00:00Z`,`reason`:`"
                        + quoted(HOSTILE) + "`}]}"),
                json("{`hosts`:[{`ip`:`192.0.2.1`,`destination`:`example.org`,`timeouts`:3}]}"),
                Map.of("accepted", 12.0), Map.of("accepted", new Rates.PerMinute(2.5, 120))).toString();
        assertTrue(page.contains("the journal is unhealthy: disk full"), page);
        assertTrue(page.contains("<td id=\"total-accepted\">12</td><td id=\"rate-accepted\">2.5/min</td>"
                + "<td>120/min</td>"), page);
        assertTrue(page.contains("site .example.net is suspended until 2026-12-02T12:00:00Z: &lt;img"), page);
        assertTrue(page.contains("host 192.0.2.1 (example.org) is marked down after 3 connection timeouts"), page);
        assertFalse(page.contains("<img"), page);
        assertForms(page, 2);
    }

    /** Each form that posts carries the session's CSRF token. */
    private static void assertForms(String page, int expected) {
        int forms = page.split("method=\"post\"", -1).length - 1;
        int tokens = page.split("name=\"csrf\" value=\"csrf-token-1\"", -1).length - 1;
        assertTrue(forms == expected && tokens == expected, forms + " forms, " + tokens + " tokens: " + page);
    }
}
