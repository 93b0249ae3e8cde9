package dev.quail.engine.http;

import java.util.ArrayList;
import java.util.List;

/**
 * The mailboxes: each with its forwards, a new password and new forwards for it, and its removal (from
 * users/assign; the Maildir stays); and a form to add one.
 */
final class MailboxesPage {
    private MailboxesPage() {}

    static Html render(Caller caller, List<MailboxDesk.Box> boxes) {
        List<Html> rows = new ArrayList<>();
        for (MailboxDesk.Box box : boxes) {
            Html address = Pages.hidden("address", box.address());
            rows.add(Html.of("<tr data-address=\"{}\"><td>{}</td><td class=\"forwards\">{}</td><td>{}</td><td>{}</td>"
                    + "<td>{}</td></tr>", box.address(), box.address(), String.join(", ", box.forwards()),
                    Pages.form(caller, "/mailboxes/password", Html.of("{}<input name=\"password\" type=\"password\" "
                            + "aria-label=\"new password\" required> ", address), "Set password"),
                    Pages.form(caller, "/mailboxes/forwards", Html.of("{}<input name=\"to\" value=\"{}\" "
                            + "aria-label=\"forward to\" placeholder=\"addresses; none: stop forwarding\"> <label>"
                            + "<input type=\"checkbox\" name=\"keep\" value=\"1\"> keep a copy</label> ", address,
                            String.join(", ", box.forwards())), "Set forwards"),
                    Pages.form(caller, "/mailboxes/remove", address, "Remove")));
        }
        Html add = Pages.form(caller, "/mailboxes", Html.of("<label>Address <input name=\"address\" id=\"new-address\" "
                + "required></label> <label>Password <input name=\"password\" id=\"new-password\" type=\"password\">"
                + "</label> "), "Add mailbox");
        return Html.of("<section id=\"add\"><h2>Add a mailbox</h2>{}</section><h2>Mailboxes</h2>"
                + "<table id=\"mailboxes\"><tr><th>address</th><th>forwards to</th><th>password</th><th>forwards</th>"
                + "<th title=\"its Maildir stays on disk\"></th></tr>{}</table>", add, rows);
    }
}
