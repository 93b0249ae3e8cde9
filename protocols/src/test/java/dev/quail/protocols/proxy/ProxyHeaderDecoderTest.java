package dev.quail.protocols.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyHeaderDecoderTest {
    static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A version 2 header: signature, version 2 with {@code command}, {@code family}, and the block with its length. */
    static byte[] v2(int command, int family, byte[] block) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        out.write(0x20 | command);
        out.write(family);
        out.write(block.length >> 8);
        out.write(block.length & 0xFF);
        out.writeBytes(block);
        return out.toByteArray();
    }

    /** 127.0.0.2:40000 to 127.0.0.1:25, then {@code tlvs}. */
    static byte[] inetBlock(byte[] tlvs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {127, 0, 0, 2, 127, 0, 0, 1, (byte) 0x9C, 0x40, 0, 25});
        out.writeBytes(tlvs);
        return out.toByteArray();
    }

    static ProxyHeaderDecoder.Decoded decode(byte[] bytes) throws ProxyHeaderException {
        return new ProxyHeaderDecoder().receive(bytes, 0, bytes.length).orElseThrow();
    }

    static String refusal(byte[] bytes) {
        return assertThrows(ProxyHeaderException.class, () -> new ProxyHeaderDecoder().receive(bytes, 0, bytes.length))
                .getMessage();
    }

    static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void v1Tcp4NamesTheClientAndKeepsTheBytesAfterIt() throws Exception {
        ProxyHeaderDecoder.Decoded d = decode(ascii("PROXY TCP4 127.0.0.2 127.0.0.1 40000 25\r\nEHLO x\r\n"));
        assertEquals(new ProxyHeader.Proxied(1, at("127.0.0.2", 40000), at("127.0.0.1", 25)), d.header());
        assertArrayEquals(ascii("EHLO x\r\n"), d.rest());
    }

    @Test
    void v1Tcp6NamesTheClient() throws Exception {
        ProxyHeaderDecoder.Decoded d = decode(ascii("PROXY TCP6 2001:db8::2 ::1 65535 0\r\n"));
        assertEquals(new ProxyHeader.Proxied(1, at("2001:db8::2", 65535), at("::1", 0)), d.header());
        assertEquals(0, d.rest().length);
    }

    @Test
    void v1Tcp6WithAnIpv4MappedClientNamesItAsIpv4() throws Exception {
        assertEquals(at("127.0.0.2", 1), ((ProxyHeader.Proxied) decode(
                ascii("PROXY TCP6 ::ffff:127.0.0.2 ::1 1 25\r\n")).header()).source());
    }

    @Test
    void v1UnknownNamesNobodyWhateverFollowsIt() throws Exception {
        assertEquals(new ProxyHeader.Unknown("v1 UNKNOWN"), decode(ascii("PROXY UNKNOWN\r\n")).header());
        assertEquals(new ProxyHeader.Unknown("v1 UNKNOWN"),
                decode(ascii("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n")).header());
    }

    @Test
    void v1AtItsLimitOf107BytesIsRead() throws Exception {
        String full = "PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
                + " 65535 65535\r\n";
        assertEquals(ProxyHeaderDecoder.V1_MAX, full.length());
        assertEquals(new ProxyHeader.Unknown("v1 UNKNOWN"), decode(ascii(full)).header());
        String tcp6 = "PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
                + " 65535 65535\r\n";
        assertTrue(decode(ascii(tcp6)).header() instanceof ProxyHeader.Proxied);
    }

    @Test
    void v1LongerThan107BytesIsRefusedAtByte107() {
        String line = "PROXY UNKNOWN " + "x".repeat(ProxyHeaderDecoder.V1_MAX - 14 - 1);
        assertEquals(ProxyHeaderDecoder.V1_MAX, line.length() + 1);
        assertEquals("v1 header longer than 107 bytes", refusal(ascii(line + "x")));
        // One byte short of the limit: still waiting for the line's end.
        byte[] shorter = ascii(line);
        assertEquals(Optional.empty(), uncheckedReceive(new ProxyHeaderDecoder(), shorter));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "PROXY TCP4 127.0.0.256 127.0.0.1 1 25\r\n",
        "PROXY TCP4 127.0.0 127.0.0.1 1 25\r\n",
        "PROXY TCP4 127.0.0.01 127.0.0.1 1 25\r\n",
        "PROXY TCP4 ::1 127.0.0.1 1 25\r\n",
        "PROXY TCP4 localhost 127.0.0.1 1 25\r\n",
        "PROXY TCP4 127.0.0.2 127.0.0.-1 1 25\r\n",
        "PROXY TCP6 127.0.0.2 ::1 1 25\r\n",
        "PROXY TCP6 ::1::2 ::1 1 25\r\n",
        "PROXY TCP6 fe80::1%eth0 ::1 1 25\r\n",
        "PROXY TCP6 [::1] ::1 1 25\r\n",
    })
    void v1BadAddressesAreRefused(String header) {
        assertTrue(refusal(ascii(header)).startsWith("v1 header with a bad IPv"), header);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "PROXY TCP4 127.0.0.2 127.0.0.1 65536 25\r\n",
        "PROXY TCP4 127.0.0.2 127.0.0.1 1 025\r\n",
        "PROXY TCP4 127.0.0.2 127.0.0.1 -1 25\r\n",
        "PROXY TCP4 127.0.0.2 127.0.0.1 1 2x\r\n",
        "PROXY TCP4 127.0.0.2 127.0.0.1 1 \r\n",
        "PROXY TCP4 127.0.0.2 127.0.0.1 1 999999\r\n",
    })
    void v1BadPortsAreRefused(String header) {
        assertTrue(refusal(ascii(header)).startsWith("v1 header with a bad port"), header);
    }

    @Test
    void v1MalformedLinesAreRefused() {
        assertEquals("not a PROXY header", refusal(ascii("EHLO x\r\n")));
        assertEquals("not a PROXY header", refusal(ascii("PROXYTCP4")));
        assertEquals("v1 header not ended by CRLF", refusal(ascii("PROXY TCP4 127.0.0.2 127.0.0.1 1 25\n")));
        assertEquals("v1 header of protocol UDP4", refusal(ascii("PROXY UDP4 127.0.0.2 127.0.0.1 1 25\r\n")));
        assertEquals("v1 header of protocol ", refusal(ascii("PROXY \r\n")));
        assertEquals("v1 header with 7 fields, not 6", refusal(ascii("PROXY TCP4 127.0.0.2  127.0.0.1 1 25\r\n")));
        assertEquals("v1 header with 5 fields, not 6", refusal(ascii("PROXY TCP4 127.0.0.2 127.0.0.1 1\r\n")));
        assertEquals("v1 header with 7 fields, not 6", refusal(ascii("PROXY TCP4 127.0.0.2 127.0.0.1 1 25 \r\n")));
    }

    @Test
    void v2Tcp4NamesTheClientAndSkipsItsTlvs() throws Exception {
        // ALPN "smtp" and an authority TLV, as HAProxy may add them.
        byte[] tlvs = {0x01, 0x00, 0x04, 's', 'm', 't', 'p', 0x02, 0x00, 0x03, 'a', '.', 'b'};
        byte[] header = v2(1, 0x11, inetBlock(tlvs));
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes(header);
        in.writeBytes(ascii("QUIT\r\n"));
        ProxyHeaderDecoder.Decoded d = decode(in.toByteArray());
        assertEquals(new ProxyHeader.Proxied(2, at("127.0.0.2", 40000), at("127.0.0.1", 25)), d.header());
        assertArrayEquals(ascii("QUIT\r\n"), d.rest());
    }

    @Test
    void v2Tcp6NamesTheClient() throws Exception {
        byte[] block = new byte[36];
        byte[] client = InetAddress.getByName("2001:db8::2").getAddress();
        System.arraycopy(client, 0, block, 0, 16);
        block[31] = 1;
        block[32] = (byte) 0xFF;
        block[33] = (byte) 0xFF;
        block[35] = 25;
        assertEquals(new ProxyHeader.Proxied(2, at("2001:db8::2", 65535), at("::1", 25)),
                decode(v2(1, 0x21, block)).header());
    }

    @Test
    void v2LocalIsAHealthCheckWhateverItsFamilyOrBlock() throws Exception {
        assertEquals(new ProxyHeader.Local(), decode(v2(0, 0x00, new byte[0])).header());
        assertEquals(new ProxyHeader.Local(), decode(v2(0, 0x11, inetBlock(new byte[0]))).header());
        assertEquals(new ProxyHeader.Local(), decode(v2(0, 0xFF, new byte[3])).header());
    }

    @Test
    void v2UnspecAndUnixNameNobody() throws Exception {
        assertEquals(new ProxyHeader.Unknown("v2 UNSPEC"), decode(v2(1, 0x00, new byte[0])).header());
        assertEquals(new ProxyHeader.Unknown("v2 UNIX"), decode(v2(1, 0x31, new byte[216])).header());
    }

    @Test
    void v2AtItsLengthLimitIsReadAndOneByteMoreIsRefused() throws Exception {
        byte[] tlvs = new byte[ProxyHeaderDecoder.V2_MAX_LENGTH - 12];
        assertTrue(decode(v2(1, 0x11, inetBlock(tlvs))).header() instanceof ProxyHeader.Proxied);
        assertEquals("v2 header of 4097 bytes, more than 4096",
                refusal(v2(1, 0x11, inetBlock(new byte[tlvs.length + 1]))));
    }

    @Test
    void v2MalformedHeadersAreRefused() {
        byte[] badSignature = v2(1, 0x11, inetBlock(new byte[0]));
        badSignature[7] = 'q';
        assertEquals("not a PROXY header", refusal(badSignature));
        byte[] version1 = v2(1, 0x11, inetBlock(new byte[0]));
        version1[12] = 0x11;
        assertEquals("v2 header of version 1", refusal(version1));
        assertEquals("v2 header with command 2", refusal(v2(2, 0x11, inetBlock(new byte[0]))));
        assertEquals("v2 header of family 0x12", refusal(v2(1, 0x12, inetBlock(new byte[0]))));
        assertEquals("v2 header of family 0x41", refusal(v2(1, 0x41, new byte[0])));
        assertEquals("v2 address block of 11 bytes, too short for its family", refusal(v2(1, 0x11, new byte[11])));
        assertEquals("v2 address block of 35 bytes, too short for its family", refusal(v2(1, 0x21, new byte[35])));
        assertEquals("v2 address block of 215 bytes, too short for its family", refusal(v2(1, 0x31, new byte[215])));
    }

    @Test
    void truncatedHeadersWaitForMoreBytes() {
        byte[][] headers = {ascii("PROXY TCP4 127.0.0.2 127.0.0.1 40000 25\r\n"), v2(1, 0x11, inetBlock(new byte[5]))};
        for (byte[] header : headers) {
            for (int cut = 0; cut < header.length; cut++) {
                ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
                assertEquals(Optional.empty(), uncheckedReceive(decoder, Arrays.copyOf(header, cut)));
            }
        }
    }

    @Test
    void aHeaderSplitByteByByteIsReadAsAWhole() throws Exception {
        byte[][] headers = {ascii("PROXY TCP4 127.0.0.2 127.0.0.1 40000 25\r\nX"),
            concat(v2(1, 0x11, inetBlock(new byte[5])), ascii("X"))};
        for (byte[] header : headers) {
            ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
            for (int i = 0; i < header.length - 2; i++) {
                assertEquals(Optional.empty(), decoder.receive(header, i, 1), "byte " + i);
            }
            ProxyHeaderDecoder.Decoded d = decoder.receive(header, header.length - 2, 2).orElseThrow();
            assertEquals(at("127.0.0.2", 40000), ((ProxyHeader.Proxied) d.header()).source());
            assertArrayEquals(ascii("X"), d.rest());
        }
    }

    @Test
    void garbageIsRefusedAtItsFirstWrongByte() throws Exception {
        ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
        assertEquals(Optional.empty(), decoder.receive(ascii("PRO"), 0, 3));
        assertThrows(ProxyHeaderException.class, () -> decoder.receive(ascii("Z"), 0, 1));
    }

    static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    static Optional<ProxyHeaderDecoder.Decoded> uncheckedReceive(ProxyHeaderDecoder decoder, byte[] bytes) {
        try {
            return decoder.receive(bytes, 0, bytes.length);
        } catch (ProxyHeaderException e) {
            throw new AssertionError(e);
        }
    }
}
