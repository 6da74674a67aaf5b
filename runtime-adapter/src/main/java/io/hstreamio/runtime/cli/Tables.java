package io.hstreamio.runtime.cli;

import java.util.List;

/** Plain-text tables for a terminal. */
final class Tables {
    private Tables() {}

    static String render(List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], i < r.size() ? r.get(i).length() : 0);
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, width);
        row(sb, header, width);
        line(sb, width);
        for (List<String> r : rows) {
            row(sb, r, width);
        }
        line(sb, width);
        return sb.toString();
    }

    private static void line(StringBuilder sb, int[] width) {
        for (int w : width) {
            sb.append('+').append("-".repeat(w + 2));
        }
        sb.append("+\n");
    }

    private static void row(StringBuilder sb, List<String> cells, int[] width) {
        for (int i = 0; i < width.length; i++) {
            String c = i < cells.size() ? cells.get(i) : "";
            sb.append("| ").append(c).append(" ".repeat(width[i] - c.length() + 1));
        }
        sb.append("|\n");
    }
}
