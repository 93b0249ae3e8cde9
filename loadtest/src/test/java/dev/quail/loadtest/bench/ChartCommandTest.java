package dev.quail.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.loadtest.Main;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartCommandTest {

    @TempDir
    Path dir;

    @Test
    void benchCsvBecomesAPngWithOneGroupPerWorkload() throws Exception {
        Path csv = dir.resolve("bench.csv");
        Files.write(csv, List.of(BenchRow.HEADER,
                "1,20000 x 2 KiB; 20 sessions; local Maildir,quail,msg/s,1500.0,1200.5,16.7,20.1,4.2,512,ok",
                "1,20000 x 2 KiB; 20 sessions; local Maildir,postfix,msg/s,600.0,590.0,33.9,15.0,10.1,60,ok",
                "2,20000 x 2 KiB; 20 sessions; relayed to a sink,quail,msg/s,n/a,n/a,n/a,n/a,n/a,n/a,n/a: no remote",
                "2,20000 x 2 KiB; 20 sessions; relayed to a sink,postfix,msg/s,500.0,480.0,41.7,14.0,9.3,70,ok"));
        Path png = dir.resolve("bench.png");
        assertEquals(0, Main.commandLine().execute("chart", csv.toString(), png.toString(),
                "--subtitle", "a subtitle long enough to wrap: " + "word ".repeat(60)));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1000, image.getWidth());
        assertTrue(image.getHeight() > 80 + 2 * 86, "two groups and a wrapped subtitle: " + image.getHeight());
    }

    @Test
    void aCsvWithoutTheHeaderIsRefused() throws Exception {
        Path csv = dir.resolve("other.csv");
        Files.write(csv, List.of("a,b,c"));
        assertEquals(Main.TEMPORARY, Main.commandLine().execute("chart", csv.toString(), dir.resolve("x.png").toString()));
    }

    @Test
    void parsedRowsKeepNaAsMissing() {
        List<BenchRow> rows = BenchRow.parse(List.of(BenchRow.HEADER,
                "3,10 x 1000 recipients; relayed to a sink,quail,rcpt/s,n/a,n/a,n/a,n/a,n/a,n/a,n/a"));
        assertTrue(rows.get(0).endToEndRate().isEmpty());
        assertEquals("rcpt/s", rows.get(0).unit());
    }

    /** The CSVs in loadtest/results/ written before the system CPU column still chart. */
    @Test
    void aCsvWithoutTheSystemCpuColumnReadsTheSame() {
        List<BenchRow> rows = BenchRow.parse(List.of(
                "workload,description,system,unit,accept_rate,end_to_end_rate,end_to_end_seconds,cpu_seconds,"
                        + "peak_memory_mib,status",
                "1,20000 x 2 KiB; 20 sessions; local Maildir,quail,msg/s,824.1,823.5,24.3,36.5,526,ok"));
        assertEquals(823.5, rows.get(0).endToEndRate().getAsDouble());
        assertEquals("quail", rows.get(0).system());
        assertThrows(IllegalArgumentException.class, () -> BenchRow.parse(List.of(BenchRow.HEADER,
                "1,too few,quail,msg/s,1,2,3,4,5,ok")));
    }
}
