package dev.winback.local;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * The DynamoDB client of commands that read a deployed stack's tables: AWS itself with the SDK's
 * default credentials and region chains, or an emulator at {@code --endpoint} (DynamoDB Local,
 * LocalStack, MiniStack), which accepts any credentials — so there the default chain is tried first
 * and placeholder credentials stand in when none are configured, and the region defaults to
 * us-east-1.
 */
final class LedgerTables {

    static final Region EMULATOR_REGION = Region.US_EAST_1;

    private LedgerTables() {
    }

    static DynamoDbClient client(URI endpoint, String region) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create());
        if (region != null) {
            builder.region(Region.of(region));
        }
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
            builder.credentialsProvider(AwsCredentialsProviderChain.builder().reuseLastProviderEnabled(true)
                    .credentialsProviders(DefaultCredentialsProvider.builder().build(),
                            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .build());
            if (region == null) {
                builder.region(configuredRegion());
            }
        }
        try {
            return builder.build();
        } catch (SdkClientException e) {
            throw new WinbackCommand.UserError("no AWS region configured: pass --region or set AWS_REGION ("
                    + e.getMessage() + ")");
        }
    }

    private static Region configuredRegion() {
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkClientException none) {
            return EMULATOR_REGION;
        }
    }
}
