/*
 * FlameGraph: collapsed stacks drawn as an SVG flame graph (Brendan Gregg's layout): "all" at the bottom, each
 * frame a box as wide as its share of the samples, its callees stacked on it in name order; a box is labelled
 * with its class's simple name and method, and its tooltip (<title>) names the frame in full with its samples
 * and percentage. Frames narrower than 0.1% of the width are left out.
 * Plain SVG, no script, so any browser or the file viewer shows it.
 */
package dev.quail.loadtest.profile;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

final class FlameGraph {

    private static final int WIDTH = 1200;
    private static final int ROW = 16;
    private static final int MARGIN = 10;
    private static final int TITLE = 40;
    private static final double MIN_SHARE = 0.001;

    /** A frame in the merged tree: its samples and its callees by name. */
    private static final class Node {
        long samples;
        final Map<String, Node> children = new TreeMap<>();
    }

    private FlameGraph() {}

    static String svg(Map<String, Long> collapsed, String title) {
        Node root = new Node();
        collapsed.forEach((stack, count) -> {
            Node node = root;
            node.samples += count;
            for (String frame : stack.split(";")) {
                node = node.children.computeIfAbsent(frame, f -> new Node());
                node.samples += count;
            }
        });
        int depth = depth(root);
        int height = TITLE + (depth + 2) * ROW + MARGIN;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<?xml version=\"1.0\" standalone=\"no\"?>\n<svg version=\"1.1\" "
                + "width=\"%d\" height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"Verdana\" "
                + "font-size=\"11\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"#f8f8f8\"/>\n"
                + "<text x=\"%d\" y=\"24\" font-size=\"15\">%s (%d samples)</text>\n",
                WIDTH + 2 * MARGIN, height, MARGIN, escape(title), root.samples));
        double perSample = root.samples == 0 ? 0 : (double) WIDTH / root.samples;
        int bottom = height - MARGIN - ROW;
        box(svg, "all", root.samples, root.samples, MARGIN, bottom, WIDTH);
        draw(svg, root, MARGIN, bottom - ROW, perSample, root.samples);
        return svg.append("</svg>\n").toString();
    }

    private static void draw(StringBuilder svg, Node node, double x, int y, double perSample, long total) {
        double at = x;
        for (Map.Entry<String, Node> child : node.children.entrySet()) {
            Node c = child.getValue();
            double width = c.samples * perSample;
            if ((double) c.samples / total >= MIN_SHARE) {
                box(svg, child.getKey(), c.samples, total, at, y, width);
                draw(svg, c, at, y - ROW, perSample, total);
            }
            at += width;
        }
    }

    private static void box(StringBuilder svg, String frame, long samples, long total, double x, int y, double width) {
        int hash = frame.hashCode();
        int red = 205 + Math.floorMod(hash, 50);
        int green = 80 + Math.floorMod(hash >> 8, 120);
        svg.append(String.format(Locale.ROOT, "<g><title>%s: %d samples (%.2f%%)</title><rect x=\"%.1f\" y=\"%d\" "
                        + "width=\"%.1f\" height=\"%d\" fill=\"rgb(%d,%d,60)\" rx=\"2\"/>",
                escape(frame), samples, 100.0 * samples / total, x, y, Math.max(width - 0.5, 0.1), ROW - 1, red, green));
        int fits = (int) ((width - 6) / 7);
        String name = shortName(frame);
        if (fits >= 3) {
            String label = name.length() <= fits ? name : name.substring(0, fits - 2) + "..";
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>", x + 3, y + ROW - 4,
                    escape(label)));
        }
        svg.append("</g>\n");
    }

    /** "Class.method" without the package: "org.example.Foo$Bar.run" is "Foo$Bar.run". */
    private static String shortName(String frame) {
        int method = frame.lastIndexOf('.');
        int type = method > 0 ? frame.lastIndexOf('.', method - 1) : -1;
        return frame.substring(type + 1);
    }

    private static int depth(Node node) {
        int deepest = 0;
        for (Node c : node.children.values()) {
            deepest = Math.max(deepest, 1 + depth(c));
        }
        return deepest;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
