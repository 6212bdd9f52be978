package dev.winback.it.support;

import java.lang.reflect.Field;
import java.net.URI;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * One DynamoDB Local (Amazon's own engine, in-process and in-memory) per test JVM, serving HTTP on an
 * ephemeral 127.0.0.1 port so that code under test goes through the real SDK client, marshalling and
 * all. Its tables live as long as the JVM, so tests should use unique table names or keys.
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
        // No sqlite4java.library.path needed: DynamoDB Local 3.x ships SQLite's native library for
        // Linux, macOS and Windows (x86_64 and aarch64) inside its jar and loads it from there.
        // It logs every failed condition check as a WARN; tests provoke those on purpose.
        Configurator.setLevel("software.amazon.dynamodb", Level.ERROR);
        try {
            // -sharedDb: one database whatever the credentials and region of the caller, so code under
            // test that builds its own client sees the tables the test created.
            // -disableTelemetry: otherwise it reports each start to AWS (and needs Pinpoint on the classpath).
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                    new String[] {"-inMemory", "-sharedDb", "-disableTelemetry", "-port", "8000"});
            ServerConnector connector = loopbackEphemeral(server);
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server), "dynamodb-local-stop"));
            return URI.create("http://127.0.0.1:" + connector.getLocalPort());
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start", e);
        }
    }

    /**
     * DynamoDB Local has no option for the bind address and always binds 0.0.0.0 on a port we would
     * have to guess free. Its Jetty connector is reachable only through a private field; rebinding it
     * to 127.0.0.1 port 0 keeps it off the network and lets the OS pick the port without a race.
     */
    private static ServerConnector loopbackEphemeral(DynamoDBProxyServer server) throws ReflectiveOperationException {
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        ServerConnector connector = (ServerConnector) ((Server) field.get(server)).getConnectors()[0];
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        return connector;
    }

    private static void stop(DynamoDBProxyServer server) {
        try {
            server.stop();
        } catch (Exception ignored) {
            // the JVM is exiting anyway
        }
    }
}
