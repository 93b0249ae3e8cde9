/*
 * Etrn: the engine's answer to `ETRN domain` (RFC 1985) for a domain whose mail it keeps for pick-up; the session
 * turns it into RFC 1985's reply: STARTED 253 (with the count), NONE_WAITING 251, NOT_KEPT 459 (the server keeps no
 * mail for that node), UNABLE 458 (the push could not start).
 */
package dev.quail.protocols.smtp;

public record Etrn(Kind kind, int pending) {
  public enum Kind { STARTED, NONE_WAITING, NOT_KEPT, UNABLE }

  public static Etrn started(int pending) {
    return new Etrn(Kind.STARTED, pending);
  }

  public static Etrn of(Kind kind) {
    return new Etrn(kind, 0);
  }
}
