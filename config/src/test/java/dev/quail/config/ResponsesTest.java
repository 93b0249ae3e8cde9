/* control/responses: the rule syntax at its edges, and the shipped rules against provider-like reply lines. */
package dev.quail.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponsesTest {
    @TempDir
    Path dir;

    private static Responses.Rule only(String line) {
        Responses r = Responses.parse(List.of(line));
        assertEquals(List.of(), r.invalid());
        return r.rules().get(0);
    }

    @Test
    void aSuspendRuleWithItsDefaults() {
        Responses.Rule r = only("/^421 4\\.7\\.28 / suspend");
        assertEquals(Responses.Action.SUSPEND, r.action());
        assertEquals(Duration.ofMinutes(10), r.duration());
        assertEquals(1, r.count());
        assertEquals(Responses.Scope.SITE, r.scope());
        assertTrue(r.matches("421 4.7.28 slow down"));
        assertFalse(r.matches("451 4.7.28 slow down"));
    }

    @Test
    void everyOptionInAnyOrder() {
        Responses.Rule r = only("/busy/ throttle scope=domain message-rate=1/m after=2/1h connections=1 for=90m");
        assertEquals(Responses.Action.THROTTLE, r.action());
        assertEquals(Map.of(Shaping.Key.CONNECTIONS, "1", Shaping.Key.MESSAGE_RATE, "1/m"), r.throttle());
        assertEquals(Duration.ofMinutes(90), r.duration());
        assertEquals(2, r.count());
        assertEquals(Duration.ofHours(1), r.period());
        assertEquals(Responses.Scope.DOMAIN, r.scope());
        assertEquals(Duration.ofHours(1), only("/x/ suspend after=3/h").period(), "a bare unit is one of it");
        assertEquals(1, only("/x/ suspend after=1/1s").count());
    }

    @Test
    void aSlashInsideTheRegexIsEscaped() {
        Responses.Rule r = only("/see https:\\/\\/postmaster\\.example\\/rate/ suspend for=1h");
        assertTrue(r.matches("421 4.7.0 see https://postmaster.example/rate"));
        assertTrue(only("/(?i)TRY AGAIN/ bounce").matches("550 try again never"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"421 suspend", "/unclosed suspend", "// suspend", "/x/suspend", "/x/", "/x/ pause",
            "/[/ suspend", "/x/ bounce for=1h", "/x/ bounce scope=site", "/x/ throttle for=1h",
            "/x/ suspend connections=1", "/x/ throttle connections=0", "/x/ suspend for=0s", "/x/ suspend after=0/1h",
            "/x/ suspend after=2", "/x/ suspend after=2/1y", "/x/ suspend scope=provider", "/x/ suspend for=1000d"})
    void aBadLineIsIgnored(String line) {
        Responses r = Responses.parse(List.of(line, "/ok/ bounce"));
        assertEquals(List.of(line), r.invalid());
        assertEquals(1, r.rules().size());
    }

    @Test
    void withoutTheFileTheShippedRulesApplyAndAFileReplacesThem() {
        Responses shipped = new TestHome(dir).load().responses();
        assertEquals(List.of(), shipped.invalid());
        assertEquals(Responses.parse(Responses.SHIPPED).rules().stream().map(Responses.Rule::text).toList(),
                shipped.rules().stream().map(Responses.Rule::text).toList());
        assertTrue(shipped.rules().size() >= 8);
        Responses own = new TestHome(dir).control("responses", "# mine", "/x/ bounce").load().responses();
        assertEquals(1, own.rules().size());
    }

    @Test
    void theShippedRulesKnowTheProvidersDeferrals() {
        Responses shipped = Responses.parse(Responses.SHIPPED);
        assertActs(shipped, "421-4.7.28 [192.0.2.1] This address is sending at an unusual rate and is limited",
                Responses.Action.SUSPEND);
        assertActs(shipped, "421 4.7.0 [TSS04] Messages from 192.0.2.1 are deferred: too much volume",
                Responses.Action.SUSPEND);
        assertActs(shipped, "421 4.7.0 [TS01] Messages from 192.0.2.1 deferred for now", Responses.Action.THROTTLE);
        assertActs(shipped, "451 4.7.650 The server 192.0.2.1 is limited for its reputation", Responses.Action.SUSPEND);
        assertActs(shipped, "421 4.3.2 The number of connections is over the limit", Responses.Action.THROTTLE);
        assertActs(shipped, "421 Service unavailable RL000010 see the policy page", Responses.Action.THROTTLE);
        assertActs(shipped, "450 Mail Temporarily Deferred, try later", Responses.Action.THROTTLE);
        for (Responses.Rule r : shipped.rules()) {
            assertFalse(r.matches("250 2.0.0 OK queued"), r.text());
            assertFalse(r.matches("550 5.1.1 no such user"), r.text());
        }
    }

    @Test
    void docsControlMdListsTheShippedRulesAsTheyAre() throws java.io.IOException {
        String doc = java.nio.file.Files.readString(Path.of("..", "docs", "control.md"));
        for (String line : Responses.SHIPPED) assertTrue(doc.contains("\n" + line + "\n"), "docs/control.md lacks " + line);
    }

    private static void assertActs(Responses responses, String line, Responses.Action action) {
        assertTrue(responses.rules().stream().anyMatch(r -> r.matches(line) && r.action() == action), line);
    }
}
