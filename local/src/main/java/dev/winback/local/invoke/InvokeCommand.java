package dev.winback.local.invoke;

import dev.winback.local.Home;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.local.WinbackCommand.UserError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code winback invoke}: {@code sam local invoke} without Docker. Reads the function's handler, memory,
 * timeout and environment from template.yaml, and runs it in a JVM of its own (a fresh execution
 * environment, as Lambda gives each container) on the event file, printing the response JSON.
 */
@Command(name = "invoke", mixinStandardHelpOptions = true,
        description = {"Run a function of template.yaml on an event: sam local invoke without Docker.",
                "The handler runs in a fresh JVM with the function's environment; prints its response.",
                "Values only a deployed stack knows (!Ref StateTable) come from --env-vars FILE.",
                "  invoke IngestFunction -e events/kinesis-batch.json -n env.json --endpoint URL"})
public final class InvokeCommand implements Callable<Integer> {

    /** Lambda limits a function's init to 10 s; a local JVM also has to start. Added to the function's timeout. */
    static final int START_ALLOWANCE_SECONDS = 30;

    @Parameters(index = "0", paramLabel = "FUNCTION", description = "The function's logical id in the template.")
    String functionId;

    @Option(names = {"-e", "--event"}, paramLabel = "FILE",
            description = "The event JSON ('-' reads stdin). Default: {} as sam local invoke.")
    String event;

    @Option(names = {"-t", "--template"}, paramLabel = "FILE",
            description = "The SAM template (default: the repository's template.yaml).")
    Path template;

    @Option(names = {"-n", "--env-vars"}, paramLabel = "FILE",
            description = "Environment values, SAM's JSON: {\"FunctionId\": {\"NAME\": \"value\"}, \"Parameters\": {...}}.")
    Path envVars;

