package dev.winback.local.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.ingest.StoredState;
import dev.winback.local.WinbackCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The unit rules the cost model prices with: DynamoDB units, index writes, Kinesis batches, SMS parts, the price table. */
class PricingMathTest {

    private static final Path PRICES = Path.of("../config/prices-us-east-1.yaml");

    @Test
    void writeUnitsRoundUpPerKilobyteAndTransactionsCostTwice() {
        assertEquals(1, DynamoUnits.writeUnits(0), "a write costs at least one unit");
        assertEquals(1, DynamoUnits.writeUnits(1024));
        assertEquals(2, DynamoUnits.writeUnits(1025));
        assertEquals(3, DynamoUnits.writeUnits(3000));
        assertEquals(2, DynamoUnits.transactionalWriteUnits(1000));
        assertEquals(4, DynamoUnits.transactionalWriteUnits(1500));
    }

    @Test
    void readUnitsRoundUpPerFourKilobytesAndEventualReadsCostHalf() {
        assertEquals(1, DynamoUnits.readUnits(0, true), "a missing item still costs the minimum");
        assertEquals(1, DynamoUnits.readUnits(4096, true));
        assertEquals(2, DynamoUnits.readUnits(4097, true));
        assertEquals(0.5, DynamoUnits.readUnits(985, false));
        assertEquals(1.5, DynamoUnits.readUnits(9000, false));
    }

    @Test
    void theCohortIndexIsWrittenOnlyWhenItsEntryAppearsChangesOrGoes() {
        StoredState.CohortEntry day1 = new StoredState.CohortEntry("2026-10-08#3", LocalDate.parse("2026-10-08"),
                Map.of("phone", "+8613800000001"));
        StoredState.CohortEntry day2 = new StoredState.CohortEntry("2026-10-09#3", LocalDate.parse("2026-10-09"),
                Map.of("phone", "+8613800000001"));
        StoredState.CohortEntry newPhone = new StoredState.CohortEntry("2026-10-08#3", LocalDate.parse("2026-10-08"),
                Map.of("phone", "+8613800000002"));
        StoredState none = item(null);
        assertEquals(0, DynamoUnits.cohortIndexWrites(none, item(null)), "not in the sparse index before or after");
        assertEquals(1, DynamoUnits.cohortIndexWrites(null, item(day1)), "a new entry: one put");
        assertEquals(0, DynamoUnits.cohortIndexWrites(item(day1), item(day1)), "key and projection unchanged");
        assertEquals(1, DynamoUnits.cohortIndexWrites(item(day1), item(newPhone)), "projected contact changed");
        assertEquals(2, DynamoUnits.cohortIndexWrites(item(day1), item(day2)), "key changed: delete and put");
        assertEquals(1, DynamoUnits.cohortIndexWrites(item(day1), none), "entry removed");
        // pk + key, cohort + key, contact map with its field, plus the 100-byte index overhead
        assertEquals(2 + 8 + 6 + 12 + 7 + 3 + 5 + 14 + 1 + 100, DynamoUnits.cohortEntryBytes(item(day1)));
        assertEquals(0, DynamoUnits.cohortEntryBytes(none));
    }

    private static StoredState item(StoredState.CohortEntry cohort) {
        return new StoredState("user#u-1", 1, "1", "state".getBytes(StandardCharsets.UTF_8), Set.of(), cohort);
    }

    @Test
    void batchesCloseWhenFullOrWhenTheWindowEndsPerShard() {
        List<KinesisBatcher.Batch<String>> batches = new ArrayList<>();
        KinesisBatcher<String> batcher = new KinesisBatcher<>(1, 3, Duration.ofSeconds(1), batches::add);
        Instant t0 = Instant.parse("2026-10-01T00:00:00Z");
        batcher.add("a", "u-1", t0);
        batcher.add("b", "u-2", t0.plusMillis(400));
        batcher.add("c", "u-3", t0.plusMillis(900));  // third record: the batch is full now
        batcher.add("d", "u-1", t0.plusMillis(950));
        batcher.add("e", "u-1", t0.plusMillis(2500)); // d's window ended at 1.95 s
        batcher.finish();
        assertEquals(List.of(List.of("a", "b", "c"), List.of("d"), List.of("e")),
                batches.stream().map(KinesisBatcher.Batch::records).toList());
        assertEquals(t0.plusMillis(900), batches.get(0).invokedAt(), "handed over as soon as it is full");
        assertEquals(t0.plusMillis(1950), batches.get(1).invokedAt(), "handed over when its window ends");
    }

    @Test
    void partitionKeysSpreadOverShardsByTheirHashAndStayOnTheirShard() {
        int[] perShard = new int[4];
        for (int user = 0; user < 4000; user++) {
            perShard[KinesisBatcher.shardOf("u-" + user, 4)]++;
        }
        for (int count : perShard) {
            assertTrue(count > 850 && count < 1150, "about a quarter on each shard: " + java.util.Arrays.toString(perShard));
        }
        assertEquals(KinesisBatcher.shardOf("u-42", 4), KinesisBatcher.shardOf("u-42", 4));
        // MD5("u-1") = a6048cbd…: in the third quarter of the 128-bit hash-key range
        assertEquals(2, KinesisBatcher.shardOf("u-1", 4));
    }

    @Test
    void smsArePricedPerPart() {
        assertEquals(1, MessagingModel.smsParts("x".repeat(160)));
        assertEquals(2, MessagingModel.smsParts("x".repeat(161)), "split messages carry 153 characters each");
        assertEquals(1, MessagingModel.smsParts("优".repeat(70)));
        assertEquals(2, MessagingModel.smsParts("优".repeat(71)), "UCS-2 parts carry 67 characters each");
        assertEquals(3, MessagingModel.smsParts("优".repeat(135)));
    }

