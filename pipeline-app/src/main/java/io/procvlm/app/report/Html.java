package io.procvlm.app.report;

import java.util.List;
import java.util.Locale;

/** Small helpers for writing the report's static HTML: escaping, tables, the page frame with its inline style. */
final class Html {
    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2430;\
            background:#f6f7f9}
            header{background:#1d2430;color:#fff;padding:14px 24px}header a{color:#9cc3ff}
            header h1{margin:0;font-size:20px}header p{margin:4px 0 0;font-size:13px;color:#c9d1dc}
            main{padding:16px 24px;max-width:1180px}
            h2{font-size:17px;margin:22px 0 8px;border-bottom:1px solid #d5dae1;padding-bottom:4px}
            h3{font-size:15px;margin:16px 0 6px}
            table{border-collapse:collapse;background:#fff;font-size:13px;margin:6px 0}
            th,td{border:1px solid #d5dae1;padding:3px 8px;text-align:left;vertical-align:top}
            th{background:#eef1f5}td.n{text-align:right;font-variant-numeric:tabular-nums}
            .note{color:#5a6474;font-size:12.5px;max-width:900px}
            .chart{background:#fff;border:1px solid #d5dae1;margin:6px 0}
            .thumbs{display:flex;flex-wrap:wrap;gap:8px}
            figure{margin:0;background:#fff;border:1px solid #d5dae1;padding:4px;font-size:11.5px}
            figure img{display:block}figcaption{max-width:170px}
            .ok{color:#1b7f3b}.bad{color:#b3261e}.warn{color:#9a6700}
            code{font-size:12px}
            """;

    private Html() {}

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A whole page: doctype, inline style, a header with the title, a subtitle and navigation, then the body. */
    static String page(String title, String subtitle, String navigation, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<link rel=\"icon\" href=\"data:,\">\n"
                // nothing may be fetched: no scripts, images only inline
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:;"
                + " style-src 'unsafe-inline'\">\n"
                + "<title>" + escape(title) + "</title>\n<style>\n" + STYLE + "</style>\n</head>\n<body>\n<header><h1>"
                + escape(title) + "</h1><p>" + subtitle + "</p><p>" + navigation + "</p></header>\n<main>\n" + body
                + "</main>\n</body>\n</html>\n";
    }

    /** A table; header cells and row cells are HTML already (escape the text first). */
    static String table(List<String> header, List<List<String>> rows, String cssClass) {
        StringBuilder out = new StringBuilder("<table");
        if (cssClass != null) {
            out.append(" class=\"").append(cssClass).append('"');
        }
        out.append(">\n<thead><tr>");
        for (String cell : header) {
            out.append("<th>").append(cell).append("</th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : rows) {
            out.append("<tr>");
            for (String cell : row) {
                if (cell.startsWith("\u0001")) {
                    out.append("<td class=\"n\">").append(cell.substring(1)).append("</td>");
                } else {
                    out.append("<td>").append(cell).append("</td>");
                }
            }
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table>\n");
        return out.toString();
    }

    /** A right-aligned numeric cell for {@link #table}. */
    static String num(String formatted) {
        return "\u0001" + formatted;
    }

    static String num(long value) {
        return num(String.format(Locale.ROOT, "%,d", value));
    }

    static String num(double value, String format) {
        return num(Double.isFinite(value) ? String.format(Locale.ROOT, format, value) : "-");
    }
}