    @Option(names = "--parameter-overrides", paramLabel = "NAME=VALUE",
            description = "Template parameters, e.g. PolicyTimeZone=Europe/London (repeat or separate by spaces).")
    List<String> parameterOverrides = new ArrayList<>();

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "Every AWS service at this endpoint (an emulator such as MiniStack): AWS_ENDPOINT_URL, "
                    + "with test credentials unless AWS_ACCESS_KEY_ID is set.")
    URI endpoint;

    @Option(names = "--service-endpoint", paramLabel = "SERVICE=URL",
            description = "One service elsewhere, e.g. dynamodb=http://127.0.0.1:8000 for DynamoDB Local "
                    + "(AWS_ENDPOINT_URL_<SERVICE>).")
    Map<String, URI> serviceEndpoints = new LinkedHashMap<>();

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region (default: AWS_REGION, else us-east-1 as sam local invoke).")
    String region;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        SamTemplate sam = SamTemplate.read(Home.orDefault(template, "template.yaml"));
        SamTemplate.FunctionDefinition function = sam.function(functionId);
        FunctionEnvironment.EnvVarsFile file = envVars == null ? FunctionEnvironment.EnvVarsFile.NONE
                : FunctionEnvironment.EnvVarsFile.read(envVars);
        String awsRegion = region != null ? region : Stream.of(System.getenv("AWS_REGION"), System.getenv("AWS_DEFAULT_REGION"))
                .filter(r -> r != null && !r.isBlank()).findFirst().orElse("us-east-1");
        FunctionEnvironment environment = FunctionEnvironment.resolve(sam, function, file, ParameterOverrides.parse(parameterOverrides), awsRegion);
        PrintWriter err = spec.commandLine().getErr();
        environment.notices().forEach(notice -> err.println("winback: " + notice));
        if (!environment.unresolved().isEmpty()) {
            throw new UserError(function.logicalId() + " needs values that only a deployed stack has: "
                    + String.join(", ", environment.unresolved()) + ". Give them in --env-vars FILE as {\""
                    + function.logicalId() + "\": {\"NAME\": \"value\"}}");
        }
        return run(function, childEnvironment(function, environment, awsRegion), readEvent());
    }

    /** The child's environment: ours (credentials, profile, proxies), the function's, and what Lambda sets. */
    private Map<String, String> childEnvironment(SamTemplate.FunctionDefinition function, FunctionEnvironment environment,
                                                 String awsRegion) {
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        env.putAll(environment.variables());
        env.put("AWS_REGION", awsRegion);
        env.put("AWS_DEFAULT_REGION", awsRegion);
        env.put("AWS_LAMBDA_FUNCTION_NAME", function.logicalId());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb()));
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("_HANDLER", function.handler());
        if (endpoint != null) {
            env.put("AWS_ENDPOINT_URL", endpoint.toString());
            if (!env.containsKey("AWS_ACCESS_KEY_ID")) {
                // Emulators accept any signature, but the SDK needs some credentials to sign with.
                env.put("AWS_ACCESS_KEY_ID", "test");
                env.put("AWS_SECRET_ACCESS_KEY", "test");
                env.remove("AWS_SESSION_TOKEN");
            }
        }
        serviceEndpoints.forEach((service, url) -> env.put(
                "AWS_ENDPOINT_URL_" + service.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"), url.toString()));
        return env;
    }

    private int run(SamTemplate.FunctionDefinition function, Map<String, String> env, byte[] event)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (Runtime.version().feature() >= 23) {
            command.add("--sun-misc-unsafe-memory-access=allow"); // CEL's protobuf; 21 lacks the flag
        }
        command.addAll(List.of("-cp", classPath(), HandlerRunner.class.getName(), function.handler(),
                function.logicalId(), Integer.toString(function.timeoutSeconds()), Integer.toString(function.memoryMb())));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process child = builder.start();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CompletableFuture<byte[]> response = CompletableFuture.supplyAsync(() -> readAll(child));
        Thread logs = Thread.ofPlatform().daemon().name("invoke-stderr").start(() -> relay(child, err));
        try (OutputStream stdin = child.getOutputStream()) {
            stdin.write(event);
        } catch (IOException childAlreadyGone) {
            // it failed before reading its event; its exit code and stderr say why
        }
        int limit = function.timeoutSeconds() + START_ALLOWANCE_SECONDS;
        if (!child.waitFor(limit, TimeUnit.SECONDS)) {
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly();
            child.waitFor();
            logs.join(TimeUnit.SECONDS.toMillis(5));
            err.println("winback: " + function.logicalId() + " timed out: no answer within its " + function.timeoutSeconds()
                    + " s timeout (+" + START_ALLOWANCE_SECONDS + " s to start)");
            err.flush();
            return HandlerRunner.FUNCTION_ERROR;
        }
        logs.join(TimeUnit.SECONDS.toMillis(5));
        byte[] answer = response.join();
        if (child.exitValue() == 0) {
            out.println(new String(answer, StandardCharsets.UTF_8).strip());
            out.flush();
        }
        err.flush();
        return child.exitValue();
    }

    private byte[] readEvent() throws IOException {
        byte[] bytes;
        if (event == null) {
            return "{}".getBytes(StandardCharsets.UTF_8);
        } else if (event.equals("-")) {
            bytes = System.in.readAllBytes();
        } else {
            try {
                bytes = Files.readAllBytes(Path.of(event));
            } catch (NoSuchFileException e) {
                throw new UserError("--event: no file " + event);
            }
        }
        try {
            new ObjectMapper().readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserError("--event: " + event + " is not JSON: " + e.getOriginalMessage());
        }
        return bytes;
    }


    /** Ours, made absolute: the child may resolve relative entries against another directory. */
    private static String classPath() {
        return Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(java.io.File.pathSeparator));
    }

    private static byte[] readAll(Process child) {
        try {
            return child.getInputStream().readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The function's logs and error line, as they come; the JVM's note about JAVA_TOOL_OPTIONS is noise here. */
    private static void relay(Process child, PrintWriter err) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (!line.startsWith("Picked up JAVA_TOOL_OPTIONS")) {
                    err.println(line);
                    err.flush();
                }
            }
        } catch (IOException ignored) {
            // the child is gone
        }
    }
}
