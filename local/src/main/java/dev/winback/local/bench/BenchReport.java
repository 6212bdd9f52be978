package dev.winback.local.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The rows of one {@code winback bench} run and the machine they were measured on: a table, JSON or Markdown. */
public record BenchReport(Machine machine, BenchSettings settings, List<BenchRow> rows) {

    private static final String[] HEADER = {"measure", "compared with", "result", "ratio", "goal", "met"};

    public boolean hasErrors() {
        return rows.stream().anyMatch(r -> r.verdict() == BenchRow.Verdict.ERROR);
    }

    public void printTable(PrintWriter out) {
        List<String[]> cells = new ArrayList<>();
        cells.add(HEADER);
        rows.forEach(r -> cells.add(cells(r)));
        int[] widths = new int[HEADER.length];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : cells) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                text.append(String.format("%-" + widths[i] + "s", line[i])).append(i < line.length - 1 ? "  " : "");
            }
            out.println(text.toString().stripTrailing());
        }
        out.println("machine: " + machine + (settings.quick() ? "  (quick run: not for publishing)" : ""));
        out.flush();
    }

    /** A table to paste into BENCHMARKS.md. */
    public void printMarkdown(PrintWriter out) {
        out.println("| " + String.join(" | ", HEADER) + " |");
        out.println("|---|---|---|---:|---|---|");
        for (BenchRow row : rows) {
            String[] c = cells(row);
            if (row.verdict() == BenchRow.Verdict.MET || row.verdict() == BenchRow.Verdict.NOT_MET) {
                c[5] = "**" + c[5] + "**";
            }
            out.println("| " + String.join(" | ", List.of(c).stream().map(s -> s.replace("|", "\\|")).toList()) + " |");
        }
        out.println();
        out.println("Machine: " + machine + (settings.quick() ? " (quick run: not for publishing)" : "") + ".");
        out.flush();
    }

    public String toJson() {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        ObjectNode m = root.putObject("machine");
        m.put("cores", machine.cores());
        m.put("memoryBytes", machine.memoryBytes());
        m.put("jdk", machine.jdk());
        m.put("os", machine.os());
        m.put("loadAverageBefore", machine.loadBefore());
        m.put("loadAverageAfter", machine.loadAfter());
        root.put("quick", settings.quick());
        ArrayNode list = root.putArray("rows");
        for (BenchRow row : rows) {
            ObjectNode r = list.addObject();
            r.put("benchmark", row.suite());
            r.put("measure", row.measure());
            r.put("comparedWith", row.comparison());
            r.put("result", row.result());
            if (row.hasRatio()) {
                r.put("ratio", row.ratio());
            } else {
                r.putNull("ratio");
            }
            r.put("goal", row.goal());
            r.put("verdict", row.verdict().name());
        }
        try {
            return json.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String[] cells(BenchRow r) {
        return new String[] {r.measure(), r.comparison(), r.result(), r.hasRatio() ? ratio(r.ratio()) : "",
                r.goal(), r.verdict().label()};
    }

    /** Ratios near 1 with two decimals, large ones without. */
    static String ratio(double value) {
        if (Double.isInfinite(value)) {
            return "inf";
        }
        return Math.abs(value) >= 100 ? String.format("%,.0fx", value)
                : Math.abs(value) >= 10 ? String.format("%.1fx", value) : String.format("%.2fx", value);
    }
}
