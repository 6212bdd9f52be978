package dev.winback.local;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.net.URI;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local (Amazon's own engine) started in this process, in memory, serving HTTP on an
 * ephemeral 127.0.0.1 port, so that code goes through the real SDK client, marshalling and all.
 * Used by {@code ./winback simulate --store dynamodb-local} and by the integration tests.
 *
 * <p>Its classes are not in winback.jar: the build copies them to {@code local/target/dynamodb-local/},
 * which the jar's manifest puts on the class path ({@link DynamoStores} checks before loading this class).
 */
public final class EmbeddedDynamoDb implements AutoCloseable {

    private final DynamoDBProxyServer server;
    private final URI endpoint;

    private EmbeddedDynamoDb(DynamoDBProxyServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    /** Starts a fresh in-memory instance; its tables live until {@link #close()} or the end of the JVM. */
    public static EmbeddedDynamoDb start() {
        // No sqlite4java.library.path needed: DynamoDB Local 3.x ships SQLite's native library for
        // Linux, macOS and Windows (x86_64 and aarch64) inside its jar and loads it from there.
        // It logs every failed condition check as a WARN; the functions provoke those on purpose.
        Configurator.setLevel("software.amazon.dynamodb", Level.ERROR);
        // It prints its configuration to stdout when it starts, which is the command's output.
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            // -sharedDb: one database whatever the credentials and region of the caller.
            // -disableTelemetry: otherwise it reports each start to AWS (and needs Pinpoint on the class path).
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                    new String[] {"-inMemory", "-sharedDb", "-disableTelemetry", "-port", "8000"});
            ServerConnector connector = loopbackEphemeral(server);
            server.start();
            return new EmbeddedDynamoDb(server, URI.create("http://127.0.0.1:" + connector.getLocalPort()));
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start", e);
        } finally {
            System.setOut(stdout);
        }
    }

    public URI endpoint() {
        return endpoint;
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

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception ignored) {
            // its tables are in memory: nothing to lose
        }
    }
}
