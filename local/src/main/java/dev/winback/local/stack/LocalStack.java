package dev.winback.local.stack;

import dev.winback.local.invoke.SamTemplate;
import dev.winback.local.stack.StackDeployment.DeployedStack;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * template.yaml running on a laptop without Docker: deployed to an emulator's CloudFormation (MiniStack,
 * through infra/local-deploy.py), then every function of the stack run in this JVM with the environment
 * the stack gave it, the AWS SDK pointed at the emulator. The emulator cannot run Java functions (it
 * answers a mock response without Docker), so its own event source mappings are disabled and run here
 * instead ({@link StreamMapping}, {@link QueueMapping}) with the deployed settings; schedules that target
 * a function are fired here too ({@link Schedules}). Everything else (tables, streams, queues, topics,
 * one-time schedules to SQS) is the emulator's.
 */
public final class LocalStack implements AutoCloseable {

    /** System properties the SDK's default chains read; set while the stack runs, restored on close. */
    private static final List<String> SDK_PROPERTIES = List.of("aws.endpointUrl", "aws.endpointUrlSns", "aws.region",
            "aws.accessKeyId", "aws.secretAccessKey", "aws.cborEnabled");

    /**
     * @param retryBackoff the first wait before a failed stream batch is retried (doubled per attempt, at most 5 s)
     * @param invoker      how functions are called (a test may wrap {@link LocalFunction#invoke})
     * @param log          where progress and the line per batch go
     */
    public record Options(String stackName, Map<String, String> parameters, String region, Duration retryBackoff,
                          BatchDelivery.Invoker invoker, Consumer<String> log) {

        public static Options defaults(Consumer<String> log) {
            return new Options("winback-local", Map.of(), "us-east-1", Duration.ofMillis(500), LocalFunction::invoke, log);
        }

        public Options withStackName(String name) {
            return new Options(name, parameters, region, retryBackoff, invoker, log);
        }

        public Options withParameters(Map<String, String> values) {
            return new Options(stackName, Map.copyOf(values), region, retryBackoff, invoker, log);
        }

        public Options withRegion(String value) {
            return new Options(stackName, parameters, value, retryBackoff, invoker, log);
        }

        public Options withRetryBackoff(Duration value) {
            return new Options(stackName, parameters, region, value, invoker, log);
        }

        public Options withInvoker(BatchDelivery.Invoker value) {
            return new Options(stackName, parameters, region, retryBackoff, value, log);
        }
    }

    private final URI endpoint;
    private final DeployedStack stack;
    private final Map<String, LocalFunction> functions;
    private final List<Runnable> stoppers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<String> mappings = new ArrayList<>();
    private final Schedules schedules;
    private final Map<String, String> previousProperties;
    private final List<AutoCloseable> clients = new ArrayList<>();

    private LocalStack(URI endpoint, DeployedStack stack, Map<String, LocalFunction> functions, Schedules schedules,
                       Map<String, String> previousProperties) {
        this.endpoint = endpoint;
        this.stack = stack;
        this.functions = functions;
        this.schedules = schedules;
        this.previousProperties = previousProperties;
    }

