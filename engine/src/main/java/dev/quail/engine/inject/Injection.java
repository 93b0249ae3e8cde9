package dev.quail.engine.inject;

import dev.quail.config.Control;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.DefaultAddressParser;

/**
 * qmail-inject's header work (INJ-02..03, HDR-01..04): pick the envelope recipients (arguments and/or header),
 * the envelope sender (-f, else the first Return-Path, else the From address built from the environment),
 * remove Bcc, Resent-Bcc, Return-Path and Content-Length, and add From, Date and Message-ID when missing
 * (Resent-From/Resent-Date/Resent-Message-ID for a resent message).
 */
public final class Injection {
    /** qmail-inject's recipient modes: -a args only, -h header only, -A args else header (default), -H both. */
    public enum Mode { ARGS, HEADER, ARGS_ELSE_HEADER, BOTH }

    public record Result(String sender, List<String> recipients, byte[] message) {}

    private static final List<String> RECIPIENT_FIELDS = List.of("To", "Cc", "Bcc", "Apparently-To");
    private static final List<String> RESENT_FIELDS = List.of("Resent-To", "Resent-Cc", "Resent-Bcc");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss '-0000'", Locale.ROOT);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT);

    private final Control control;
    private final Map<String, String> env;

    public Injection(Control control, Map<String, String> env) {
        this.control = control;
        this.env = env;
    }

    /** @throws IllegalArgumentException for a message qmail-inject would refuse (exit 100) */
    public Result prepare(byte[] input, Mode mode, List<String> args, String forcedSender, String uniq) {
        Header header = Header.parse(input);
        boolean resent = header.resent();
        Set<String> recipients = new LinkedHashSet<>();
        boolean useArgs = mode != Mode.HEADER && !(mode == Mode.ARGS_ELSE_HEADER && args.isEmpty());
        boolean useHeader = mode == Mode.HEADER || mode == Mode.BOTH || (mode == Mode.ARGS_ELSE_HEADER && args.isEmpty());
        if (useArgs) for (String a : args) recipients.add(qualify(a));
        if (useHeader) {
            for (Header.Field f : header.fields()) {
                for (String name : resent ? RESENT_FIELDS : RECIPIENT_FIELDS) {
                    if (f.is(name)) recipients.addAll(addresses(f.value()));
                }
            }
        }
        if (recipients.isEmpty()) throw new IllegalArgumentException("no recipients");

        String sender = forcedSender;
        if (sender == null) {
            for (Header.Field f : header.fields()) {
                if (f.is("Return-Path")) {
                    List<String> rp = addresses(f.value());
                    sender = rp.isEmpty() ? "" : rp.get(0);
                    break;
                }
            }
        }
        String user = first("QMAILUSER", "MAILUSER", "USER", "LOGNAME");
        if (user == null) user = "anonymous";
        String host = first("QMAILHOST", "MAILHOST");
        if (host == null) host = control.defaulthost();
        if (sender == null) {
            String suser = first("QMAILSUSER");
            String shost = first("QMAILSHOST");
            sender = (suser != null ? suser : user) + "@" + (shost != null ? shost : host);
        }

        Header kept = header.without(List.of("Bcc", "Resent-Bcc", "Return-Path", "Content-Length"));
        List<Header.Field> added = new ArrayList<>();
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        String prefix = resent ? "Resent-" : "";
        if (!kept.has(prefix + "Message-ID")) {
            added.add(field(prefix + "Message-ID", "<" + ID_TIME.format(now) + "." + uniq + ".quail@"
                    + control.idhost() + ">"));
        }
        if (!kept.has(prefix + "Date")) added.add(field(prefix + "Date", DATE.format(now)));
        if (!kept.has(prefix + "From")) {
            String name = first("QMAILNAME", "MAILNAME", "NAME");
            String address = user + "@" + host;
            added.add(field(prefix + "From", name == null ? address : quoteName(name) + " <" + address + ">"));
        }
        if (!resent && !kept.has("To") && !kept.has("Cc")) added.add(field("Cc", "recipient list not shown: ;"));
        return new Result(sender, List.copyOf(recipients), kept.render(added));
    }

    /** HDR-02 for envelope use: a lone box gets @defaulthost. */
    private String qualify(String address) {
        return address.indexOf('@') < 0 ? address + "@" + control.defaulthost() : address;
    }

    private List<String> addresses(String value) {
        List<String> out = new ArrayList<>();
        if (value.isBlank() || value.equals("<>")) return out;
        try {
            AddressList list = DefaultAddressParser.DEFAULT.parseAddressList(value);
            for (Address a : list) {
                if (a instanceof Mailbox m) out.add(qualify(m.getAddress()));
                else if (a instanceof Group g) for (Mailbox m : g.getMailboxes()) out.add(qualify(m.getAddress()));
            }
        } catch (Exception e) {
            throw new IllegalArgumentException("unable to parse addresses in: " + value);
        }
        return out;
    }

    private String first(String... names) {
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isEmpty()) return v;
        }
        return null;
    }

    private static String quoteName(String name) {
        if (name.matches("[A-Za-z0-9 !#$%&'*+/=?^_`{|}~.-]*")) return name;
        return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Header.Field field(String name, String value) {
        return new Header.Field(name, name + ": " + value + "\n");
    }
}
