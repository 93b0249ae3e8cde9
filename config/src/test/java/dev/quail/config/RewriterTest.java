/* RW-01..07: envelope recipient rewriting, one row per rule of QMAIL-REFERENCE §5.2. */
package dev.quail.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RewriterTest {
    @TempDir
    Path dir;

    private Rewriter rewriter(boolean catchAll) {
        TestHome home = new TestHome(dir)
                .control("me", "mail.example.com")
                .control("envnoathost", "example.com")
                .control("locals", "example.com", "localhost")
                .control("percenthack", "relay.example.net");
        String[] vdoms = {
            "joe@virt.example:joejoe",
            "virt.example:virt",
            "example.com:shadowed",
            ".sub.example:subs",
            ".b.sub.example:bsubs",
            "except.sub.example:",
            catchAll ? ":catchall" : "# no catch-all"
        };
        return new Rewriter(home.control("virtualdomains", vdoms).load());
    }

    static Stream<Arguments> routes() {
        return Stream.of(
                Arguments.of("RW-01 no @ gets envnoathost", false, "joe", "joe@example.com", true),
                Arguments.of("RW-01 domain is after the last @", false, "a@b@example.com", "a@b@example.com", true),
                Arguments.of("RW-02 last % becomes @", false, "u%example.com@relay.example.net", "u@example.com", true),
                Arguments.of("RW-02 repeated while still percenthack", false,
                        "u%far.example%relay.example.net@relay.example.net", "u@far.example", false),
                Arguments.of("RW-02 uses the last %", false, "u%a%b.example@relay.example.net", "u%a@b.example", false),
                Arguments.of("RW-02 domain case-insensitive", false, "u%x.example@RELAY.example.net", "u@x.example", false),
                Arguments.of("RW-02 no % leaves it", false, "plain@relay.example.net", "plain@relay.example.net", false),
                Arguments.of("RW-02 not a percenthack domain", false, "u%x.example@far.example", "u%x.example@far.example",
                        false),
                Arguments.of("RW-03 locals, case kept", false, "Joe@EXAMPLE.com", "Joe@EXAMPLE.com", true),
                Arguments.of("RW-03 locals before virtualdomains", true, "ann@example.com", "ann@example.com", true),
                Arguments.of("RW-04 user@domain key", false, "joe@virt.example", "joejoe-joe@virt.example", true),
                Arguments.of("RW-04 user@domain key case-insensitive", false, "JOE@Virt.Example",
                        "joejoe-JOE@Virt.Example", true),
                Arguments.of("RW-04 domain key", false, "ann@virt.example", "virt-ann@virt.example", true),
                Arguments.of("RW-04 .suffix key", false, "ann@a.sub.example", "subs-ann@a.sub.example", true),
                Arguments.of("RW-04 most specific suffix first", false, "ann@a.b.sub.example",
                        "bsubs-ann@a.b.sub.example", true),
                Arguments.of("RW-04 .suffix does not cover the bare domain", false, "ann@sub.example",
                        "ann@sub.example", false),
                Arguments.of("RW-04 empty prepend: not virtual", true, "ann@except.sub.example",
                        "ann@except.sub.example", false),
                Arguments.of("RW-04 empty key catches the rest", true, "ann@far.example",
                        "catchall-ann@far.example", true),
                Arguments.of("RW-05 remote, unchanged case", false, "Ann@Far.Example", "Ann@Far.Example", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void route(String rule, boolean catchAll, String recipient, String address, boolean local) {
        assertEquals(new Routed(address, local), rewriter(catchAll).route(recipient));
    }

    static Stream<Arguments> unprepends() {
        return Stream.of(
                Arguments.of("RW-07 domain prepend stripped", "virt-ann@virt.example", "ann@virt.example"),
                Arguments.of("RW-07 suffix prepend stripped", "subs-ann@a.sub.example", "ann@a.sub.example"),
                Arguments.of("RW-07 other prefix kept", "other-ann@virt.example", "other-ann@virt.example"),
                Arguments.of("RW-07 prefix comparison is case-sensitive", "VIRT-ann@virt.example",
                        "VIRT-ann@virt.example"),
                Arguments.of("RW-07 prepend without dash kept", "virtann@virt.example", "virtann@virt.example"),
                Arguments.of("RW-07 user@domain keys are not searched (as qmail)", "joejoe-joe@virt.example",
                        "joejoe-joe@virt.example"),
                Arguments.of("RW-07 empty prepend: nothing to strip", "x-ann@except.sub.example",
                        "x-ann@except.sub.example"),
                Arguments.of("RW-07 no @", "virt-ann", "virt-ann"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unprepends")
    void unprepend(String rule, String address, String shown) {
        assertEquals(shown, rewriter(false).unprepend(address));
    }
}
