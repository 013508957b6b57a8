package io.procvlm.app.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Inline SVG charts drawn in Java (no script): a progress chart with curves over frames and subtask bands beneath, and
 * a horizontal bar chart. Coordinates are rounded to 0.1 px so the output is stable text.
 */
final class Svg {
    /** Colours of the curves, in order. */
    static final List<String> CURVE_COLOURS = List.of("#1f6feb", "#d1242f", "#6e7781", "#1a7f37", "#8250df");

    private static final List<String> BAND_COLOURS =
            List.of("#a5d6ff", "#ffd8b5", "#c8f0c8", "#f5c2e7", "#fff1a8", "#d0c4f7", "#b8e6e0", "#f7c6c6", "#dcdcdc");

    private Svg() {}

    /** One curve: a value in [0, 1] per x (frame index). */
    record Curve(String name, long[] x, double[] y, boolean dashed) {}

    /** One band: a labelled span of frames [start, end). */
    record Band(String label, long start, long end, String status) {}

    /** A row of bands under the chart, e.g. the annotator's spans or the gold spans. */
    record BandRow(String name, List<Band> bands) {}

    static String progressChart(String title, long firstFrame, long lastFrame, List<Curve> curves, List<BandRow> rows) {
        int width = 900;
        int left = 48;
        int right = 160;
        int top = 22;
        int plot = 200;
        int bandHeight = 20;
        int height = top + plot + 30 + rows.size() * (bandHeight + 6) + 8;
        double span = Math.max(1, lastFrame - firstFrame);
        double plotWidth = width - left - right;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg class=\"chart progress-chart\" width=\"%d\" height=\"%d\""
                        + " viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n",
                width,
                height,
                width,
                height,
                Html.escape(title)));
        svg.append("<title>").append(Html.escape(title)).append("</title>\n");
        // grid and axes
        for (int i = 0; i <= 4; i++) {
            double y = top + plot - plot * i / 4.0;
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e3e7ec\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" fill=\"#5a6474\">%d%%</text>\n",
                    left,
                    y,
                    left + plotWidth,
                    y,
                    left - 6,
                    y + 4,
                    i * 25));
        }
        for (int i = 0; i <= 5; i++) {
            double frame = firstFrame + span * i / 5.0;
            double x = left + plotWidth * i / 5.0;
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5a6474\">%d</text>\n",
                    x,
                    top + plot + 14,
                    Math.round(frame)));
        }
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5a6474\">frame</text>\n",
                left + plotWidth / 2,
                top + plot + 27));
        svg.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"none\" stroke=\"#8c959f\"/>\n",
                left,
                top,
                plotWidth,
                plot));
        // curves
        for (int c = 0; c < curves.size(); c++) {
            Curve curve = curves.get(c);
            String colour = CURVE_COLOURS.get(c % CURVE_COLOURS.size());
            StringBuilder d = new StringBuilder();
            int points = 0;
            for (int i = 0; i < curve.x().length; i++) {
                if (!Double.isFinite(curve.y()[i])) {
                    continue;
                }
                double x = left + plotWidth * (curve.x()[i] - firstFrame) / span;
                double y = top + plot - plot * Math.max(0, Math.min(1, curve.y()[i]));
                d.append(points == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
                points++;
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<path class=\"curve\" data-curve=\"%s\" data-points=\"%d\" d=\"%s\" fill=\"none\" stroke=\"%s\""
                            + " stroke-width=\"2\"%s/>\n",
                    Html.escape(curve.name()),
                    points,
                    d,
                    colour,
                    curve.dashed() ? " stroke-dasharray=\"5 4\"" : ""));
            double legendY = top + 12 + c * 18;
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"%s/>"
                            + "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#1d2430\">%s</text>\n",
                    left + plotWidth + 10,
                    legendY,
                    left + plotWidth + 34,
                    legendY,
                    colour,
                    curve.dashed() ? " stroke-dasharray=\"5 4\"" : "",
                    left + plotWidth + 40,
                    legendY + 4,
                    Html.escape(curve.name())));
        }
        // subtask bands
        Map<String, String> colours = new LinkedHashMap<>();
        for (BandRow row : rows) {
            for (Band band : row.bands()) {
                colours.computeIfAbsent(
                        verb(band.label()), k -> BAND_COLOURS.get(colours.size() % BAND_COLOURS.size()));
            }
        }
        int y = top + plot + 34;
        for (BandRow row : rows) {
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#1d2430\">%s</text>\n",
                    left + plotWidth + 10,
                    y + 14,
                    Html.escape(row.name())));
            for (Band band : row.bands()) {
                double x0 = left + plotWidth * (Math.max(band.start(), firstFrame) - firstFrame) / span;
                double x1 = left + plotWidth * (Math.min(band.end(), lastFrame + 1) - firstFrame) / span;
                double w = Math.max(1, x1 - x0);
                boolean failed = !band.status().equals("completed");
                svg.append(String.format(
                        Locale.ROOT,
                        "<rect class=\"band\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\""
                                + " stroke=\"%s\"><title>%s [%d, %d) %s</title></rect>\n",
                        x0,
                        y,
                        w,
                        bandHeight,
                        colours.get(verb(band.label())),
                        failed ? "#b3261e" : "#ffffff",
                        Html.escape(band.label()),
                        band.start(),
                        band.end(),
                        Html.escape(band.status())));
                if (w > 34) {
                    svg.append(String.format(
                            Locale.ROOT,
                            "<text x=\"%.1f\" y=\"%d\" font-size=\"10.5\" fill=\"#1d2430\">%s</text>\n",
                            x0 + 3,
                            y + 14,
                            Html.escape(fit(verb(band.label()), w))));
                }
            }
            y += bandHeight + 6;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** Horizontal bars, one per label, scaled to the largest value; each bar's value is written after it. */
    static String barChart(String title, List<String> labels, List<long[]> values, List<String> seriesNames) {
        int rowHeight = 22;
        int left = 260;
        int width = 900;
        int height = 30 + labels.size() * rowHeight + 10;
        long max = 1;
        for (long[] row : values) {
            long total = 0;
            for (long value : row) {
                total += value;
            }
            max = Math.max(max, total);
        }
        double plotWidth = width - left - 120;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg class=\"chart bar-chart\" width=\"%d\" height=\"%d\""
                        + " viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n<title>%s</title>\n",
                width,
                height,
                width,
                height,
                Html.escape(title),
                Html.escape(title)));
        for (int s = 0; s < seriesNames.size(); s++) {
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"6\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"16\""
                            + " font-size=\"12\">%s</text>\n",
                    left + s * 150,
                    CURVE_COLOURS.get(s % CURVE_COLOURS.size()),
                    left + s * 150 + 16,
                    Html.escape(seriesNames.get(s))));
        }
        for (int i = 0; i < labels.size(); i++) {
            int y = 28 + i * rowHeight;
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s</text>\n",
                    left - 8,
                    y + 14,
                    Html.escape(labels.get(i))));
            double x = left;
            List<String> parts = new ArrayList<>();
            for (int s = 0; s < values.get(i).length; s++) {
                long value = values.get(i)[s];
                double w = plotWidth * value / max;
                if (value > 0) {
                    svg.append(String.format(
                            Locale.ROOT,
                            "<rect class=\"bar\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\"><title>%s:"
                                    + " %d</title></rect>\n",
                            x,
                            y + 2,
                            Math.max(1, w),
                            CURVE_COLOURS.get(s % CURVE_COLOURS.size()),
                            Html.escape(seriesNames.get(s)),
                            value));
                }
                x += w;
                parts.add(String.format(Locale.ROOT, "%,d", value));
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#5a6474\">%s</text>\n",
                    x + 6,
                    y + 14,
                    String.join(" / ", parts)));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String verb(String label) {
        String trimmed = label.strip();
        int space = trimmed.indexOf(' ');
        return (space < 0 ? trimmed : trimmed.substring(0, space)).toLowerCase(Locale.ROOT);
    }

    private static String fit(String text, double width) {
        int chars = (int) ((width - 6) / 6);
        return text.length() <= chars ? text : text.substring(0, Math.max(1, chars - 1)) + "…";
    }
}
