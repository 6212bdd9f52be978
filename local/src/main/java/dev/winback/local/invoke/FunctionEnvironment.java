package dev.winback.local.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.local.WinbackCommand.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A function's environment variables as Lambda would set them: the template's (Globals merged in), with
 * values from an env-vars file where given, else evaluated from the template. A value that only a deployed
 * stack knows ({@code !Ref StateTable}) and the file does not give is listed in {@link #unresolved()}.
 *
 * @param variables  name to value, in template order
 * @param unresolved "NAME (Ref Resource)" for each variable without a value
 * @param notices    things the user probably got wrong but that do not stop the run
 */
public record FunctionEnvironment(Map<String, String> variables, List<String> unresolved, List<String> notices) {

    /** What {@code sam local invoke} uses where no stack exists. */
    static final String LOCAL_ACCOUNT_ID = "123456789012";
    static final String LOCAL_STACK_NAME = "local";

    public static FunctionEnvironment resolve(SamTemplate template, SamTemplate.FunctionDefinition function,
                                              EnvVarsFile envVars, Map<String, String> parameterOverrides, String region) {
        Map<String, String> parameters = new LinkedHashMap<>(template.parameterDefaults());
        parameterOverrides.forEach((name, value) -> {
            if (!template.parameterNames().contains(name)) {
                throw new UserError("--parameter-overrides: the template has no parameter '" + name + "'; it has: "
                        + String.join(", ", template.parameterNames()));
            }
            parameters.put(name, value);
        });
        Intrinsics intrinsics = new Intrinsics(parameters, Map.of(
                "AWS::Region", region,
                "AWS::AccountId", LOCAL_ACCOUNT_ID,
                "AWS::StackName", LOCAL_STACK_NAME,
                "AWS::Partition", "aws",
                "AWS::URLSuffix", "amazonaws.com"), template.conditions());

        Map<String, String> own = envVars.forFunction(function.logicalId());
        Map<String, String> shared = envVars.shared();
        Map<String, String> values = new LinkedHashMap<>();
        List<String> unresolved = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        function.variables().forEach((name, value) -> {
            // SAM's precedence: the function's own section, then "Parameters", then the template.
            if (own.containsKey(name)) {
                values.put(name, own.get(name));
            } else if (shared.containsKey(name)) {
                values.put(name, shared.get(name));
            } else {
                try {
                    Optional<String> resolved = intrinsics.resolve(value);
                    resolved.ifPresent(v -> values.put(name, v));
                } catch (Intrinsics.Unresolvable reference) {
                    unresolved.add(name + " (" + reference.getMessage() + ")");
                }
            }
        });
        // Like SAM, the file can only set variables the template declares; say so instead of ignoring silently.
        own.keySet().stream().filter(name -> !function.variables().containsKey(name)).forEach(name -> notices.add(
                "--env-vars sets " + name + " for " + function.logicalId() + ", which the template does not declare: ignored"));
        return new FunctionEnvironment(values, unresolved, notices);
    }

    /**
     * SAM's {@code --env-vars} file: {@code {"LogicalId": {"NAME": "value"}, "Parameters": {"NAME": "value"}}},
     * where "Parameters" applies to every function.
     */
    public record EnvVarsFile(Map<String, Map<String, String>> sections) {

        public static final EnvVarsFile NONE = new EnvVarsFile(Map.of());

        public static EnvVarsFile read(Path file) throws IOException {
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(Files.readString(file));
            } catch (NoSuchFileException e) {
                throw new UserError("--env-vars: no file " + file);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UserError("--env-vars: " + file + " is not JSON: " + e.getOriginalMessage());
            }
            if (root == null || !root.isObject()) {
                throw new UserError("--env-vars: " + file + " must be an object {\"FunctionId\": {\"NAME\": \"value\"}}");
            }
            Map<String, Map<String, String>> sections = new LinkedHashMap<>();
            root.fields().forEachRemaining(section -> {
                if (!section.getValue().isObject()) {
                    throw new UserError("--env-vars: \"" + section.getKey() + "\" in " + file
                            + " must be an object of NAME: value");
                }
                Map<String, String> variables = new LinkedHashMap<>();
                section.getValue().fields().forEachRemaining(v -> {
                    if (!v.getValue().isValueNode() || v.getValue().isNull()) {
                        throw new UserError("--env-vars: " + section.getKey() + "." + v.getKey() + " in " + file
                                + " must be a string, number or boolean");
                    }
                    variables.put(v.getKey(), v.getValue().asText());
                });
                sections.put(section.getKey(), variables);
            });
            return new EnvVarsFile(sections);
        }

        Map<String, String> forFunction(String logicalId) {
            return sections.getOrDefault(logicalId, Map.of());
        }

        Map<String, String> shared() {
            return sections.getOrDefault("Parameters", Map.of());
        }
    }
}
