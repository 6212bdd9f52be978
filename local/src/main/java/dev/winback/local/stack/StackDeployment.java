package dev.winback.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Deploys template.yaml to the emulator's CloudFormation through infra/local-deploy.py (the SAM
 * transform by the pinned aws-sam-translator, as {@code sam deploy} would) and reads what it created.
 * A stack that exists already is updated, or left alone when nothing changed.
 */
public final class StackDeployment {

    static final String LAMBDA_JAR = "functions/target/winback-functions-lambda.jar";

    private StackDeployment() {
    }

    /**
     * What the deployment created.
     *
     * @param parameters the stack's parameter values (defaults included)
     * @param outputs   the stack's outputs (table names, queue URLs, topic ARNs, ...)
     * @param resources logical id to its deployed type and physical id
     */
    public record DeployedStack(String name, Map<String, String> parameters, Map<String, String> outputs,
                                Map<String, Resource> resources) {

        public String output(String name) {
            String value = outputs.get(name);
            if (value == null) {
                throw new IllegalStateException("the stack has no output " + name + "; it has " + outputs.keySet());
            }
            return value;
        }

        public List<String> ofType(String type) {
            return resources.entrySet().stream().filter(e -> e.getValue().type().equals(type)).map(Map.Entry::getKey).toList();
        }
    }

    public record Resource(String type, String physicalId) {
    }

    /** Runs the deployment; its progress lines go to {@code progress}. Fails with the script's reasons. */
    public static DeployedStack deploy(Path root, URI endpoint, String stackName, Map<String, String> parameters,
                                       String region, Consumer<String> progress) {
        if (!Files.isRegularFile(root.resolve(LAMBDA_JAR))) {
            throw new IllegalStateException(LAMBDA_JAR + " not found; build it first: ./mvnw -B -pl functions -am package -DskipTests");
        }
        Emulator.runSetup(root, "sam");
        List<String> command = new ArrayList<>(List.of(root.resolve(".venv-sam/bin/python").toString(),
                root.resolve("infra/local-deploy.py").toString(), "--endpoint", endpoint.toString(),
                "--stack-name", stackName, "--region", region));
        if (!parameters.isEmpty()) {
            command.add("--parameter-overrides");
            parameters.forEach((name, value) -> command.add(name + "=" + value));
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
            builder.environment().putIfAbsent("AWS_ACCESS_KEY_ID", "test");
            builder.environment().putIfAbsent("AWS_SECRET_ACCESS_KEY", "test");
            Process deploy = builder.start();
            List<String> errors = new ArrayList<>();
            CompletableFuture<Void> relay = CompletableFuture.runAsync(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(deploy.getErrorStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                        errors.add(line);
                        progress.accept(line);
                    }
                } catch (IOException ignored) {
                    // the script is gone
                }
            });
            byte[] report = deploy.getInputStream().readAllBytes();
            int status = deploy.waitFor();
            relay.join();
            if (status != 0) {
                throw new IllegalStateException("infra/local-deploy.py failed (exit " + status + "):\n"
                        + String.join("\n", errors.subList(Math.max(0, errors.size() - 20), errors.size())));
            }
            return parse(new ObjectMapper().readTree(report));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deploying", e);
        }
    }

    static DeployedStack parse(JsonNode report) {
        Map<String, String> parameters = new LinkedHashMap<>();
        report.path("parameters").fields().forEachRemaining(p -> parameters.put(p.getKey(), p.getValue().asText()));
        Map<String, String> outputs = new LinkedHashMap<>();
        report.path("outputs").fields().forEachRemaining(o -> outputs.put(o.getKey(), o.getValue().asText()));
        Map<String, Resource> resources = new LinkedHashMap<>();
        report.path("resources").fields().forEachRemaining(r -> resources.put(r.getKey(),
                new Resource(r.getValue().path("type").asText(), r.getValue().path("physicalId").asText())));
        return new DeployedStack(report.path("stackName").asText(), parameters, outputs, resources);
    }
}
