package dev.winback.core.ingest;

import java.time.Instant;

/**
 * One record as the stream delivered it.
 *
 * @param sequenceNumber its position in the shard (a decimal string; for a trace file, the line number)
 * @param partitionKey   the producer's partition key
 * @param arrivedAt      when the stream accepted it (the reference for the future-timestamp rule)
 * @param data           the raw bytes
 * @param source         where it came from, for people (shard id, file and line)
 */
public record StreamRecord(String sequenceNumber, String partitionKey, Instant arrivedAt, byte[] data, String source) {
}
