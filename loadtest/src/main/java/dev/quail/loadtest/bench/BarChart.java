/*
 * BarChart: the benchmark's PNG, drawn with Java2D (headless). One group per workload: a Quail bar and a
 * Postfix bar for the end-to-end rate, each group scaled to its own largest value because the workloads'
 * units differ (msg/s, rcpt/s); the value is written at the end of each bar, and Quail/Postfix at the
 * right. A rate that is missing shows "n/a".
 */
package dev.quail.loadtest.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

final class BarChart {

    static final String QUAIL = "quail";
    static final String POSTFIX = "postfix";

    private static final int WIDTH = 1000;
    private static final int LABEL = 300;
    private static final int BAR_AREA = 470;
    private static final int BAR = 22;
    private static final int GROUP = 86;
    private static final int TOP = 80;
    private static final Color QUAIL_COLOR = new Color(0x2b6cb0);
    private static final Color POSTFIX_COLOR = new Color(0x9aa5b1);

    private BarChart() {}

    static BufferedImage render(List<BenchRow> rows, String subtitle) {
        Map<String, List<BenchRow>> groups = new LinkedHashMap<>();
        for (BenchRow row : rows) {
            groups.computeIfAbsent(row.workload(), w -> new ArrayList<>()).add(row);
        }
        int top = TOP + 16 * (subtitleLines(subtitle) - 1);
        int height = top + groups.size() * GROUP + 50;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            g.drawString("Quail vs Postfix: end-to-end rate (higher is better)", 20, 32);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            drawWrapped(g, subtitle, 20, 54, WIDTH - 40);
            int y = top;
            for (List<BenchRow> group : groups.values()) {
                drawGroup(g, group, y);
                y += GROUP;
            }
            drawLegend(g, y + 15);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void drawGroup(Graphics2D g, List<BenchRow> group, int y) {
        BenchRow first = group.get(0);
        OptionalDouble quail = rate(group, QUAIL);
        OptionalDouble postfix = rate(group, POSTFIX);
        double max = Math.max(quail.orElse(0), postfix.orElse(0));
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(first.workload() + ".", 20, y + 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        drawWrapped(g, first.description(), 40, y + 18, LABEL - 40);
        drawBar(g, quail, max, first.unit(), QUAIL_COLOR, y + 4);
        drawBar(g, postfix, max, first.unit(), POSTFIX_COLOR, y + 8 + BAR);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        String ratio = quail.isPresent() && postfix.isPresent() && postfix.getAsDouble() > 0
                ? String.format(Locale.ROOT, "%.2f\u00d7", quail.getAsDouble() / postfix.getAsDouble()) : "n/a";
        g.drawString(ratio, WIDTH - 95, y + 8 + BAR + 2);
        g.setColor(new Color(0xe2e8f0));
        g.setStroke(new BasicStroke(1));
        g.drawLine(20, y + GROUP - 12, WIDTH - 20, y + GROUP - 12);
    }

    private static void drawBar(Graphics2D g, OptionalDouble value, double max, String unit, Color color, int y) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        if (value.isEmpty()) {
            g.setColor(Color.GRAY);
            g.drawString("n/a", LABEL, y + BAR - 6);
            return;
        }
        int length = max > 0 ? (int) Math.round(BAR_AREA * value.getAsDouble() / max) : 0;
        g.setColor(color);
        g.fillRect(LABEL, y, Math.max(1, length), BAR);
        g.setColor(Color.BLACK);
        g.drawString(String.format(Locale.ROOT, "%,.0f %s", value.getAsDouble(), unit), LABEL + length + 8,
                y + BAR - 6);
    }

    private static void drawLegend(Graphics2D g, int y) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(QUAIL_COLOR);
        g.fillRect(LABEL, y - 11, 14, 14);
        g.setColor(Color.BLACK);
        g.drawString("Quail", LABEL + 20, y);
        g.setColor(POSTFIX_COLOR);
        g.fillRect(LABEL + 90, y - 11, 14, 14);
        g.setColor(Color.BLACK);
        g.drawString("Postfix", LABEL + 110, y);
        g.drawString("right: Quail/Postfix", WIDTH - 170, y);
    }

    private static void drawWrapped(Graphics2D g, String text, int x, int y, int width) {
        int lineY = y;
        for (String line : wrap(g, text, width)) {
            g.drawString(line, x, lineY);
            lineY += 16;
        }
    }

    /** Words into lines no wider than {@code width} in the current font (a longer word gets its own line). */
    private static List<String> wrap(Graphics2D g, String text, int width) {
        List<String> lines = new ArrayList<>();
        String line = "";
        for (String word : text.split(" ")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (g.getFontMetrics().stringWidth(candidate) > width && !line.isEmpty()) {
                lines.add(line);
                line = word;
            } else {
                line = candidate;
            }
        }
        lines.add(line);
        return lines;
    }

    /** How many lines the subtitle needs, measured before the image's height is known. */
    private static int subtitleLines(String subtitle) {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        try {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            return wrap(g, subtitle, WIDTH - 40).size();
        } finally {
            g.dispose();
        }
    }

    private static OptionalDouble rate(List<BenchRow> group, String system) {
        return group.stream().filter(r -> r.system().equals(system)).findFirst()
                .map(BenchRow::endToEndRate).orElse(OptionalDouble.empty());
    }
}
