package dev.quail.config.dotqmail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeliveryLinesTest {
    /** FMT-03: the hand-made date agrees with the JDK's formatter across a century of instants. */
    @Test
    void fmt03_ctimeMatchesTheJdkFormatter() {
        DateTimeFormatter jdk = DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss yyyy", Locale.ROOT)
                .withZone(ZoneOffset.UTC);
        Random random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE) + (long) random.nextInt(1 << 30));
            assertEquals(jdk.format(t), DeliveryLines.ctime(t), t.toString());
        }
    }
}
