/*
 * Report: what became of one recipient in one attempt, as qmail-rspawn tells qmail-send: K (SUCCESS),
 * Z (DEFERRAL) or D (FAILURE), with qmail-remote's human text. Lines are separated by '\n' and there is
 * no final newline (the engine's convention for every delivery report).
 */
package dev.quail.protocols.smtpclient;

import java.util.Objects;

public record Report(Kind kind, String text) {
    public enum Kind { SUCCESS, DEFERRAL, FAILURE }

    public Report {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(text);
    }

    static Report success(String text) {
        return new Report(Kind.SUCCESS, text);
    }

    static Report deferral(String text) {
        return new Report(Kind.DEFERRAL, text);
    }

    static Report failure(String text) {
        return new Report(Kind.FAILURE, text);
    }
}
