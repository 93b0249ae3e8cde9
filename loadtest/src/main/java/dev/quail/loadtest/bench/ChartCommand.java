/*
 * quail chart CSV PNG (hidden; bench.sh's last step): draws loadtest/results/bench.csv as a PNG bar chart
 * (BarChart) with Java2D, headless, so the benchmark needs nothing beyond the JDK to plot.
 */
package dev.quail.loadtest.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "chart", hidden = true, description = "Draw a bench CSV as a PNG bar chart.")
public final class ChartCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CSV")
    Path csv;

    @Parameters(index = "1", paramLabel = "PNG")
    Path png;

    @Option(names = "--subtitle", paramLabel = "TEXT", defaultValue = "", description = "Line under the title.")
    String subtitle;

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.awt.headless", "true");
        var rows = BenchRow.parse(Files.readAllLines(csv, StandardCharsets.UTF_8));
        ImageIO.write(BarChart.render(rows, subtitle), "png", png.toFile());
        return 0;
    }
}
