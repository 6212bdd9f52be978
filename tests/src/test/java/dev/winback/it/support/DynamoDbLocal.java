package dev.winback.it.support;

import dev.winback.local.EmbeddedDynamoDb;
import java.net.URI;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * One DynamoDB Local (Amazon's own engine, in-process and in-memory, started by {@link EmbeddedDynamoDb}
 * as the simulator starts it) per test JVM, serving HTTP on an ephemeral 127.0.0.1 port so that code
 * under test goes through the real SDK client, marshalling and all. Its tables live as long as the JVM,
 * so tests should use unique table names or keys.
 */
public final class DynamoDbLocal {
    private static URI endpoint;
    private static RuntimeException startFailure;

    private DynamoDbLocal() {
    }

    /** Base URL of the running server, starting it on first call. */
    public static synchronized URI endpoint() {
        if (startFailure != null) {
            throw startFailure;
        }
        if (endpoint == null) {
            try {
                endpoint = start();
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
        }
        return endpoint;
    }

    public static DynamoDbClient client() {
        return configure(DynamoDbClient.builder()).build();
    }

    /** Points a DynamoDB client builder at the local server. */
    public static DynamoDbClientBuilder configure(DynamoDbClientBuilder builder) {
        return builder.endpointOverride(endpoint())
                .region(MiniStack.region())
                .credentialsProvider(MiniStack.credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder());
    }

    /** Points a DynamoDB Streams client builder at the local server. */
    public static software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClientBuilder configure(
            software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClientBuilder builder) {
        return builder.endpointOverride(endpoint())
                .region(MiniStack.region())
                .credentialsProvider(MiniStack.credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder());
    }

    private static URI start() {
        EmbeddedDynamoDb server = EmbeddedDynamoDb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "dynamodb-local-stop"));
        return server.endpoint();
    }
}
