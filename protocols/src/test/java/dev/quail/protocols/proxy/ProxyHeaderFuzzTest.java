/*
 * Fuzz-style robustness (seeded, so failures reproduce) of the PROXY header decoder, which reads the first bytes of
 * every connection: random bytes, and valid v1 and v2 headers with bytes changed, cut short or lengthened, fed in
 * random chunks. The decoder may only return a header, wait for more, or refuse with a ProxyHeaderException; it
 * never holds more than a header's limit, and a refusal or a header ends it.
 */
package dev.quail.protocols.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProxyHeaderFuzzTest {
    private static final List<byte[]> VALID = List.of(
            ProxyHeaderDecoderTest.ascii("PROXY TCP4 127.0.0.2 127.0.0.1 40000 25\r\n"),
            ProxyHeaderDecoderTest.ascii("PROXY TCP6 2001:db8::2 ::1 65535 25\r\n"),
            ProxyHeaderDecoderTest.ascii("PROXY UNKNOWN\r\n"),
            ProxyHeaderDecoderTest.v2(1, 0x11, ProxyHeaderDecoderTest.inetBlock(new byte[] {1, 0, 2, 'h', '2'})),
            ProxyHeaderDecoderTest.v2(1, 0x21, new byte[36]),
            ProxyHeaderDecoderTest.v2(0, 0x00, new byte[0]),
            ProxyHeaderDecoderTest.v2(1, 0x31, new byte[216]));

    @Test
    void randomBytesNeverThrowAnythingButARefusal() {
        Random random = new Random(13);
        for (int round = 0; round < 20_000; round++) {
            byte[] input = new byte[random.nextInt(300)];
            random.nextBytes(input);
            if (random.nextBoolean() && input.length > 0) input[0] = (byte) (random.nextBoolean() ? 'P' : 0x0D);
            feed(random, input);
        }
    }

    @Test
    void mutatedHeadersNeverThrowAnythingButARefusal() {
        Random random = new Random(42);
        for (int round = 0; round < 50_000; round++) {
            byte[] valid = VALID.get(random.nextInt(VALID.size()));
            byte[] input = switch (random.nextInt(3)) {
                case 0 -> Arrays.copyOf(valid, random.nextInt(valid.length + 1));
                case 1 -> Arrays.copyOf(valid, valid.length + random.nextInt(200));
                default -> valid.clone();
            };
            for (int m = 1 + random.nextInt(3); m > 0 && input.length > 0; m--) {
                input[random.nextInt(input.length)] = (byte) (random.nextBoolean() ? random.nextInt(256)
                        : " .:0123456789\r\nPROXYTCP46UNKOWf".charAt(random.nextInt(31)));
            }
            feed(random, input);
        }
    }

    /** Feeds {@code input} in random chunks until a header or a refusal; anything else thrown fails the test. */
    private static void feed(Random random, byte[] input) {
        ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
        int at = 0;
        try {
            while (at < input.length) {
                int n = Math.min(input.length - at, 1 + random.nextInt(20));
                if (decoder.receive(input, at, n).isPresent()) return;
                at += n;
            }
        } catch (ProxyHeaderException refused) {
            assertTrue(refused.getMessage() != null && !refused.getMessage().isEmpty());
        } catch (RuntimeException e) {
            fail("threw on " + Arrays.toString(input), e);
        }
    }
}
