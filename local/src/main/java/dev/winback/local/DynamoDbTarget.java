package dev.winback.local;

import java.net.URI;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The {@code --endpoint} and {@code --region} options of the commands that work on a deployed
 * stack's tables (report, suppress, import): AWS itself by default, or an emulator.
 */
final class DynamoDbTarget {

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "DynamoDB endpoint of an emulator (DynamoDB Local, LocalStack, MiniStack); without it, AWS "
                    + "itself with the default credentials and region chains.")
    URI endpoint;

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region of the table (default: the SDK's region chain; us-east-1 with --endpoint).")
    String region;

    /** True when either option was given. */
    boolean given() {
        return endpoint != null || region != null;
    }

    DynamoDbClient client() {
        return LedgerTables.client(endpoint, region);
    }

    /** How a table is named in messages: its name, and the emulator when there is one. */
    String where(String table) {
        return table + (endpoint == null ? "" : " at " + endpoint);
    }
}
