package dev.quail.engine.http;

/**
 * The Admin request lines that suspend and resume a site, for the API and the dashboard alike: quail suspend SITE
 * --for Ns --reason TEXT and quail resume SITE. What the line cannot carry is an {@link IllegalArgumentException}.
 */
final class SiteLines {
    private SiteLines() {}

    /** Suspend for {@code seconds} (1 to 9 digits) with a one-line reason; "suspended by ADMIN" without one. */
    static String suspend(Caller caller, String site, String seconds, String reason) {
        String why = reason.isBlank() ? "suspended by " + caller.admin() : reason.strip();
        if (!AdminRequests.plain(site) || site.isEmpty() || !seconds.matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException("expected a site and seconds=N (1 to 9 digits)");
        }
        if (why.codePoints().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("the reason is one line of text");
        }
        return "suspend " + site + " " + seconds + " " + why;
    }

    static String resume(String site) {
        if (!AdminRequests.plain(site) || site.isEmpty()) throw new IllegalArgumentException("bad site");
        return "resume " + site;
    }
}
