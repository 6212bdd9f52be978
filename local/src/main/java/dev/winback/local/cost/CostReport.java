package dev.winback.local.cost;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.local.cost.Usage.Path;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The priced result: each metered line with its dollars, the ingest and messaging paths per million
 * behavior events, and the monthly (idle) cost; as a table for people or JSON for machines.
 */
public final class CostReport {

    /** The ingest goal of issue #9: dollars per million events on on-demand list prices. */
    public static final double INGEST_GOAL_PER_MILLION = 0.30;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A line with its price. */
    public record Priced(Usage.Line line, PriceTable.Price price, double usd) {
    }

    /** The ingest path replayed with every user copied {@code copies} times. */
    public record Scaled(int copies, IngestReplay.Result ingest, Usage usage) {
    }

    private final PriceTable prices;
    private final Deployment deployment;
    private final int shards;
    private final java.time.Duration window;
    private final String trace;
    private final IngestReplay.Result ingest;
    private final MessagingModel.Result messaging;
    private final long decisions;
    private final long messages;
    private final List<Priced> lines;
    private final Scaled scaled;
    private final List<Priced> scaledLines;

    /** @param messaging null when only the ingest path was counted */
    CostReport(PriceTable prices, Deployment deployment, int shards, java.time.Duration window, String trace,
               IngestReplay.Result ingest, MessagingModel.Result messaging, long decisions, long messages, Usage usage,
               Scaled scaled) {
        this.prices = prices;
        this.deployment = deployment;
        this.shards = shards;
        this.window = window;
        this.trace = trace;
        this.ingest = ingest;
        this.messaging = messaging;
        this.decisions = decisions;
        this.messages = messages;
        this.lines = price(usage);
        this.scaled = scaled;
        this.scaledLines = scaled == null ? List.of() : price(scaled.usage());
    }

    private List<Priced> price(Usage usage) {
        List<Priced> priced = new ArrayList<>();
        for (Usage.Line line : usage.lines()) {
            PriceTable.Price price = prices.price(line.priceKey());
            priced.add(new Priced(line, price, price.cost(line.quantity())));
        }
        return priced;
    }

    public double total(Path path) {
        return total(lines, path);
    }

    private static double total(List<Priced> lines, Path path) {
        return lines.stream().filter(p -> p.line().path() == path).mapToDouble(Priced::usd).sum();
    }

    public double ingestPerMillion() {
        return perMillion(total(Path.INGEST), ingest.records());
    }

    /** Ingest per million events without the X-Ray traces (what turning tracing off for it would save). */
    public double ingestPerMillionWithoutTraces() {
        double traces = lines.stream().filter(p -> p.line().path() == Path.INGEST && p.line().service().equals("X-Ray"))
                .mapToDouble(Priced::usd).sum();
        return perMillion(total(Path.INGEST) - traces, ingest.records());
    }

    public double messagingPerMillion() {
        return perMillion(total(Path.MESSAGING), ingest.records());
    }

    /** Ingest per million events with the population scaled up, or NaN without a scaled run. */
    public double scaledIngestPerMillion() {
        return scaled == null ? Double.NaN : perMillion(total(scaledLines, Path.INGEST), scaled.ingest().records());
    }

    /**
     * Ingest per million events had the stream been provisioned: the on-demand data-in and data-out
     * lines give way to PUT payload units (the shards' hours are a monthly charge, see {@link #provisionedShardMonth}).
     */
    public double ingestPerMillionProvisioned() {
        double onDemand = lines.stream().filter(p -> p.line().path() == Path.INGEST
                        && p.line().priceKey().startsWith("kinesis.onDemand.")).mapToDouble(Priced::usd).sum();
        double units = prices.price("kinesis.provisioned.putPayloadUnits").cost(ingest.putPayloadUnits());
        return perMillion(total(Path.INGEST) - onDemand + units, ingest.records());
    }

    /** What the stream's shards would cost per month in provisioned mode. */
    public double provisionedShardMonth() {
        return prices.price("kinesis.provisioned.shardHour").cost(shards * prices.assumption("monthHours"));
    }

    public double monthly() {
        return total(Path.MONTHLY);
    }

    public List<Priced> lines() {
        return List.copyOf(lines);
    }

    public IngestReplay.Result ingest() {
        return ingest;
    }

    public MessagingModel.Result messaging() {
        return messaging;
    }

    private static double perMillion(double usd, long events) {
        return events == 0 ? 0 : usd / events * 1_000_000;
    }

    /** Months the trace's traffic would fill: a month's cost at its rate is the trace's cost times that. */
    private double monthsPerTrace() {
        double hours = Math.max(1, ingest.span().toMinutes() / 60.0);
        return prices.assumption("monthHours") / hours;
    }

