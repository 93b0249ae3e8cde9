package dev.quail.engine.inject;

import dev.quail.config.Control;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * qmail-inject's header work (INJ-02..04, HDR-01..04):
 * <ul>
 * <li>every address of the sender fields (Sender, From, Reply-To, Return-Path, Return-Receipt-To, Errors-To,
 *     Resent-Sender/-From/-Reply-To) and recipient fields (To, Cc, Bcc, Apparently-To, Resent-To/-Cc/-Bcc) is
 *     rewritten by {@link AddressRewriting} (defaulthost, defaultdomain, plusdomain); an unparsable recipient field
 *     is kept as it is and gives no recipients, an unparsable sender field refuses the message;</li>
 * <li>envelope recipients: the arguments and/or the recipient fields (Resent-* ones for a resent message);</li>
 * <li>envelope sender: -f, else the first Return-Path, else QMAILSUSER (or the From user) @ QMAILSHOST (or the
 *     From host); QMAILINJECT {@code r} asks for VERP ({@code -@[]} appended, VERP-04), {@code m} makes the default
 *     sender unique per message ({@code -<time>.<pid>});</li>
 * <li>removes Bcc, Resent-Bcc, Return-Path and Content-Length; QMAILINJECT {@code f}, {@code i}, {@code s} also
 *     remove incoming From, Message-ID, Return-Path;</li>
 * <li>adds, when missing, From (QMAILUSER/MAILUSER/USER/LOGNAME @ QMAILHOST/MAILHOST, else defaulthost; name from
 *     QMAILNAME/MAILNAME/NAME, as a comment with QMAILINJECT {@code c}), Date, Message-ID (idhost), and
 *     {@code Cc: recipient list not shown: ;} — their Resent- forms for a resent message.</li>
 * </ul>
 * QMAILDEFAULTHOST, QMAILDEFAULTDOMAIN, QMAILPLUSDOMAIN and QMAILIDHOST override the control files.
 */
public final class Injection {
    /** qmail-inject's recipient modes: -a args only, -h header only, -A args else header (default), -H both. */
    public enum Mode { ARGS, HEADER, ARGS_ELSE_HEADER, BOTH }

    public record Result(String sender, List<String> recipients, byte[] message) {}

    private static final List<String> RECIPIENT_FIELDS = List.of("To", "Cc", "Bcc", "Apparently-To");
    private static final List<String> RESENT_FIELDS = List.of("Resent-To", "Resent-Cc", "Resent-Bcc");
    private static final List<String> SENDER_FIELDS = List.of("Sender", "From", "Reply-To", "Return-Receipt-To",
            "Errors-To", "Resent-Sender", "Resent-From", "Resent-Reply-To");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss '-0000'", Locale.ROOT);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT);

    private final Map<String, String> env;
    private final AddressRewriting rewriting;
    private final String idhost;
    private final String options;

    public Injection(Control control, Map<String, String> env) {
        this.env = env;
        this.rewriting = new AddressRewriting(
                or(env.get("QMAILDEFAULTHOST"), control.defaulthost()),
                or(env.get("QMAILDEFAULTDOMAIN"), control.defaultdomain()),
                or(env.get("QMAILPLUSDOMAIN"), control.plusdomain()),
                control.locals());
        this.idhost = or(env.get("QMAILIDHOST"), control.idhost());
        this.options = or(env.get("QMAILINJECT"), "");
    }

