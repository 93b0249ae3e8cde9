package dev.quail.engine.http;

import dev.quail.engine.Mailboxes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The mailboxes: each with its forwards, a new password, new forwards and an autoresponder for it, and its removal
 * (from users/assign; the Maildir stays); and a form to add one.
 */
final class MailboxesPage {
    private MailboxesPage() {}

    static Html render(Caller caller, List<MailboxDesk.Box> boxes) {
        List<Html> rows = new ArrayList<>();
        for (MailboxDesk.Box box : boxes) {
            Html address = Pages.hidden("address", box.address());
            rows.add(Html.of("<tr data-address=\"{}\"><td>{}</td><td class=\"forwards\">{}</td><td>{}</td><td>{}</td>"
                    + "<td class=\"autoresponder\">{}</td><td>{}</td></tr>", box.address(), box.address(),
                    String.join(", ", box.forwards()),
                    Pages.form(caller, "/mailboxes/password", Html.of("{}<input name=\"password\" type=\"password\" "
                            + "aria-label=\"new password\" required> ", address), "Set password"),
                    Pages.form(caller, "/mailboxes/forwards", Html.of("{}<input name=\"to\" value=\"{}\" "
                            + "aria-label=\"forward to\" placeholder=\"addresses; none: stop forwarding\"> <label>"
                            + "<input type=\"checkbox\" name=\"keep\" value=\"1\"{}> keep a copy</label> ", address,
                            String.join(", ", box.forwards()), Html.of(box.keep() ? " checked" : "")), "Set forwards"),
                    autoresponder(caller, address, box.autoresponder()),
                    Pages.form(caller, "/mailboxes/remove", address, "Remove")));
        }
        Html add = Pages.form(caller, "/mailboxes", Html.of("<label>Address <input name=\"address\" id=\"new-address\" "
                + "required></label> <label>Password <input name=\"password\" id=\"new-password\" type=\"password\">"
                + "</label> "), "Add mailbox");
        return Html.of("<section id=\"add\"><h2>Add a mailbox</h2>{}</section><h2>Mailboxes</h2>"
                + "<table id=\"mailboxes\"><tr><th>address</th><th>forwards to</th><th>password</th><th>forwards</th>"
                + "<th>autoresponder</th><th title=\"its Maildir stays on disk\"></th></tr>{}</table>", add, rows);
    }

    /** Its state and a form to set it (subject, text, once per sender per days); when on, a form to stop it. */
    private static Html autoresponder(Caller caller, Html address, Optional<Mailboxes.Autoresponder> now) {
        Mailboxes.Autoresponder shown =
                now.orElse(new Mailboxes.Autoresponder("Out of office: %S", "", Duration.ofDays(7)));
        Html set = Pages.form(caller, "/mailboxes/autoresponder", Html.of("{}<input name=\"subject\" value=\"{}\" "
                + "aria-label=\"autoresponder subject\"> <textarea name=\"text\" rows=\"2\" "
                + "aria-label=\"autoresponder text\" required>{}</textarea> <label>every <input name=\"days\" "
                + "type=\"number\" min=\"1\" max=\"3650\" value=\"{}\" aria-label=\"days\"> days</label> ", address,
                shown.subject(), shown.text(), String.valueOf(shown.every().toDays())), "Set autoresponder");
        if (now.isEmpty()) return Html.of("<span class=\"state\">off</span> {}", set);
        return Html.of("<span class=\"state\">on</span> {} {}", set, Pages.form(caller, "/mailboxes/autoresponder",
                Html.of("{}{}", address, Pages.hidden("off", "1")), "Turn off"));
    }
}
