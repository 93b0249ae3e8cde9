/*
 * qmail-smtpd's address parsing (SMTP-10, SMTP-11, SMTP-04 900-octet limit, ADDR-01, X-01).
 */
package dev.quail.protocols.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AddressParserTest {

  private static String address(String argument) {
    return AddressParser.parse(argument).orElseThrow().address();
  }

  @Test
  void smtp10_angleBracketsDelimitTheAddress() {
    assertEquals("u@example.org", address("TO:<u@example.org>"));
    assertEquals("u@example.org", address("to: <u@example.org>"));
    assertEquals("", address("FROM:<>"));
    assertTrue(AddressParser.parse("FROM:<>").orElseThrow().isNull());
  }

  @Test
  void smtp10_withoutBracketsTheAddressFollowsTheColonUpToASpace() {
    assertEquals("u@example.org", address("TO:   u@example.org"));
    assertEquals(List.of("SIZE=10"), AddressParser.parse("FROM:u@example.org SIZE=10").orElseThrow().parameters());
  }

  @Test
  void malformedPathsAreRefusedWhereQmailWouldGuess() {
    for (String argument : List.of(
        "FROM:<unterminated@example", "FROM:<a@b.example SIZE=10", "FROM:<", "TO:<a b@example.org>",
        "TO:<a<b@example.org>", "TO:<a@example.org>SIZE=1", "TO:<\"open@example.org>", "TO:<a@example.org\\",
        "TO:<@a,@b>", "TO:@a,@b", "", "FROM", "FROM bogus", "FROM:", "FROM:   ")) {
      assertEquals(Optional.empty(), AddressParser.parse(argument), argument);
    }
  }

  @Test
  void parametersFollowTheClosingBracket() {
    SmtpPath path = AddressParser.parse("FROM:<a@b.example>  SIZE=100   BODY=8BITMIME ").orElseThrow();
    assertEquals("a@b.example", path.address());
    assertEquals(List.of("SIZE=100", "BODY=8BITMIME"), path.parameters());
  }

  @Test
  void smtp11_sourceRoutesAreStripped() {
    assertEquals("user@host", address("TO:<@a,@b:user@host>"));
  }

  @Test
  void smtp11_quotesVanishAndBackslashEscapes() {
    assertEquals("john doe@example.org", address("TO:<\"john doe\"@example.org>"));
    assertEquals("a>b@example.org", address("TO:<\"a>b\"@example.org>"));
    assertEquals("a\"b@example.org", address("TO:<a\\\"b@example.org>"));
    assertEquals("a>b@example.org", address("TO:<a\\>b@example.org>"));
  }

  @Test
  void adr01_domainIsTheTextAfterTheLastAt() {
    assertEquals(Optional.of("example.org"), AddressParser.parse("<a@b@example.org>").orElseThrow().domain());
    assertEquals(Optional.empty(), AddressParser.parse("<postmaster>").orElseThrow().domain());
  }

  @Test
  void smtp04_addressOf900OctetsPasses901IsRefused() {
    String local900 = "x".repeat(900 - "@example.org".length()) + "@example.org";
    assertEquals(900, address("TO:<" + local900 + ">").length());
    assertEquals(Optional.empty(), AddressParser.parse("TO:<x" + local900 + ">"));
  }

  @Test
  void theLimitCountsTheParsedAddressNotTheQuoting() {
    String quoted = "\"" + "x".repeat(888) + "\"@example.org";
    assertEquals(900, address("TO:<" + quoted + ">").length());
  }

  @Test
  void x01_controlCharactersAreRefused() {
    for (char c = 0; c < 0x20; c++) {
      assertEquals(Optional.empty(), AddressParser.parse("TO:<a" + c + "b@example.org>"), "char " + (int) c);
      assertEquals(Optional.empty(), AddressParser.parse("TO:<\"a" + c + "b\"@example.org>"), "quoted " + (int) c);
    }
    assertEquals(Optional.empty(), AddressParser.parse("TO:<a\\\rb@example.org>"));
    assertEquals(Optional.empty(), AddressParser.parse("TO:<a\u007fb@example.org>"));
    assertEquals(Optional.empty(), AddressParser.parse("FROM:<x\r\nRCPT TO:<victim@external.example>"));
  }

  @Test
  void eightBitOctetsArePassedThrough() {
    assertEquals("\u00e9@example.org", address("TO:<\u00e9@example.org>"));
  }
}