    public void print(PrintWriter out) {
        out.printf("Cost of %s with %s (%s, prices as of %s)%n", trace, prices.source(), prices.region(), prices.asOf());
        out.printf("%,d events over %.1f h on %d shards, batching window %d s: %,d IngestFunction batches"
                        + " (%.1f records each, at most %d), %,d state writes (%.2f per event)%s%n%n",
                ingest.records(), ingest.span().toMinutes() / 60.0, shards, window.toSeconds(), ingest.invocations(),
                ingest.recordsPerBatch(), ingest.maxBatch(), ingest.stateWrites(),
                ingest.records() == 0 ? 0 : (double) ingest.stateWrites() / ingest.records(),
                messaging == null ? "" : String.format(Locale.ROOT, ", %,d decisions, %,d messages", decisions, messages));
        table(out, lines, Path.INGEST, "Ingest path (this trace)");
        if (messaging != null) {
            table(out, lines, Path.MESSAGING, "Messaging path (this trace)");
        }
        table(out, lines, Path.MONTHLY, "Per month, whatever the traffic");
        if (scaled != null) {
            out.printf("Ingest path with every user copied %d times: %,d events, %.1f records per batch,"
                            + " %.2f state writes per event%n", scaled.copies(), scaled.ingest().records(),
                    scaled.ingest().recordsPerBatch(), (double) scaled.ingest().stateWrites() / scaled.ingest().records());
            table(out, scaledLines, Path.INGEST, "Ingest path (x" + scaled.copies() + " users)");
        }
        out.println("Summary");
        out.printf("  ingest     %s per million events  (goal <= $%.2f: %s; without X-Ray traces %s)%n",
                usd(ingestPerMillion()), INGEST_GOAL_PER_MILLION,
                ingestPerMillion() <= INGEST_GOAL_PER_MILLION ? "met" : "not met", usd(ingestPerMillionWithoutTraces()));
        if (scaled != null) {
            out.printf("  ingest x%-2d %s per million events  (goal <= $%.2f: %s) at %.1f records per batch%n",
                    scaled.copies(), usd(scaledIngestPerMillion()), INGEST_GOAL_PER_MILLION,
                    scaledIngestPerMillion() <= INGEST_GOAL_PER_MILLION ? "met" : "not met",
                    scaled.ingest().recordsPerBatch());
        }
        out.printf("  provisioned stream instead: ingest %s per million events, and %d shards at %s per month"
                        + " instead of the on-demand stream's hours%n",
                usd(ingestPerMillionProvisioned()), shards, usd(provisionedShardMonth()));
        if (messaging != null) {
            out.printf("  messaging  %s per million events  (%s per 1,000 messages sent; SMS %s of it; without SMS %s"
                            + " per million events)%n",
                    usd(messagingPerMillion()), usd(messages == 0 ? 0 : total(Path.MESSAGING) / messages * 1000),
                    share(smsShare()), usd(messagingPerMillion() * (1 - smsShare())));
        }
        out.printf("  idle       %s per month (stream hours, key, alarms, metrics, pollers, daily scan, storage)%n",
                usd(monthly()));
        out.printf("  at this trace's rate: %s per month (ingest %s, messaging %s, idle %s)%n",
                usd((total(Path.INGEST) + total(Path.MESSAGING)) * monthsPerTrace() + monthly()),
                usd(total(Path.INGEST) * monthsPerTrace()), usd(total(Path.MESSAGING) * monthsPerTrace()), usd(monthly()));
        out.printf("  duration: IngestFunction measured %.0f ms in this JVM, billed %.0f ms (x%.2f CPU share at %d MB,"
                        + " plus assumed round trips)%n",
                ingest.measuredMs(), ingest.billedMs(), Math.max(1, IngestReplay.FULL_VCPU_MB
                        / deployment.function("IngestFunction").memoryMb()), deployment.function("IngestFunction").memoryMb());
        List<String> unsure = unsurePrices();
        if (!unsure.isEmpty()) {
            out.printf("  prices not verified for this table (check them): %s%n", String.join(", ", unsure));
        }
        out.flush();
    }

    private void table(PrintWriter out, List<Priced> priced, Path path, String title) {
        out.println(title);
        out.printf("  %-30s %-62s %16s %12s%n", "service", "what", "quantity", "USD");
        for (Priced p : priced) {
            if (p.line().path() != path || p.line().quantity() == 0) {
                continue;
            }
            out.printf("  %-30s %-62s %16s %12s%n", p.line().service(), p.line().item(), quantity(p.line().quantity()),
                    usd(p.usd()));
        }
        out.printf("  %-30s %-62s %16s %12s%n%n", "total", "", "", usd(total(priced, path)));
    }

    private double smsShare() {
        double all = total(Path.MESSAGING);
        double sms = lines.stream().filter(p -> p.line().path() == Path.MESSAGING && p.line().service().equals("SMS"))
                .mapToDouble(Priced::usd).sum();
        return all == 0 ? 0 : sms / all;
    }

    /** Prices used here that nobody read on the official page for this table. */
    private List<String> unsurePrices() {
        TreeSet<String> keys = new TreeSet<>();
        for (Priced p : lines) {
            if (p.usd() > 0 && !"official".equals(p.price().status())) {
                keys.add(p.price().key() + " (" + p.price().status() + ")");
            }
        }
        return List.copyOf(keys);
    }

