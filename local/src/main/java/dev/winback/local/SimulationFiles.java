package dev.winback.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.adapters.CollectingQuarantine;
import dev.winback.adapters.InMemoryRecallLedgers;
import dev.winback.adapters.RecordingChannels;
import dev.winback.core.ingest.Quarantine;
import dev.winback.core.ingest.QuarantineMessage;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Pii;
import dev.winback.core.state.StateCodec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Writes a simulation's results as JSON Lines, one file per kind. */
final class SimulationFiles {

    static final Set<String> FILES = Set.of("users.jsonl", "ops.jsonl", "quarantine.jsonl", "decisions.jsonl",
            "sends.jsonl", "coupons.jsonl", ConversionFiles.CONVERSIONS);

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private SimulationFiles() {
    }

    /** Everything but decisions.jsonl, which the stores write ({@link SimulationStores#writeDecisions}). */
    static void write(Path outDir, Simulation.Outcome outcome, CollectingQuarantine quarantine) throws IOException {
        Files.createDirectories(outDir);
        lines(outDir.resolve("users.jsonl"), outcome.users().values().stream().map(StateCodec::toJson).toList());
        lines(outDir.resolve("ops.jsonl"), outcome.ops().values().stream().map(StateCodec::toJson).toList());
        lines(outDir.resolve("quarantine.jsonl"), quarantine.records().stream().map(SimulationFiles::quarantined).toList());
        lines(outDir.resolve("sends.jsonl"), outcome.sends().stream().map(SimulationFiles::send).toList());
        lines(outDir.resolve("coupons.jsonl"), outcome.coupons().stream().map(SimulationFiles::coupon).toList());
    }

    /** A decisions.jsonl as the decisions it records, in file order (details as JSON values). */
    static List<Decision> readDecisions(Path file) throws IOException {
        List<Decision> decisions = new java.util.ArrayList<>();
        try (java.io.BufferedReader in = Files.newBufferedReader(file)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                decisions.add(ConversionFiles.decision(line));
            }
        }
        return decisions;
    }

    private static String quarantined(Quarantine.QuarantinedRecord q) {
        ObjectNode json = QuarantineMessage.toJson(q);
        json.put("line", Integer.parseInt(q.record().sequenceNumber()));
        return json.toString();
    }

    static ObjectNode decisionJson(Decision d) {
        ObjectNode json = JSON.createObjectNode();
        json.put("decisionId", d.decisionId());
        json.put("userId", d.userId());
        json.put("trigger", d.trigger());
        json.put("at", d.at().toString());
        json.put("outcome", d.outcome().wireName());
        d.reasons().forEach(json.putArray("reasons")::add);
        if (d.coupon() == null) {
            json.putNull("coupon");
        } else {
            json.putObject("coupon").put("amount", d.coupon().amount()).put("kind", d.coupon().kind());
        }
        d.channels().forEach(json.putArray("channels")::add);
        json.set("details", JSON.valueToTree(d.details()));
        return json;
    }

    static String decision(Decision d) {
        return decisionJson(d).toString();
    }

    private static String send(RecordingChannels.Sent sent) {
        ObjectNode json = JSON.createObjectNode();
        json.put("at", sent.at().toString());
        json.put("decisionId", sent.message().decisionId());
        json.put("userId", sent.message().userId());
        json.put("channel", sent.message().channel());
        json.put("address", Pii.mask(sent.message().address()));
        json.put("text", sent.message().text());
        return json.toString();
    }

    private static String coupon(InMemoryRecallLedgers.IssuedCoupon coupon) {
        ObjectNode json = JSON.createObjectNode();
        json.put("couponId", coupon.couponId());
        json.put("decisionId", coupon.decisionId());
        json.put("userId", coupon.userId());
        json.put("amount", coupon.amount());
        json.put("kind", "coupon");
        json.put("budgetDay", coupon.day().toString());
        return json.toString();
    }

    static void lines(Path file, List<String> lines) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (String line : lines) {
                out.write(line);
                out.newLine();
            }
        }
    }
}
