package dev.winback.local.stack;

import java.util.List;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionResponseType;

/**
 * What an event source mapping of the deployed stack says about delivering its source to a function,
 * as CreateEventSourceMapping got it from the template: batch size, batching window, starting
 * position, filters, partial-failure reporting, retries and the on-failure destination.
 *
 * @param name                 the mapping's logical id (IngestFunctionBehavior)
 * @param maxRetryAttempts     -1 = until the record expires (Lambda's default for streams)
 * @param onFailureArn         the SQS queue that gets a failed batch's description, or null
 */
public record MappingSettings(String name, String uuid, String functionArn, String sourceArn, int batchSize,
                              int batchingWindowSeconds,
                              String startingPosition, EventFilter filter, boolean reportBatchItemFailures,
                              int maxRetryAttempts, String onFailureArn) {

    static MappingSettings of(String name, EventSourceMappingConfiguration esm) {
        List<String> patterns = esm.filterCriteria() == null || !esm.filterCriteria().hasFilters() ? List.of()
                : esm.filterCriteria().filters().stream().map(f -> f.pattern()).toList();
        String onFailure = esm.destinationConfig() == null || esm.destinationConfig().onFailure() == null ? null
                : esm.destinationConfig().onFailure().destination();
        return new MappingSettings(name, esm.uuid(), esm.functionArn(), esm.eventSourceArn(),
                esm.batchSize() == null ? 10 : esm.batchSize(),
                esm.maximumBatchingWindowInSeconds() == null ? 0 : esm.maximumBatchingWindowInSeconds(),
                esm.startingPositionAsString(), EventFilter.of(patterns),
                esm.functionResponseTypes().contains(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES),
                esm.maximumRetryAttempts() == null ? -1 : esm.maximumRetryAttempts(),
                onFailure == null || onFailure.isBlank() ? null : onFailure);
    }

    /** The service of the source: kinesis, dynamodb or sqs. */
    public String service() {
        return sourceArn.split(":", 4)[2];
    }
}
