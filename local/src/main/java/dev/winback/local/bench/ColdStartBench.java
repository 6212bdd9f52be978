package dev.winback.local.bench;

import dev.winback.local.Home;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.winback.local.LocalContext;
import dev.winback.local.WinbackCommand.UserError;
import dev.winback.local.invoke.FunctionEnvironment;
import dev.winback.local.invoke.HandlerRunner;
import dev.winback.local.invoke.SamTemplate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Cold-start proxy benchmark (issue #8): for every function of template.yaml, a fresh JVM on the packaged
 * Lambda jar, from its start to the function's first response on its sample event in events/, with the
 * java21 runtime's JVM flags and the template's JAVA_TOOL_OPTIONS, against MiniStack. Side by side:
 * <ul>
 *   <li>{@code baseline}: {@link ColdStartBaseline}, same event type, same SDK clients, as many calls to
 *       each service as the function made (counted by {@link CountingProxy}), no Winback logic;</li>
 *   <li>{@code winback}: the function as Lambda starts it without SnapStart;</li>
 *   <li>{@code primed}: the function with its SnapStart priming run between init and the first invoke.
 *       Without a CRaC JVM no snapshot is restored, so its total includes the priming; its first-invoke
 *       time is what a restored SnapStart environment would still pay (restore itself not included).</li>
 * </ul>
 * Every round runs the functions in the order their data flows (ingest first) on fresh tables and queues.
 *
 * <p>Entry point: {@link #run(PrintWriter, int)} (for {@code winback bench}) or {@link #main(String[])}.
 */
public final class ColdStartBench {

    /** The sample each function is measured on: the first of its samples in InvokeCommandTest, in data-flow order. */
    static final Map<String, String> SAMPLES = samples();

    private static Map<String, String> samples() {
        Map<String, String> samples = new LinkedHashMap<>();
        samples.put("IngestFunction", "kinesis-batch.json");
        samples.put("DeadlineCheckFunction", "sqs-deadline-timer.json");
        samples.put("DormantScanFunction", "scheduler-dormant-scan.json");
        samples.put("DormantShardFunction", "sqs-dormant-shard.json");
        samples.put("ConversionFunction", "kinesis-orders.json");
        samples.put("SegmentChangesFunction", "dynamodb-state-changes.json");
        samples.put("ImportFunction", "s3-import.json");
        samples.put("DirectoryFunction", "kinesis-directory.json");
        samples.put("CampaignFunction", "eventbridge-site-campaign.json");
        samples.put("CampaignSendFunction", "sqs-campaign-send.json");
        return samples;
    }

    static final String REGION = "us-east-1";
    static final Path JAR = Home.path("functions/target/winback-functions-lambda.jar");

    enum Variant { BASELINE, WINBACK, PRIMED }

    /** One child JVM: wall time from its start to its response, and its own phase times. */
    record Run(double totalMs, double initMs, double primeMs, double invokeMs, Map<String, Integer> calls) {
    }

    private ColdStartBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        System.exit(run(out, rounds));
    }

    /** Runs {@code rounds} rounds and prints the table; 0 when every run answered. */
    public static int run(PrintWriter out, int rounds) throws Exception {
        Path template = Home.path("template.yaml");
        if (!Files.isRegularFile(template) || !Files.isRegularFile(JAR)) {
            throw new UserError("the cold-start benchmark runs from the repository root after a build: needs template.yaml and "
                    + JAR + " (./mvnw -q -B -Dmaven.test.skip=true -pl functions,local -am package)");
        }
        SamTemplate sam = SamTemplate.read(template);
        List<String> missing = sam.functionIds().stream().filter(f -> !SAMPLES.containsKey(f)).toList();
        if (!missing.isEmpty()) {
            throw new UserError("no cold-start sample for " + missing + ": add it to ColdStartBench.SAMPLES");
        }
        Path work = Files.createTempDirectory("winback-coldstart");
        Path runner = runnerJar(work.resolve("runner.jar"));
        String load = loadAverage();
        Map<String, Map<Variant, List<Run>>> results = new LinkedHashMap<>();
        try (LocalAws aws = LocalAws.start(work.resolve("ministack.log"))) {
            for (int round = 1; round <= rounds; round++) {
                out.printf("round %d/%d ...%n", round, rounds);
                out.flush();
                // Each variant of Winback on resources of its own, so both see the same data.
                Map<String, String> plain = aws.freshStack();
                Map<String, String> primed = aws.freshStack();
                for (Map.Entry<String, String> sample : SAMPLES.entrySet()) {
                    SamTemplate.FunctionDefinition function = sam.function(sample.getKey());
                    byte[] event = Files.readAllBytes(Home.path("events").resolve(sample.getValue()));
                    Map<Variant, List<Run>> byVariant = results.computeIfAbsent(function.logicalId(), f -> new LinkedHashMap<>());
                    Run winback = measure(aws, sam, function, plain, event, runner, function.handler(), false);
                    Run baseline = measure(aws, sam, function, baselineEnv(plain, winback.calls()), event, runner,
                            baselineHandler(function.handler()), false);
                    Run withPriming = measure(aws, sam, function, primed, event, runner, function.handler(), true);
                    byVariant.computeIfAbsent(Variant.BASELINE, v -> new ArrayList<>()).add(baseline);
                    byVariant.computeIfAbsent(Variant.WINBACK, v -> new ArrayList<>()).add(winback);
                    byVariant.computeIfAbsent(Variant.PRIMED, v -> new ArrayList<>()).add(withPriming);
                }
            }
        }
        print(out, results, rounds, load, loadAverage());
        return 0;
    }

    /** The baseline reads the same kind of resources the function wrote to, as often as the function called each service. */
    private static Map<String, String> baselineEnv(Map<String, String> stack, Map<String, Integer> calls) {
        Map<String, String> env = new LinkedHashMap<>(stack);
        env.put(ColdStartBaseline.CALLS, calls.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(",")));
        env.put(ColdStartBaseline.TABLE, stack.get("LEDGER_TABLE"));
        env.put(ColdStartBaseline.QUEUE, stack.get("QUARANTINE_QUEUE_URL"));
        env.put(ColdStartBaseline.TOPIC, stack.get("NOTIFICATIONS_TOPIC_ARN"));
        env.put(ColdStartBaseline.SCHEDULE_GROUP, stack.get("SCHEDULE_GROUP"));
        env.put(ColdStartBaseline.BUCKET, stack.get("CONTENT_BUCKET"));
        return env;
    }

    /** The baseline class taking the same event type as this handler. */
    static String baselineHandler(String handler) throws ClassNotFoundException {
        Class<?> type = Class.forName(handler.substring(0, handler.indexOf("::")));
        String kind;
        if (RequestStreamHandler.class.isAssignableFrom(type)) {
            kind = "Stream";
        } else {
            Type input = inputType(type);
            kind = input == KinesisEvent.class ? "Kinesis" : input == SQSEvent.class ? "Sqs"
                    : input == DynamodbEvent.class ? "Dynamodb" : input == S3Event.class ? "S3" : "Scheduled";
        }
        return ColdStartBaseline.class.getName() + "$" + kind + "::handleRequest";
    }

    private static Type inputType(Class<?> type) {
        for (Type implemented : type.getGenericInterfaces()) {
            if (implemented instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
                Type input = p.getActualTypeArguments()[0];
                return input instanceof ParameterizedType generic ? generic.getRawType() : input;
            }
        }
        throw new IllegalArgumentException(type.getName() + " is not a RequestHandler");
    }

    private static Run measure(LocalAws aws, SamTemplate sam, SamTemplate.FunctionDefinition function,
                               Map<String, String> values, byte[] event, Path runner, String handler, boolean prime)
            throws IOException, InterruptedException {
        FunctionEnvironment environment = FunctionEnvironment.resolve(sam, function,
                new FunctionEnvironment.EnvVarsFile(Map.of("Parameters", values)), Map.of(), REGION);
        if (!environment.unresolved().isEmpty()) {
            throw new IllegalStateException(function.logicalId() + " needs values the benchmark does not create: "
                    + environment.unresolved());
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.putAll(environment.variables());
        values.keySet().stream().filter(k -> k.startsWith("BASELINE_")).forEach(k -> env.put(k, values.get(k)));
        env.put("AWS_REGION", REGION);
        env.put("AWS_DEFAULT_REGION", REGION);
        env.put("AWS_LAMBDA_FUNCTION_NAME", function.logicalId());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb()));
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_ENDPOINT_URL", aws.proxy.endpoint().toString());
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(lambdaJvmFlags(function.memoryMb()));
        command.add("-D" + HandlerRunner.PHASES_PROPERTY + "=true");
        if (prime) {
            command.add("-D" + HandlerRunner.PRIME_PROPERTY + "=true");
        }
        command.addAll(List.of("-cp", runner + java.io.File.pathSeparator + JAR.toAbsolutePath(),
                HandlerRunner.class.getName(), handler, function.logicalId(),
                Integer.toString(function.timeoutSeconds()), Integer.toString(function.memoryMb())));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(env);

        aws.proxy.reset();
        long started = System.nanoTime();
        Process child = builder.start();
        CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> readAll(child.getErrorStream()));
        try (OutputStream stdin = child.getOutputStream()) {
            stdin.write(event);
        }
        String response;
        try (BufferedReader stdout = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            response = stdout.readLine();
            long answered = System.nanoTime();
            if (!child.waitFor(function.timeoutSeconds() + 30L, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
            String stderr = errors.join();
            if (response == null || child.exitValue() != 0) {
                throw new IllegalStateException(function.logicalId() + " (" + handler + ") did not answer; its stderr:\n" + stderr);
            }
            // Every sample is one the function handles in full: a failed record or a class the packaging
            // dropped (caught and logged somewhere) would make the figure meaningless.
            if (response.matches(".*\"batchItemFailures\":\\[\\{.*") || stderr.contains("NoClassDefFoundError")
                    || stderr.contains("ClassNotFoundException")) {
                throw new IllegalStateException(function.logicalId() + " (" + handler + ") answered " + response
                        + " on its sample; its stderr:\n" + stderr);
            }
            Map<String, Long> phases = phases(stderr);
            return new Run((answered - started) / 1e6, phases.get("init_ns") / 1e6, phases.get("prime_ns") / 1e6,
                    phases.get("invoke_ns") / 1e6, aws.proxy.counts());
        }
    }

    /**
     * What the managed java21 runtime starts the JVM with (heap about 85 % of the function's memory, the
     * serial collector, the CDS archive); the template's JAVA_TOOL_OPTIONS arrive through the environment.
     */
    static List<String> lambdaJvmFlags(int memoryMb) {
        List<String> flags = new ArrayList<>(List.of("-XX:MaxHeapSize=" + (memoryMb * 85 / 100) + "m", "-XX:+UseSerialGC",
                "-Xshare:auto", "-Djava.net.preferIPv4Stack=true"));
        if (Runtime.version().feature() >= 23) {
            flags.add("--sun-misc-unsafe-memory-access=allow"); // CEL's protobuf; 21 lacks the flag
        }
        return flags;
    }

    private static Map<String, Long> phases(String stderr) {
        String line = stderr.lines().filter(l -> l.startsWith(HandlerRunner.PHASES_PREFIX)).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("no phase times in the child's stderr:\n" + stderr));
        Map<String, Long> phases = new LinkedHashMap<>();
        for (String pair : line.substring(HandlerRunner.PHASES_PREFIX.length()).split(" ")) {
            String[] kv = pair.split("=");
            phases.put(kv[0], Long.parseLong(kv[1]));
        }
        return phases;
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What Lambda's runtime adds to the function's jar, and nothing else: the local runner and context,
     * the baseline handlers, and Lambda's event serialization library. Children run on it plus the packaged
     * jar, so a class the packaging dropped fails here as it would in Lambda.
     */
    static Path runnerJar(Path target) throws IOException, URISyntaxException {
        List<String> ours = List.of(HandlerRunner.class.getName(), LocalContext.class.getName(),
                ColdStartBaseline.class.getName()).stream().map(n -> n.replace('.', '/')).toList();
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(target))) {
            copy(codeSource(HandlerRunner.class), name -> ours.stream().anyMatch(name::startsWith), jar);
            copy(codeSource(LambdaEventSerializers.class), name -> name.startsWith("com/amazonaws/services/lambda/runtime/serialization/")
                    || name.startsWith("com/amazonaws/lambda/thirdparty/")
                    || name.startsWith("META-INF/services/com.amazonaws.lambda.thirdparty."), jar);
        }
        return target;
    }

    private static Path codeSource(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static void copy(Path source, java.util.function.Predicate<String> wanted, JarOutputStream jar) throws IOException {
        if (Files.isDirectory(source)) {
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String name = source.relativize(file).toString().replace(java.io.File.separatorChar, '/');
                    if (wanted.test(name)) {
                        jar.putNextEntry(new JarEntry(name));
                        jar.write(Files.readAllBytes(file));
                        jar.closeEntry();
                    }
                }
            }
            return;
        }
        try (JarFile from = new JarFile(source.toFile())) {
            for (JarEntry entry : java.util.Collections.list(from.entries())) {
                if (!entry.isDirectory() && wanted.test(entry.getName())) {
                    jar.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream in = from.getInputStream(entry)) {
                        in.transferTo(jar);
                    }
                    jar.closeEntry();
                }
            }
        }
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static void print(PrintWriter out, Map<String, Map<Variant, List<Run>>> results, int rounds, String loadBefore,
                              String loadAfter) {
        out.printf("%nCold start, JVM start to first response (ms): best [-worst] of %d; baseline = same event type, SDK clients "
                + "and calls, no Winback logic%n", rounds);
        out.printf("Java %s, %d cores, load average %s before, %s after%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter);
        out.printf("%-23s %-24s %15s %15s %6s %15s %15s %15s %13s %13s %13s%n", "function", "calls", "baseline",
                "winback", "ratio", "baseline init", "winback init", "primed", "prime", "1st invoke", "primed inv.");
        for (Map.Entry<String, Map<Variant, List<Run>>> function : results.entrySet()) {
            List<Run> baseline = function.getValue().get(Variant.BASELINE);
            List<Run> winback = function.getValue().get(Variant.WINBACK);
            List<Run> primed = function.getValue().get(Variant.PRIMED);
            String calls = winback.get(0).calls().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(","));
            out.printf(Locale.ROOT, "%-23s %-24s %15s %15s %5.2fx %15s %15s %15s %13s %13s %13s%n", function.getKey(), calls,
                    range(baseline, Run::totalMs), range(winback, Run::totalMs),
                    best(winback, Run::totalMs) / best(baseline, Run::totalMs), range(baseline, Run::initMs),
                    range(winback, Run::initMs), range(primed, Run::totalMs), range(primed, Run::primeMs),
                    range(winback, Run::invokeMs), range(primed, Run::invokeMs));
        }
        out.flush();
    }

    private static double best(List<Run> runs, java.util.function.ToDoubleFunction<Run> value) {
        return runs.stream().mapToDouble(value).min().orElse(Double.NaN);
    }

    private static String range(List<Run> runs, java.util.function.ToDoubleFunction<Run> value) {
        double[] sorted = runs.stream().mapToDouble(value).sorted().toArray();
        return String.format(Locale.ROOT, "%.0f [-%.0f]", sorted[0], sorted[sorted.length - 1]);
    }
}