    /** Deploys (or updates) the stack on the emulator at {@code endpoint} and starts running its functions. */
    public static LocalStack start(Path root, URI endpoint, Options options) {
        SnsGapFiller sns = SnsGapFiller.start(endpoint);
        Map<String, String> previous = pointTheSdkAt(endpoint, sns.endpoint(), options.region());
        QuietMetrics.install();
        try {
            DeployedStack stack = StackDeployment.deploy(root, endpoint, options.stackName(), options.parameters(),
                    options.region(), line -> options.log().accept("  " + line));
            SamTemplate template = SamTemplate.read(root.resolve("template.yaml"));
            LocalStack local = run(endpoint, stack, template, options, previous);
            local.clients.add(sns);
            return local;
        } catch (RuntimeException e) {
            restore(previous);
            QuietMetrics.uninstall();
            sns.close();
            throw e;
        } catch (java.io.IOException e) {
            restore(previous);
            QuietMetrics.uninstall();
            sns.close();
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static LocalStack run(URI endpoint, DeployedStack stack, SamTemplate template, Options options,
                                  Map<String, String> previous) {
        LambdaClient lambda = client(LambdaClient.builder(), endpoint, options.region()).build();
        SqsClient sqs = client(SqsClient.builder(), endpoint, options.region()).build();
        KinesisClient kinesis = client(KinesisClient.builder(), endpoint, options.region()).build();
        DynamoDbStreamsClient streams = client(DynamoDbStreamsClient.builder(), endpoint, options.region()).build();
        SchedulerClient scheduler = client(SchedulerClient.builder(), endpoint, options.region()).build();

        Map<String, LocalFunction> functions = new LinkedHashMap<>();
        Map<String, LocalFunction> byName = new HashMap<>();
        for (String id : stack.ofType("AWS::Lambda::Function")) {
            String name = stack.resources().get(id).physicalId();
            GetFunctionConfigurationResponse config = lambda.getFunctionConfiguration(b -> b.functionName(name));
            Map<String, String> environment = config.environment() == null ? Map.of() : config.environment().variables();
            LocalFunction function = new LocalFunction(id, name, config.handler(), environment,
                    config.timeout() == null ? 3 : config.timeout(), config.memorySize() == null ? 128 : config.memorySize());
            function.start();
            functions.put(id, function);
            byName.put(name, function);
        }
        BatchDelivery delivery = new BatchDelivery(options.invoker(), sqs, options.log());
        Schedules schedules = new Schedules(scheduler, stack, template, byName, delivery, options.invoker());
        LocalStack local = new LocalStack(endpoint, stack, functions, schedules, previous);
        local.clients.addAll(List.of(lambda, sqs, kinesis, streams, scheduler));

        Map<String, EventSourceMappingConfiguration> deployed = new HashMap<>();
        lambda.listEventSourceMappingsPaginator(b -> { }).eventSourceMappings().forEach(m -> deployed.put(m.uuid(), m));
        for (String id : stack.ofType("AWS::Lambda::EventSourceMapping")) {
            EventSourceMappingConfiguration esm = deployed.get(stack.resources().get(id).physicalId());
            if (esm == null) {
                throw new IllegalStateException("the emulator has no event source mapping for " + id);
            }
            LocalFunction function = byName.get(functionName(esm.functionArn()));
            if (function == null) {
                throw new IllegalStateException(id + " invokes " + esm.functionArn() + ", which is not a function of the stack");
            }
            // The emulator would answer its own invocations with a mock response and consume the records.
            lambda.updateEventSourceMapping(b -> b.uuid(esm.uuid()).enabled(false));
            MappingSettings settings = MappingSettings.of(id, esm);
            switch (settings.service()) {
                case "kinesis" -> local.startStream(settings, function,
                        new KinesisShards(kinesis, settings.sourceArn(), options.region()), delivery, options.retryBackoff());
                case "dynamodb" -> local.startStream(settings, function,
                        new DynamoStreamShards(streams, settings.sourceArn(), options.region()), delivery, options.retryBackoff());
                case "sqs" -> {
                    QueueMapping mapping = new QueueMapping(settings, function, sqs, delivery);
                    local.startThread(id, mapping, mapping::stop);
                }
                default -> throw new IllegalStateException(id + ": event source " + settings.sourceArn()
                        + " is not run locally (Kinesis, DynamoDB streams and SQS are)");
            }
            local.mappings.add(id);
        }
        schedules.start(local::startThread);
        return local;
    }

    private void startStream(MappingSettings settings, LocalFunction function, StreamMapping.Shards<?> shards,
                             BatchDelivery delivery, Duration retryBackoff) {
        StreamMapping mapping = new StreamMapping(settings, function, shards, delivery, retryBackoff);
        startThread(settings.name(), mapping, mapping::stop);
    }

    private void startThread(String name, Runnable work, Runnable stop) {
        Thread thread = new Thread(work, "local-" + name);
        thread.setDaemon(true);
        stoppers.add(stop);
        threads.add(thread);
        thread.start();
    }

    public URI endpoint() {
        return endpoint;
    }

    public DeployedStack stack() {
        return stack;
    }

    /** The functions run here, by logical id. */
    public Map<String, LocalFunction> functions() {
        return functions;
    }

    /** The event source mappings run here (their logical ids). */
    public List<String> mappings() {
        return List.copyOf(mappings);
    }

    public Schedules schedules() {
        return schedules;
    }

    /** Stops every mapping and schedule (each finishes the batch it is in), then closes the clients. */
    @Override
    public void close() {
        stoppers.forEach(Runnable::run);
        for (Thread thread : threads) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (AutoCloseable client : clients) {
            try {
                client.close();
            } catch (Exception ignored) {
                // closing only releases connections
            }
        }
        restore(previousProperties);
        QuietMetrics.uninstall();
    }

    /** "arn:aws:lambda:r:a:function:NAME[:alias]" -> NAME */
    static String functionName(String functionArn) {
        String[] parts = functionArn.split(":");
        return parts.length >= 7 ? parts[6] : functionArn;
    }

    /** A client of the local stack's own (not the functions'): explicit endpoint, region and test credentials. */
    static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B client(B builder, URI endpoint, String region) {
        builder.endpointOverride(endpoint).region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
        builder.httpClientBuilder(UrlConnectionHttpClient.builder());
        return builder;
    }

    /**
     * The functions build their clients from the SDK's default chains, as in Lambda; these system
     * properties point those chains at the emulator (SNS through {@link SnsGapFiller}). Kinesis must speak JSON to MiniStack (its CBOR
     * answers carry arrival times in seconds where the SDK reads milliseconds).
     */
    private static Map<String, String> pointTheSdkAt(URI endpoint, URI sns, String region) {
        Map<String, String> previous = new HashMap<>();
        SDK_PROPERTIES.forEach(name -> previous.put(name, System.getProperty(name)));
        System.setProperty("aws.endpointUrl", endpoint.toString());
        System.setProperty("aws.endpointUrlSns", sns.toString()); // see SnsGapFiller
        System.setProperty("aws.region", region);
        System.setProperty("aws.cborEnabled", "false");
        if (System.getenv("AWS_ACCESS_KEY_ID") == null && System.getProperty("aws.accessKeyId") == null) {
            System.setProperty("aws.accessKeyId", "test"); // the emulator takes any signature
            System.setProperty("aws.secretAccessKey", "test");
        }
        return previous;
    }

    private static void restore(Map<String, String> previous) {
        previous.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }
}