    @Test
    void thePriceTableNamesASourceAndStatusForEveryPrice() {
        PriceTable table = PriceTable.load(PRICES);
        assertEquals("us-east-1", table.region());
        assertTrue(table.asOf().matches("\\d{4}-\\d{2}-\\d{2}"), table.asOf());
        for (PriceTable.Price price : table.prices().values()) {
            assertTrue(price.sourceUrl().startsWith("https://aws.amazon.com/")
                    || price.sourceUrl().startsWith("https://docs.aws.amazon.com/"), price.key() + ": " + price.sourceUrl());
            assertTrue(PriceTable.STATUSES.contains(price.status()), price.key());
        }
        assertEquals(0.625, table.price("dynamodb.onDemand.writeRequestUnits").cost(1_000_000), 1e-12);
        assertEquals(1.0, table.price("kms.requests").cost(1_000_000 / 3.0), 1e-9, "per 10,000 requests");
        assertEquals(4, table.assumption("kinesis.shards"));
    }

    @Test
    void aMissingPriceOrABadEntryIsOneClearError() {
        PriceTable table = PriceTable.load(PRICES);
        WinbackCommand.UserError missing = assertThrows(WinbackCommand.UserError.class, () -> table.price("lambda.x86.gbSecond"));
        assertEquals("../config/prices-us-east-1.yaml: no price 'lambda.x86.gbSecond'", missing.getMessage());
        String yaml = "region: r\ncurrency: USD\nasOf: 2026-01-01\nprices:\n  a.b: {usd: 1, per: 0, status: official,"
                + " source: \"https://aws.amazon.com/\"}\n";
        WinbackCommand.UserError bad = assertThrows(WinbackCommand.UserError.class,
                () -> PriceTable.parse(yaml.getBytes(StandardCharsets.UTF_8), "t.yaml"));
        assertEquals("t.yaml: price 'a.b' needs 'per', a number > 0", bad.getMessage());
        WinbackCommand.UserError noSource = assertThrows(WinbackCommand.UserError.class, () -> PriceTable.parse(
                yaml.replace("per: 0", "per: 1").replace("\"https://aws.amazon.com/\"", "somewhere")
                        .getBytes(StandardCharsets.UTF_8), "t.yaml"));
        assertEquals("t.yaml: price 'a.b' needs 'source', the https:// page the price is published on", noSource.getMessage());
    }

    @Test
    void theDeploymentIsReadFromTheTemplate() {
        Deployment deployment = Deployment.load(Path.of("../template.yaml"));
        Deployment.Function ingest = deployment.function("IngestFunction");
        assertEquals(1024, ingest.memoryMb());
        assertEquals("arm64", ingest.architecture());
        // Issue #9: the two functions invoked per ingest batch do not trace (X-Ray sampled the first
        // invocation each second: most of the ingest bill at low traffic) and log at WARN; the others trace.
        assertFalse(ingest.tracing(), "IngestFunction: Tracing PassThrough");
        assertFalse(ingest.logsInfo(), "IngestFunction: LOG_LEVEL WARN");
        Deployment.Function segments = deployment.function("SegmentChangesFunction");
        assertFalse(segments.tracing(), "SegmentChangesFunction: Tracing PassThrough");
        assertFalse(segments.logsInfo(), "SegmentChangesFunction: LOG_LEVEL WARN");
        assertTrue(deployment.function("DeadlineCheckFunction").tracing(), "the Globals' Tracing: Active elsewhere");
        assertTrue(deployment.function("DeadlineCheckFunction").logsInfo());
        assertEquals(new Deployment.EventSource("Kinesis", "BehaviorStream", 500, 1, List.of()),
                ingest.eventsOfType("Kinesis").getFirst());
        assertEquals(new Deployment.EventSource("Kinesis", "BehaviorStream", 100, 5,
                        List.of("{\"data\": {\"type\": [\"order_placed\"]}}")),
                deployment.function("ConversionFunction").eventsOfType("Kinesis").getFirst());
        assertEquals(new Deployment.EventSource("DynamoDB", "StateTable", 500, 1,
                        List.of("{\"dynamodb\": {\"NewImage\": {\"tc\": {\"N\": [{\"exists\": true}]}}}}")),
                segments.eventsOfType("DynamoDB").getFirst(), "only writes that changed tags invoke it");
        assertEquals(4, deployment.streamConsumers(), "ingest, conversions, the directory, site campaigns");
        assertEquals(4, deployment.sqsMappings(), "the timer, shard, reminder and campaign-send queues");
        assertEquals("ON_DEMAND", deployment.streamMode());
        assertTrue(deployment.alarms() >= 10, "alarms: " + deployment.alarms());
        assertEquals(1, deployment.kmsKeys());
    }

    @Test
    void theEmfMetricCountFollowsTheHandlers() throws Exception {
        int names = 0;
        for (String file : List.of("IngestMetrics", "DecisionMetrics", "ConversionMetrics")) {
            String source = java.nio.file.Files.readString(
                    Path.of("../functions/src/main/java/dev/winback/handlers/" + file + ".java"));
            names += source.split("addMetric\\(\"", -1).length - 1;
            if (source.contains("\"Decisions_\" + ")) {
                names += dev.winback.core.recall.Decision.Outcome.values().length - 1; // one metric per outcome
            }
        }
        assertEquals(CostModel.EMF_METRICS, names, "custom metrics published by the handlers");
    }
}
