package dev.winback.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.core.conversion.Conversion;
import dev.winback.core.conversion.ConversionStats;
import dev.winback.core.conversion.ConversionStats.Dimension;
import dev.winback.core.conversion.Proportions;
import dev.winback.core.conversion.Touch;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code winback report}: conversion rate, ROI and uplift (C7) from a simulation's output. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Conversions (C7) from a simulation's output: sends, conversions, conversion rate, revenue, "
                + "discount cost, ROI and uplift against the holdout (95 % Newcombe interval) per trigger, scenario, "
                + "strategy, reward and channel.",
                "Reads DIR/decisions.jsonl and DIR/conversions.jsonl as written by ./winback simulate."})
public final class ReportCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The simulation's output directory.")
    Path out;

    @Option(names = "--json", description = "Print the figures as one JSON document instead of tables.")
    boolean json;

    @Spec
    CommandSpec spec;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public Integer call() throws Exception {
        List<Touch> touches = ConversionFiles.readTouches(out.resolve(ConversionFiles.DECISIONS));
        List<Conversion> conversions = ConversionFiles.readConversions(out.resolve(ConversionFiles.CONVERSIONS), touches);
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            w.println(JSON.writeValueAsString(json(touches, conversions)));
        } else {
            print(w, touches, conversions);
        }
        w.flush();
        return 0;
    }

    // --- JSON ------------------------------------------------------------------------------------

    static ObjectNode json(List<Touch> touches, List<Conversion> conversions) {
        ObjectNode root = JSON.createObjectNode();
        root.put("sent", touches.stream().filter(t -> t.group() == Touch.Group.TREATED).count());
        root.put("heldOut", touches.stream().filter(t -> t.group() == Touch.Group.HOLDOUT).count());
        root.put("attributedOrders", conversions.size());
        root.put("confidence", 0.95);
        root.set("total", row(ConversionStats.total(touches, conversions)));
        ObjectNode by = root.putObject("by");
        for (Dimension dimension : Dimension.values()) {
            ArrayNode rows = by.putArray(dimension.wireName());
            ConversionStats.by(dimension, touches, conversions).forEach(r -> rows.add(row(r)));
        }
        return root;
    }

    private static ObjectNode row(ConversionStats.Row r) {
        ObjectNode json = JSON.createObjectNode();
        json.put("value", r.value());
        json.put("sends", r.sends());
        json.put("conversions", r.conversions());
        json.put("conversionRate", decimal(r.conversionRate()));
        json.put("orders", r.orders());
        json.put("revenue", money(r.revenue()));
        json.put("cost", money(r.cost()));
        json.put("roi", r.roi());
        json.put("issued", money(r.issued()));
        json.put("holdout", r.holdout());
        json.put("holdoutConversions", r.holdoutConversions());
        json.put("holdoutRate", decimal(r.holdoutRate()));
        if (r.uplift() == null) {
            json.putNull("uplift");
        } else {
            json.putObject("uplift").put("estimate", decimal(r.uplift().estimate()))
                    .put("lower", decimal(r.uplift().lower())).put("upper", decimal(r.uplift().upper()));
        }
        return json;
    }

    /** Money with at least two decimals (sums of "42" and "35.5" still read as money). */
    private static BigDecimal money(BigDecimal value) {
        return value.scale() < 2 ? value.setScale(2) : value;
    }

    private static BigDecimal decimal(Double value) {
        return value == null ? null : BigDecimal.valueOf(value).setScale(6, RoundingMode.HALF_UP).stripTrailingZeros();
    }

    // --- tables ----------------------------------------------------------------------------------

    private static final String ROW = "%-22s %6s %5s %7s %6s %10s %8s %8s %8s | %7s %5s %7s | %s%n";

    static void print(PrintWriter w, List<Touch> touches, List<Conversion> conversions) {
        ConversionStats.Row total = ConversionStats.total(touches, conversions);
        w.printf("Conversions (C7): %d messages sent, %d held out, %d orders attributed (last touch in the window).%n",
                total.sends(), total.holdout(), conversions.size());
        w.printf("rate = converted decisions / sends; cost = discounts redeemed on attributed orders; "
                + "ROI = (revenue - cost) / cost; issued = coupon face value sent;%n"
                + "uplift = rate - holdout rate, in percentage points, with its 95 %% interval (Newcombe hybrid score),%n"
                + "where both groups have decisions; per trigger, as the holdout is drawn per trigger.%n");
        for (Dimension dimension : Dimension.values()) {
            if (dimension != Dimension.TRIGGER && dimension != Dimension.CHANNEL && dimension != Dimension.REWARD
                    && !ConversionStats.present(dimension, touches)) {
                continue; // scenario and strategy only when decisions name them
            }
            w.println();
            w.printf(ROW, "by " + dimension.wireName(), "sends", "conv", "rate", "orders", "revenue", "cost", "ROI", "issued",
                    "holdout", "conv", "rate", "uplift [95% CI]");
            ConversionStats.by(dimension, touches, conversions).forEach(r -> printRow(w, r));
        }
        w.println();
        printRow(w, total);
    }

    private static void printRow(PrintWriter w, ConversionStats.Row r) {
        w.printf(ROW, r.value(), r.sends(), r.conversions(), percent(r.conversionRate()), r.orders(),
                money(r.revenue()).toPlainString(), money(r.cost()).toPlainString(),
                r.roi() == null ? "n/a" : r.roi().setScale(2, RoundingMode.HALF_UP).toPlainString(),
                money(r.issued()).toPlainString(), r.holdout(), r.holdoutConversions(), percent(r.holdoutRate()), uplift(r.uplift()));
    }

    private static String percent(Double rate) {
        return rate == null ? "-" : String.format(Locale.ROOT, "%.1f%%", rate * 100);
    }

    private static String uplift(Proportions.Interval i) {
        if (i == null) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%+.1f pp [%+.1f, %+.1f]", i.estimate() * 100, i.lower() * 100, i.upper() * 100);
    }
}