    public String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("trace", trace);
        ObjectNode table = root.putObject("prices");
        table.put("file", prices.source());
        table.put("region", prices.region());
        table.put("asOf", prices.asOf());
        table.put("currency", prices.currency());
        ObjectNode assumptions = table.putObject("assumptions");
        prices.assumptions().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> assumptions.put(e.getKey(), e.getValue()));
        root.put("shards", shards);
        ObjectNode in = root.putObject("ingest");
        in.put("events", ingest.records());
        in.put("bytes", ingest.bytes());
        in.put("hours", ingest.span().toMinutes() / 60.0);
        in.put("invocations", ingest.invocations());
        in.put("recordsPerBatch", ingest.recordsPerBatch());
        in.put("stateWrites", ingest.stateWrites());
        in.put("writeUnits", ingest.writeUnits());
        in.put("readUnits", ingest.readUnits());
        in.put("indexWriteUnits", ingest.indexWrites());
        in.put("segmentChanges", ingest.segmentChanges());
        in.put("quarantined", ingest.quarantined());
        in.put("measuredMs", ingest.measuredMs());
        in.put("billedMs", ingest.billedMs());
        in.put("userItemBytes", ingest.userItemBytes());
        in.put("usd", total(Path.INGEST));
        in.put("usdPerMillionEvents", ingestPerMillion());
        in.put("usdPerMillionEventsWithoutTraces", ingestPerMillionWithoutTraces());
        in.put("batchingWindowSeconds", window.toSeconds());
        in.put("usdPerMillionEventsProvisionedStream", ingestPerMillionProvisioned());
        in.put("provisionedShardsUsdPerMonth", provisionedShardMonth());
        in.put("goalUsdPerMillionEvents", INGEST_GOAL_PER_MILLION);
        in.put("goalMet", ingestPerMillion() <= INGEST_GOAL_PER_MILLION);
        if (messaging != null) {
            messaging(root.putObject("messaging"));
        }
        ObjectNode idle = root.putObject("monthly");
        idle.put("usd", monthly());
        idle.put("usdAtTraceRate", (total(Path.INGEST) + total(Path.MESSAGING)) * monthsPerTrace() + monthly());
        if (scaled != null) {
            ObjectNode s = root.putObject("scaledIngest");
            s.put("copies", scaled.copies());
            s.put("events", scaled.ingest().records());
            s.put("invocations", scaled.ingest().invocations());
            s.put("recordsPerBatch", scaled.ingest().recordsPerBatch());
            s.put("stateWrites", scaled.ingest().stateWrites());
            s.put("usd", total(scaledLines, Path.INGEST));
            s.put("usdPerMillionEvents", scaledIngestPerMillion());
            s.put("goalMet", scaledIngestPerMillion() <= INGEST_GOAL_PER_MILLION);
            s.set("lines", lines(scaledLines));
        }
        root.set("lines", lines(lines));
        ArrayNode unsure = root.putArray("unverifiedPrices");
        unsurePrices().forEach(unsure::add);
        try {
            return JSON.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void messaging(ObjectNode msg) {
        msg.put("timerDeliveries", messaging.timerDeliveries());
        msg.put("staleChecks", messaging.staleChecks());
        msg.put("decisions", decisions);
        msg.put("deferred", messaging.deferred());
        msg.put("messages", messages);
        msg.put("sms", messaging.sms());
        msg.put("smsParts", messaging.smsParts());
        msg.put("orders", messaging.orders());
        ObjectNode calls = msg.putObject("calls");
        messaging.calls().forEach((call, n) -> calls.put(call.name(), n));
        msg.put("usd", total(Path.MESSAGING));
        msg.put("usdPerMillionEvents", messagingPerMillion());
        msg.put("usdPerMillionEventsWithoutSms", messagingPerMillion() * (1 - smsShare()));
    }

    private static ArrayNode lines(List<Priced> priced) {
        ArrayNode array = JSON.createArrayNode();
        for (Priced p : priced) {
            ObjectNode line = array.addObject();
            line.put("path", p.line().path().name().toLowerCase(Locale.ROOT));
            line.put("service", p.line().service());
            line.put("what", p.line().item());
            line.put("quantity", p.line().quantity());
            line.put("unit", p.price().unit());
            line.put("price", p.line().priceKey());
            line.put("usd", p.usd());
        }
        return array;
    }

    private static String usd(double value) {
        if (value != 0 && Math.abs(value) < 0.01) {
            return String.format(Locale.ROOT, "$%.4f", value);
        }
        return String.format(Locale.ROOT, "$%,.2f", value);
    }

    private static String share(double value) {
        return String.format(Locale.ROOT, "%.0f %%", value * 100);
    }

    private static String quantity(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,.1f", value)
                : String.format(Locale.ROOT, "%.6g", value);
    }
}
