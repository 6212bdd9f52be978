package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.adapters.DynamoDecisionLog;
import dev.winback.core.recall.Decision;
import dev.winback.it.support.ConversionStories;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.Fixtures;
import dev.winback.local.LocalContext;
import dev.winback.local.WinbackCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code ./winback report --ledger-table} on DynamoDB Local: the decisions the real scenario check and
 * decision log recorded and the conversions ConversionFunction's handler recorded from
 * {@code events/kinesis-orders.json}, read back with one Scan among coupons, claims, counters and
 * contact history, give the figures of the stories — and exactly the report the same decisions and
 * conversions give from a simulation directory.
 */
class LedgerReportTest {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private static DynamoDbClient dynamo;
    private static ConversionStories.Seeded seeded;

    @BeforeAll
    static void recordDecisionsAndConversions() {
        dynamo = DynamoDbLocal.client();
        seeded = ConversionStories.seed(dynamo);
        ConversionStories.handler(dynamo, seeded.ledger())
                .handleRequest(Fixtures.kinesisEvent("kinesis-orders.json"), new LocalContext("ConversionFunction"));
    }

    @AfterAll
    static void close() {
        dynamo.close();
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run winback(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = WinbackCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static Run report(String... extra) {
        List<String> args = new ArrayList<>(List.of("report", "--endpoint", DynamoDbLocal.endpoint().toString(),
                "--region", "us-east-1", "--ledger-table", seeded.ledger()));
        args.addAll(List.of(extra));
        return winback(args.toArray(String[]::new));
    }

    /** The figures of the row for {@code value} under the "by {@code section}" header, split on blanks. */
    private static List<String> row(String report, String section, String value) {
        boolean inSection = false;
        for (String line : report.split("\n")) {
            if (line.startsWith("by ")) {
                inSection = line.startsWith("by " + section + " ");
            } else if (inSection && line.startsWith(value + " ")) {
                return Arrays.asList(line.trim().split("\\s+"));
            }
        }
        throw new AssertionError("no row " + value + " under 'by " + section + "' in\n" + report);
    }

    @Test
    void theReportFromTheLedgerTableShowsTheStoriesFigures() {
        Run run = report();

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("Conversions (C7): 2 messages sent, 1 held out, 2 orders attributed");
        String issued = seeded.sent().coupon() == null ? "0.00" : seeded.sent().coupon().amount().toPlainString();
        // u-1001: one message, converted by a 98.00 order with a 5.00 discount: ROI (98 - 5) / 5 = 18.60;
        // u-1003 held out and ordered too: 100 % against 100 %, uplift 0 with a wide interval.
        assertThat(row(run.out(), "trigger", "scenario:new_no_order").subList(0, 14)).containsExactly(
                "scenario:new_no_order", "1", "1", "100.0%", "1", "98.00", "5.00", "18.60", issued, "|", "1", "1",
                "100.0%", "|");
        assertThat(row(run.out(), "trigger", "scenario:new_no_order").get(14)).isEqualTo("+0.0");
        // u-1002's recall: a 4.20 coupon issued, its order came a day too late.
        assertThat(row(run.out(), "trigger", "deadline")).containsExactly(
                "deadline", "1", "0", "0.0%", "0", "0.00", "0.00", "n/a", "4.20", "|", "0", "0", "-", "|", "n/a");
        assertThat(row(run.out(), "scenario", "new_no_order").subList(0, 9)).containsExactly(
                "new_no_order", "1", "1", "100.0%", "1", "98.00", "5.00", "18.60", issued);
        assertThat(row(run.out(), "reward", seeded.rewardKey()).subList(0, 4))
                .containsExactly(seeded.rewardKey(), "1", "1", "100.0%");
        assertThat(row(run.out(), "channel", "push").subList(0, 4)).containsExactly("push", "1", "0", "0.0%");
        assertThat(row(run.out(), "channel", seeded.sent().channels().get(0)).subList(0, 4))
                .containsExactly(seeded.sent().channels().get(0), "1", "1", "100.0%");
        assertThat(run.out().strip().lines().reduce((a, b) -> b).orElseThrow().trim().split("\\s+")).startsWith(
                "all", "2", "1", "50.0%", "1", "98.00", "5.00", "18.60");
    }

    @Test
    void itIsTheReportTheSameDecisionsAndConversionsGiveFromASimulationDirectory(@TempDir Path dir) throws IOException {
        writeSimulationFiles(dir);

        Run fromFiles = winback("report", "--out", dir.toString());
        Run fromLedger = report();
        Run jsonFromFiles = winback("report", "--out", dir.toString(), "--json");
        Run jsonFromLedger = report("--json");

        assertThat(fromFiles.exit()).as(fromFiles.err()).isZero();
        assertThat(fromLedger.out()).isEqualTo(fromFiles.out());
        assertThat(JSON.readTree(jsonFromLedger.out())).isEqualTo(JSON.readTree(jsonFromFiles.out()));
    }

    @Test
    void sinceKeepsTheDecisionsFromThenOnAndTheirOrders() {
        Run run = report("--since", "2026-11-22T02:00:00Z");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("Conversions (C7): 1 messages sent, 0 held out, 0 orders attributed");
        assertThat(run.err()).contains("2 conversions belong to decisions outside the range");
        assertThat(report("--until", "2026-11-22T02:00:00Z").out())
                .contains("Conversions (C7): 1 messages sent, 1 held out, 2 orders attributed");
    }

    @Test
    void aMissingTableOrAMixOfSourcesIsOneClearLine() {
        Run missing = winback("report", "--endpoint", DynamoDbLocal.endpoint().toString(), "--ledger-table", "no-such-table");
        Run both = winback("report", "--out", "somewhere", "--ledger-table", seeded.ledger());
        Run badSince = report("--since", "yesterday");

        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).startsWith("winback: ledger table no-such-table at " + DynamoDbLocal.endpoint() + " not found");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("either --out DIR (a simulation) or --ledger-table TABLE");
        assertThat(badSince.err()).contains("--since must be a date (2026-12-20) or an RFC 3339 instant");
    }

    /** decisions.jsonl and conversions.jsonl as ./winback simulate writes them, from what the ledger holds. */
    private static void writeSimulationFiles(Path dir) throws IOException {
        List<String> decisions = new ArrayList<>();
        DynamoDecisionLog log = new DynamoDecisionLog(dynamo, seeded.ledger());
        for (String user : List.of("u-1001", "u-1002", "u-1003")) {
            for (Decision d : log.forUser(user, Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"))) {
                ObjectNode json = JSON.createObjectNode();
                json.put("decisionId", d.decisionId()).put("userId", d.userId()).put("trigger", d.trigger())
                        .put("at", d.at().toString()).put("outcome", d.outcome().wireName());
                d.reasons().forEach(json.putArray("reasons")::add);
                if (d.coupon() == null) {
                    json.putNull("coupon");
                } else {
                    json.putObject("coupon").put("amount", d.coupon().amount()).put("kind", d.coupon().kind());
                }
                d.channels().forEach(json.putArray("channels")::add);
                json.set("details", JSON.valueToTree(d.details()));
                decisions.add(json.toString());
            }
        }
        List<String> conversions = new ArrayList<>();
        for (Map<String, AttributeValue> item : dynamo.scanPaginator(b -> b.tableName(seeded.ledger())).items()) {
            if (item.get("sk").s().startsWith("conversion#")) {
                ObjectNode json = JSON.createObjectNode();
                for (String field : List.of("decisionId", "userId", "orderId", "orderAt", "couponId", "merchantId", "address")) {
                    if (item.containsKey(field)) {
                        json.put(field, item.get(field).s());
                    }
                }
                json.put("amount", new java.math.BigDecimal(item.get("amount").n()));
                json.put("discount", new java.math.BigDecimal(item.get("discount").n()));
                conversions.add(json.toString());
            }
        }
        assertThat(decisions).hasSize(3);
        assertThat(conversions).hasSize(2);
        Files.write(dir.resolve("decisions.jsonl"), decisions, StandardCharsets.UTF_8);
        Files.write(dir.resolve("conversions.jsonl"), conversions, StandardCharsets.UTF_8);
    }
}
