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
import dev.winback.adapters.DynamoCampaignLedger;
import dev.winback.adapters.DynamoLedgerHistory;
import dev.winback.core.geo.CampaignPlanRecord;
import dev.winback.core.geo.CampaignReport;
import dev.winback.core.policy.PolicyLoader;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** {@code winback report}: conversion rate, ROI and uplift (C7) from a simulation's output. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Conversions (C7) from a simulation's output or a deployed stack's ledger table: sends, "
                + "conversions, conversion rate, revenue, discount cost, ROI and uplift against the holdout (95 %% "
                + "Newcombe interval) per trigger, scenario, strategy, reward and channel.",
                "--out DIR reads DIR/decisions.jsonl and DIR/conversions.jsonl as written by ./winback simulate; "
                        + "--ledger-table TABLE reads the decisions and conversions ConversionFunction recorded "
                        + "(one paginated Scan).",
                "--ledger-table TABLE --campaign ID prints a site campaign's report (D8) instead."})
public final class ReportCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", description = "The simulation's output directory.")
    Path out;

    @Option(names = "--ledger-table", paramLabel = "TABLE",
            description = "A deployed stack's ledger table (its LedgerTableName output), instead of --out.")
    String ledgerTable;

    @Mixin
    DynamoDbTarget target = new DynamoDbTarget();

    @Option(names = "--since", paramLabel = "INSTANT",
            description = "Only decisions made at or after this RFC 3339 instant or date (midnight in the policy's time "
                    + "zone), with the orders attributed to them (--ledger-table only).")
    String since;

    @Option(names = "--until", paramLabel = "INSTANT",
            description = "Only decisions made before this RFC 3339 instant or date (--ledger-table only).")
    String until;

    @Option(names = "--json", description = "Print the figures as one JSON document instead of tables.")
    boolean json;

    @Option(names = "--campaign", paramLabel = "ID",
            description = "A site campaign's report (D8) from --ledger-table: targets, reached, read, clicked, "
                    + "transacted, conversion rate, potential-customer share.")
    String campaign;

    @Spec
    CommandSpec spec;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public Integer call() throws Exception {
        if ((out == null) == (ledgerTable == null)) {
            throw new WinbackCommand.UserError("report needs either --out DIR (a simulation) or --ledger-table TABLE (AWS)");
        }
        if (out != null && (target.given() || since != null || until != null || campaign != null)) {
            throw new WinbackCommand.UserError("--endpoint, --region, --since, --until and --campaign go with --ledger-table");
        }
        if (campaign != null) {
            return campaignReport();
        }
        List<Touch> touches;
        List<Conversion> conversions;
        List<CampaignReport> campaigns = List.of();
        if (out != null) {
            touches = ConversionFiles.readTouches(out.resolve(ConversionFiles.DECISIONS));
            conversions = ConversionFiles.readConversions(out.resolve(ConversionFiles.CONVERSIONS), touches);
            campaigns = CampaignReports.read(out.resolve(SimulatedCampaigns.FILE));
        } else {
            DynamoLedgerHistory.History history = readLedger();
            touches = history.touches();
            conversions = history.conversions();
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            ObjectNode root = json(touches, conversions);
            if (!campaigns.isEmpty()) {
                root.set("campaigns", JSON.valueToTree(campaigns));
            }
            w.println(JSON.writeValueAsString(root));
        } else {
            print(w, touches, conversions);
            CampaignReports.printAll(w, campaigns);
        }
        w.flush();
        return 0;
    }

    /** D8: one campaign's plan record and its targets' engagements (one GetItem, one Query). */
    private int campaignReport() throws Exception {
        String where = target.where(ledgerTable);
        try (DynamoDbClient dynamo = target.client()) {
            DynamoCampaignLedger ledger = new DynamoCampaignLedger(dynamo, ledgerTable);
            CampaignPlanRecord plan = ledger.plan(campaign).orElseThrow(() ->
                    new WinbackCommand.UserError("no campaign " + campaign + " in ledger table " + where));
            CampaignReport report = CampaignReport.of(campaign, plan.targets(), ledger.engagements(campaign));
            PrintWriter w = spec.commandLine().getOut();
            if (json) {
                w.println(CampaignReports.toJson(CampaignReports.json(plan, report)));
            } else {
                CampaignReports.print(w, plan, report);
            }
            w.flush();
            return 0;
        } catch (ResourceNotFoundException e) {
            throw new WinbackCommand.UserError("ledger table " + where + " not found");
        } catch (SdkException e) {
            throw new WinbackCommand.UserError("cannot read ledger table " + where + ": " + e.getMessage());
        }
    }

    /** Decisions and conversions from the ledger table: what ConversionFunction and the triggers recorded. */
    private DynamoLedgerHistory.History readLedger() {
        java.time.ZoneId zone = PolicyLoader.defaults().timeZone();
        Instant from = instant("--since", since, zone);
        Instant to = instant("--until", until, zone);
        if (from != null && to != null && !from.isBefore(to)) {
            throw new WinbackCommand.UserError("--since must be before --until");
        }
        String where = target.where(ledgerTable);
        try (DynamoDbClient dynamo = target.client()) {
            DynamoLedgerHistory.History history = new DynamoLedgerHistory(dynamo, ledgerTable).read(from, to);
            if (history.conversionsOutsideRange() > 0) {
                spec.commandLine().getErr().printf("winback: %d conversions belong to decisions outside the range (or "
                        + "expired) and are left out%n", history.conversionsOutsideRange());
            }
            return history;
        } catch (ResourceNotFoundException e) {
            throw new WinbackCommand.UserError("ledger table " + where + " not found");
        } catch (SdkException e) {
            throw new WinbackCommand.UserError("cannot read ledger table " + where + ": " + e.getMessage());
        }
    }

    static Instant instant(String option, String text, java.time.ZoneId zone) {
        if (text == null) {
            return null;
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(zone).toInstant()
                    : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new WinbackCommand.UserError(option + " must be a date (2026-12-20) or an RFC 3339 instant, got '"
                    + text + "'");
        }
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
