package dev.winback.it.support;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import dev.winback.core.geo.DirectoryEntry;
import dev.winback.core.geo.Role;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The geo-campaign tests' tables, traders and stream batches. */
public final class GeoFixtures {

    /** The Benxi depot of the samples (events/make_events.py). */
    public static final double SITE_LAT = 41.33;
    public static final double SITE_LON = 123.76;

    private GeoFixtures() {
    }

    /** The directory table as template.yaml defines it: {@code pk} (S) + {@code sk} (S), like the ledger table. */
    public static String directoryTable(DynamoDbClient dynamo) {
        String name = "winback-directory-" + UUID.randomUUID();
        dynamo.createTable(b -> b.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName("pk")
                                .attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("sk")
                                .attributeType(ScalarAttributeType.S).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName("pk")
                                .keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("sk")
                                .keyType(KeyType.RANGE).build()));
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(name));
        return name;
    }

    /**
     * {@code n} scrap-steel suppliers within {@code radiusKm} of the depot, reproducibly: every third
     * unverified, every fifth without a WeChat openid, varied volume and history.
     */
    public static List<DirectoryEntry> traders(String prefix, int n, double radiusKm, long seed) {
        Random random = new Random(seed);
        List<DirectoryEntry> entries = new ArrayList<>(n);
        Instant now = Instant.parse("2026-10-23T00:00:00Z");
        for (int i = 0; i < n; i++) {
            double km = radiusKm * Math.sqrt(random.nextDouble());
            double bearing = Math.toRadians(360 * random.nextDouble());
            double lat = SITE_LAT + km / 111.2 * Math.cos(bearing);
            double lon = SITE_LON + km / (111.2 * Math.cos(Math.toRadians(SITE_LAT))) * Math.sin(bearing);
            boolean verified = i % 3 != 0;
            String id = prefix + String.format("%04d", i);
            entries.add(new DirectoryEntry(id, "回收站-" + id, String.format("+86139%08d", i + seed % 1000 * 10_000),
                    i % 5 == 0 ? null : "o-" + id, lat, lon, "回收站", Role.SUPPLIER, verified, List.of("废钢"),
                    List.of("重废一"), Map.of("monthlyTons", 10 + 300 * random.nextDouble()), Map.of(),
                    10 * random.nextDouble(), random.nextDouble(),
                    random.nextInt(4) == 0 ? null : now.minusSeconds(86_400L * random.nextInt(300)),
                    0.5 * random.nextDouble(), 0, 0));
        }
        return entries;
    }

    /** An SQS sample from events/, as the event source mapping would pass it. */
    public static com.amazonaws.services.lambda.runtime.events.SQSEvent sqsEvent(String file) {
        return com.amazonaws.services.lambda.runtime.tests.EventLoader.loadSQSEvent(
                RepoRoot.get().resolve("events").resolve(file).toString());
    }

    /** A Kinesis batch of these JSON events as Lambda delivers it, sequence numbers from {@code firstSequence}. */
    public static KinesisEvent kinesis(List<String> events, long firstSequence, Instant arrivedAt) {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            String sequence = Long.toString(firstSequence + i);
            kinesis.setSequenceNumber(sequence);
            kinesis.setPartitionKey("u");
            kinesis.setApproximateArrivalTimestamp(Date.from(arrivedAt));
            kinesis.setData(ByteBuffer.wrap(events.get(i).getBytes(StandardCharsets.UTF_8)));
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setKinesis(kinesis);
            record.setEventID("shardId-000000000000:" + sequence);
            records.add(record);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(records);
        return event;
    }
}
