package dev.winback.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.MiniStack;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Checks that the emulators the other tests rely on behave like AWS for the calls Winback makes. */
class EmulatorSmokeTest {

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void kinesisReturnsPutRecordsInOrderWithSequenceNumbersAndArrivalTimes() {
        String stream = unique("smoke-events");
        try (KinesisClient kinesis = MiniStack.kinesis()) {
            kinesis.createStream(b -> b.streamName(stream).shardCount(1));
            kinesis.waiter().waitUntilStreamExists(b -> b.streamName(stream));

            // MiniStack stamps arrival with millisecond precision; allow for that and a little skew.
            Instant before = Instant.now().minusSeconds(1);
            List<String> keys = List.of("user-1", "user-2", "user-1");
            PutRecordsResponse put = kinesis.putRecords(b -> b.streamName(stream).records(keys.stream()
                    .map(key -> PutRecordsRequestEntry.builder().partitionKey(key)
                            .data(SdkBytes.fromUtf8String("{\"user\":\"" + key + "\"}")).build())
                    .toList()));
            Instant after = Instant.now().plusSeconds(1);
            assertEquals(0, put.failedRecordCount());
            List<String> sequenceNumbers = put.records().stream().map(PutRecordsResultEntry::sequenceNumber).toList();

            List<Shard> shards = kinesis.listShards(b -> b.streamName(stream)).shards();
            assertEquals(1, shards.size());
            String iterator = kinesis.getShardIterator(b -> b.streamName(stream)
                    .shardId(shards.get(0).shardId()).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
            List<Record> records = kinesis.getRecords(b -> b.shardIterator(iterator)).records();

            assertEquals(sequenceNumbers, records.stream().map(Record::sequenceNumber).toList());
            assertEquals(keys, records.stream().map(Record::partitionKey).toList());
            for (int i = 0; i < records.size(); i++) {
                Record record = records.get(i);
                assertEquals("{\"user\":\"" + keys.get(i) + "\"}", record.data().asString(StandardCharsets.UTF_8));
                Instant arrived = record.approximateArrivalTimestamp();
                assertTrue(arrived.isAfter(before) && arrived.isBefore(after), "arrival time " + arrived);
                if (i > 0) {
                    BigInteger previous = new BigInteger(records.get(i - 1).sequenceNumber());
                    assertTrue(new BigInteger(record.sequenceNumber()).compareTo(previous) > 0,
                            "sequence numbers increase within a shard");
                }
            }
        }
    }

    @Test
    void sqsDeliversASentMessage() {
        try (SqsClient sqs = MiniStack.sqs()) {
            String queueUrl = sqs.createQueue(b -> b.queueName(unique("smoke-queue"))).queueUrl();
            String messageId = sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("hello")).messageId();

            List<Message> received = sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                    .maxNumberOfMessages(10).waitTimeSeconds(2)).messages();

            assertEquals(1, received.size());
            assertEquals(messageId, received.get(0).messageId());
            assertEquals("hello", received.get(0).body());
        }
    }

    @Test
    void snsFansOutToAnSqsSubscriber() {
        try (SnsClient sns = MiniStack.sns(); SqsClient sqs = MiniStack.sqs()) {
            String queueUrl = sqs.createQueue(b -> b.queueName(unique("smoke-fanout"))).queueUrl();
            String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                    .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
            String topicArn = sns.createTopic(b -> b.name(unique("smoke-topic"))).topicArn();
            sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn)
                    .attributes(Map.of("RawMessageDelivery", "true")));

            sns.publish(b -> b.topicArn(topicArn).message("fan-out"));

            List<Message> received = sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                    .waitTimeSeconds(5)).messages();
            assertEquals(1, received.size());
            assertEquals("fan-out", received.get(0).body());
        }
    }

    @Test
    void dynamoDbEnforcesConditionalPuts() {
        String table = unique("smoke-users");
        try (DynamoDbClient dynamo = DynamoDbLocal.client()) {
            dynamo.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(a -> a.attributeName("userId").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("userId").keyType(KeyType.HASH)));
            Map<String, AttributeValue> first = Map.of(
                    "userId", AttributeValue.fromS("u1"), "version", AttributeValue.fromN("1"));
            Map<String, AttributeValue> second = Map.of(
                    "userId", AttributeValue.fromS("u1"), "version", AttributeValue.fromN("2"));

            dynamo.putItem(b -> b.tableName(table).item(first).conditionExpression("attribute_not_exists(userId)"));
            assertThrows(ConditionalCheckFailedException.class, () -> dynamo.putItem(b -> b.tableName(table)
                    .item(second).conditionExpression("attribute_not_exists(userId)")));

            Map<String, AttributeValue> stored = dynamo.getItem(b -> b.tableName(table)
                    .key(Map.of("userId", AttributeValue.fromS("u1"))).consistentRead(true)).item();
            assertEquals("1", stored.get("version").n());
        }
    }
}
