/*
 * qmail-showctl for Quail: one line per {@link Settings} row with the effective value and where it comes
 * from ("file" = control/<name> exists, "default" = it does not), then any lines Quail ignored in its own
 * list files (relayclients, dnsservers, shaping, responses), so an admin can see a typo instead of guessing;
 * then the effective shaping limits of each scope control/shaping names ("shaping SCOPE key=value ...") and the
 * response rules in force ("responses /REGEX/ ...").
 * Loading fails like Control.load does (an unreadable control file is an IOException).
 */
package dev.quail.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

public final class ShowCtl {
    private static final Map<String, Function<Control, Object>> VALUES = Map.ofEntries(
            Map.entry("me", Control::me),
            Map.entry("badmailfrom", c -> sorted(c.badmailfrom().entries())),
            Map.entry("bouncefrom", Control::bouncefrom),
            Map.entry("bouncehost", Control::bouncehost),
            Map.entry("concurrencylocal", Control::concurrencylocal),
            Map.entry("concurrencyremote", Control::concurrencyremote),
            Map.entry("databytes", Control::databytes),
            Map.entry("defaultdomain", Control::defaultdomain),
            Map.entry("defaultdelivery", c -> c.defaultdelivery().strip().replace("\n", " / ")),
            Map.entry("defaulthost", Control::defaulthost),
            Map.entry("dnsservers", c -> join(c.dnsservers().servers().stream().map(Object::toString).toList())),
            Map.entry("doublebouncehost", Control::doublebouncehost),
            Map.entry("doublebounceto", Control::doublebounceto),
            Map.entry("envnoathost", Control::envnoathost),
            Map.entry("helohost", Control::helohost),
            Map.entry("idhost", Control::idhost),
            Map.entry("localiphost", Control::localiphost),
            Map.entry("locals", c -> sorted(c.locals())),
            Map.entry("morercpthosts", c -> sorted(c.morercpthosts().entries())),
            Map.entry("percenthack", c -> sorted(c.percenthack())),
            Map.entry("plusdomain", Control::plusdomain),
            Map.entry("queuelifetime", Control::queuelifetime),
            Map.entry("rcpthosts", c -> sorted(c.rcpthosts().entries())),
            Map.entry("relayclients", c -> join(c.relayclients().networks().stream().map(Object::toString).toList())),
            Map.entry("smtpgreeting", Control::smtpgreeting),
            Map.entry("clients", c -> c.clients().rules().size() + " rules"),
            Map.entry("serialhosts", c -> sorted(c.serialhosts().domains())),
            Map.entry("smtproutes", c -> join(c.smtproutes().lines())),
            Map.entry("timeoutconnect", Control::timeoutconnect),
            Map.entry("timeoutremote", Control::timeoutremote),
            Map.entry("timeoutsmtpd", Control::timeoutsmtpd),
            Map.entry("tlsdestinations", c -> sorted(c.tlsdestinations().entries())),
            Map.entry("virtualdomains", c -> join(c.virtualdomains().lines())),
            Map.entry("qmtproutes", c -> join(c.qmtproutes().lines())),
            Map.entry("qmqpclients", c -> join(c.qmqpclients().networks().stream().map(Object::toString).toList())),
            Map.entry("qmqpservers", c -> join(c.qmqpservers())),
            Map.entry("proxyclients", c -> join(c.proxyclients().networks().stream().map(Object::toString).toList())),
            Map.entry("checkpassword", c -> c.checkpassword().isEmpty() ? "(none)" : c.checkpassword()),
            Map.entry("qmailqueue", c -> c.qmailqueue().isEmpty() ? "(none)" : c.qmailqueue()),
            Map.entry("bouncemaxbytes", Control::bouncemaxbytes),
            Map.entry("shaping", c -> c.shaping().rules().size() + " rules"),
            Map.entry("responses", c -> c.responses().rules().size() + " rules"),
            Map.entry("dkimdomains", c -> join(c.dkimdomains().lines())),
            Map.entry("concurrencyincoming", c -> c.limits().concurrencyincoming()),
            Map.entry("concurrencyperip", c -> c.limits().concurrencyperip()),
            Map.entry("datarate", c -> c.limits().datarate()),
            Map.entry("lifetimesmtpd", c -> c.limits().lifetimesmtpd()),
            Map.entry("timeoutstress", c -> c.limits().timeoutstress()),
            Map.entry("timeoutpop3d", c -> c.limits().timeoutpop3d()),
            Map.entry("maxrecipients", c -> c.limits().maxrecipients()),
            Map.entry("maxhops", c -> c.limits().maxhops()),
            Map.entry("authfailures", c -> c.limits().authfailures()),
            Map.entry("checkrcpt", c -> c.limits().checkrcpt() ? 1 : 0),
            Map.entry("unknownrcpts", c -> c.limits().unknownrcpts()),
            Map.entry("timeoutqmailqueue", c -> c.limits().timeoutqmailqueue()),
            Map.entry("maxlive", c -> c.limits().maxlive()),
            Map.entry("livebytes", c -> c.limits().livebytes()),
            Map.entry("timeoutreuse", c -> c.limits().timeoutreuse()),
            Map.entry("timeouttransaction", c -> c.limits().timeouttransaction()),
            Map.entry("timeoutprogram", c -> c.limits().timeoutprogram()),
            Map.entry("timeoutcheckpassword", c -> c.limits().timeoutcheckpassword()),
            Map.entry("timeoutresult", c -> c.limits().timeoutresult()),
            Map.entry("queueminfree", c -> c.limits().queueminfree()),
            Map.entry("timeoutshutdown", c -> c.limits().timeoutshutdown()),
            Map.entry("httploopbackopen", c -> c.limits().httploopbackopen()));

    private ShowCtl() {}

    public static String render(Path home) throws IOException {
        Control control = Control.load(home);
        QuailHome layout = QuailHome.of(home);
        StringBuilder out = new StringBuilder("quail showctl: " + layout.control() + "\n");
        for (Setting s : Settings.all()) {
            Function<Control, Object> value = VALUES.get(s.name());
            if (value == null) throw new IllegalStateException("showctl has no value for setting " + s.name());
            String source = Files.exists(layout.control(s.name())) ? "file" : "default";
            out.append(String.format("%-20s %-8s %s\n", s.name(), source, value.apply(control)));
        }
        ignored(out, "relayclients", control.relayclients().invalid());
        ignored(out, "clients", control.clients().invalid());
        ignored(out, "serialhosts", control.serialhosts().invalid());
        ignored(out, "dnsservers", control.dnsservers().invalid());
        ignored(out, "qmqpclients", control.qmqpclients().invalid());
        ignored(out, "proxyclients", control.proxyclients().invalid());
        ignored(out, "shaping", control.shaping().invalid());
        ignored(out, "responses", control.responses().invalid());
        for (String scope : control.shaping().effective()) out.append("shaping ").append(scope).append('\n');
        for (var rule : control.responses().rules()) out.append("responses ").append(rule.text()).append('\n');
        return out.toString();
    }

    private static void ignored(StringBuilder out, String file, List<String> lines) {
        for (String line : lines) out.append("warning: ignored invalid line in control/").append(file)
                .append(": ").append(line).append('\n');
    }

    private static String sorted(Collection<String> values) {
        return join(List.copyOf(new TreeSet<>(values)));
    }

    private static String join(List<String> values) {
        return values.isEmpty() ? "(none)" : String.join(" ", values);
    }
}
