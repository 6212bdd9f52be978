package dev.winback.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * One MiniStack (the Python AWS emulator from .venv) per test JVM: started on first use on a free
 * 127.0.0.1 port, shared by every test, stopped by a shutdown hook. Its log is tests/target/ministack.log.
 * State lives as long as the JVM, so tests should give their streams, queues and topics unique names.
 */
public final class MiniStack {
    private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;

    private static URI endpoint;
    private static RuntimeException startFailure;

    static {
        // MiniStack's Kinesis answers CBOR only with the optional cbor2 package, and even then sends
        // arrival times in seconds where the SDK's CBOR reads milliseconds, so Kinesis clients must
        // speak JSON. Surefire sets this too; this covers IDE runs. Set before any client is built.
        if (System.getProperty("aws.cborEnabled") == null) {
            System.setProperty("aws.cborEnabled", "false");
        }
    }

    private MiniStack() {
    }

    /** Base URL of the running MiniStack, starting it on first call. */
    public static synchronized URI endpoint() {
        if (startFailure != null) {
            throw startFailure; // failed once: fail every later test fast instead of waiting again
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

    public static Region region() {
        return Region.US_EAST_1;
    }

    public static AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    }

    public static KinesisClient kinesis() {
        return configure(KinesisClient.builder()).build();
    }

    public static SqsClient sqs() {
        return configure(SqsClient.builder()).build();
    }

    public static SnsClient sns() {
        return configure(SnsClient.builder()).build();
    }

    /** Points any SDK v2 sync client builder (scheduler, sesv2, ...) at MiniStack. */
    public static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder) {
        builder.endpointOverride(endpoint()).region(region()).credentialsProvider(credentials());
        // The Lambda functions ship only this HTTP client, so tests use the same one.
        builder.httpClientBuilder(UrlConnectionHttpClient.builder());
        return builder;
    }

    private static URI start() {
        long started = System.nanoTime();
        Path root = RepoRoot.get();
        runSetup(root);
        Path log = root.resolve("tests/target/ministack.log");
        for (int attempt = 1; ; attempt++) {
            int port = freeLoopbackPort();
            Process process = launch(root, port, log);
            URI uri = URI.create("http://127.0.0.1:" + port);
            if (awaitReady(process, uri)) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process), "ministack-stop"));
                System.out.printf("MiniStack ready on %s in %d ms (log: %s)%n",
                        uri, (System.nanoTime() - started) / 1_000_000, log);
                return uri;
            }
            stop(process);
            // The free port we picked can be taken before MiniStack binds it; try another one.
            boolean portTaken = tail(log).contains("already in use");
            if (!portTaken || attempt == START_ATTEMPTS) {
                throw new IllegalStateException("MiniStack did not become ready on " + uri + " within "
                        + START_TIMEOUT.toSeconds() + " s; end of " + log + ":\n" + tail(log));
            }
        }
    }

    /** Installs or refreshes .venv; a no-op taking ~0.1 s when the pins are unchanged. */
    private static void runSetup(Path root) {
        Path log = root.resolve("tests/target/ministack-setup.log");
        try {
            Files.createDirectories(log.getParent());
            Process setup = new ProcessBuilder("bash", root.resolve("infra/tools/setup.sh").toString(), "emulator")
                    .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean finished = setup.waitFor(SETUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!finished || setup.exitValue() != 0) {
                setup.destroyForcibly();
                throw new IllegalStateException("infra/tools/setup.sh emulator failed:\n" + tail(log));
            }
            System.out.println(Files.readString(log).strip()); // its one-line summary
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Process launch(Path root, int port, Path log) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(root.resolve(".venv/bin/ministack").toString())
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.put("GATEWAY_PORT", Integer.toString(port));
            env.put("BIND_HOST", "127.0.0.1"); // its default is 0.0.0.0
            env.put("MINISTACK_REGION", region().id());
            env.put("PERSIST_STATE", "0"); // never reload state left by an earlier run
            env.remove("LOCALSTACK_PERSISTENCE");
            env.remove("SERVICES"); // a developer's filter would hide services the tests need
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + root.resolve(".venv/bin/ministack"), e);
        }
    }

    /** Polls /_ministack/ready, which answers 200 once startup (including ready.d scripts) is done. */
    private static boolean awaitReady(Process process, URI uri) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(uri.resolve("/_ministack/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException notListeningYet) {
                // keep polling
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            sleep(Duration.ofMillis(100));
        }
        return false;
    }

    private static void stop(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy(); // SIGTERM: MiniStack shuts down cleanly and removes its pid file
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