    /** @throws IllegalArgumentException for a message qmail-inject would refuse (exit 100) */
    public Result prepare(byte[] input, Mode mode, List<String> args, String forcedSender, String uniq) {
        Header header = Header.parse(input);
        List<String> dropped = new ArrayList<>(List.of("Bcc", "Resent-Bcc", "Return-Path", "Content-Length"));
        if (flag('f')) dropped.add("From");
        if (flag('i')) dropped.add("Message-ID");
        Header rewritten = rewriteFields(flag('s') ? header.without(List.of("Return-Path")) : header);
        boolean resent = header.resent();

        Set<String> recipients = new LinkedHashSet<>();
        boolean useArgs = mode != Mode.HEADER && !(mode == Mode.ARGS_ELSE_HEADER && args.isEmpty());
        boolean useHeader = mode == Mode.HEADER || mode == Mode.BOTH || (mode == Mode.ARGS_ELSE_HEADER && args.isEmpty());
        if (useArgs) {
            for (String a : args) recipients.add(envelope(a, "unable to parse address: " + a));
        }
        if (useHeader) {
            for (Header.Field f : rewritten.fields()) {
                if (isAny(f, resent ? RESENT_FIELDS : RECIPIENT_FIELDS)) recipients.addAll(addressesOrNone(f));
            }
        }
        if (recipients.isEmpty()) throw new IllegalArgumentException("no recipients");

        String user = first("QMAILUSER", "MAILUSER", "USER", "LOGNAME");
        if (user == null) user = "anonymous";
        String host = first("QMAILHOST", "MAILHOST");
        String sender = forcedSender == null ? null : envelope(forcedSender, "unable to parse address: " + forcedSender);
        if (sender == null) sender = returnPath(rewritten);
        if (sender == null) sender = defaultSender(user, host, uniq);

        Header kept = rewritten.without(dropped);
        List<Header.Field> added = new ArrayList<>();
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        String prefix = resent ? "Resent-" : "";
        if (!kept.has(prefix + "Message-ID")) {
            added.add(field(prefix + "Message-ID", "<" + ID_TIME.format(now) + "." + uniq + ".quail@" + idhost + ">"));
        }
        if (!kept.has(prefix + "Date")) added.add(field(prefix + "Date", DATE.format(now)));
        if (!kept.has(prefix + "From")) added.add(field(prefix + "From", defaultFrom(user, host)));
        if (!kept.has(prefix + "To") && !kept.has(prefix + "Cc")) {
            added.add(field(prefix + "Cc", "recipient list not shown: ;"));
        }
        return new Result(sender, List.copyOf(recipients), kept.render(added));
    }

    private Header rewriteFields(Header header) {
        return header.map(f -> {
            boolean recipientField = isAny(f, RECIPIENT_FIELDS) || isAny(f, RESENT_FIELDS);
            if (!recipientField && !isAny(f, SENDER_FIELDS) && !f.is("Return-Path")) return f;
            try {
                return f.withValue(rewriting.field(f.rawValue()).value());
            } catch (IllegalArgumentException unparsable) {
                if (recipientField) return f;
                throw new IllegalArgumentException("unable to parse this line: " + f.text().strip());
            }
        });
    }

    private List<String> addressesOrNone(Header.Field f) {
        try {
            return rewriting.field(f.rawValue()).addresses();
        } catch (IllegalArgumentException unparsable) {
            return List.of();
        }
    }

    /** The first Return-Path's address ("" for {@code <>}), with VERP asked for by QMAILINJECT r. */
    private String returnPath(Header header) {
        for (Header.Field f : header.fields()) {
            if (!f.is("Return-Path")) continue;
            List<String> a = rewriting.field(f.rawValue()).addresses();
            return verp(a.isEmpty() ? "" : a.get(0));
        }
        return null;
    }

    private String defaultSender(String user, String host, String uniq) {
        String suser = or(env.get("QMAILSUSER"), user);
        String shost = env.get("QMAILSHOST") != null ? env.get("QMAILSHOST") : host;
        if (flag('m')) suser += "-" + System.currentTimeMillis() / 1000 + "." + uniq;
        if (flag('r')) suser += "-";
        return verp(envelope(shost == null ? suser : suser + "@" + shost, "unable to parse sender: " + suser));
    }

    private String verp(String sender) {
        return flag('r') ? sender + "-@[]" : sender;
    }

    private String defaultFrom(String user, String host) {
        String address = envelope(host == null ? user : user + "@" + host, "unable to parse From: " + user);
        String name = first("QMAILNAME", "MAILNAME", "NAME");
        if (name == null) return address;
        if (flag('c')) return address + " (" + name.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")";
        return quoteName(name) + " <" + address + ">";
    }

    private String envelope(String address, String refusal) {
        try {
            return rewriting.envelope(address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(refusal);
        }
    }

    private boolean flag(char letter) {
        return options.indexOf(letter) >= 0;
    }

    private static boolean isAny(Header.Field f, List<String> names) {
        for (String n : names) if (f.is(n)) return true;
        return false;
    }

    private String first(String... names) {
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isEmpty()) return v;
        }
        return null;
    }

    private static String or(String value, String dflt) {
        return value != null ? value : dflt;
    }

    private static String quoteName(String name) {
        if (name.matches("[A-Za-z0-9 !#$%&'*+/=?^_`{|}~.-]*")) return name;
        return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Header.Field field(String name, String value) {
        return new Header.Field(name, name + ": " + value + "\n");
    }
}
