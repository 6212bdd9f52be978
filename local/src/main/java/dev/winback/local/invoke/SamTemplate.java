package dev.winback.local.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import dev.winback.local.WinbackCommand.UserError;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a SAM template that running a function locally needs: its functions (handler, memory,
 * timeout, environment with the Globals merged in), the parameters' defaults and the conditions.
 */
public final class SamTemplate {

    static final String FUNCTION_TYPE = "AWS::Serverless::Function";
    /** SAM's defaults when neither the function nor Globals say. */
    private static final int DEFAULT_TIMEOUT_SECONDS = 3;
    private static final int DEFAULT_MEMORY_MB = 128;

    private final JsonNode root;

    private SamTemplate(JsonNode root) {
        this.root = root;
    }

    public static SamTemplate read(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonNode root = CloudFormationYaml.read(reader);
            if (!root.path("Resources").isObject()) {
                throw new UserError(file + " has no Resources: not a SAM template");
            }
            return new SamTemplate(root);
        } catch (NoSuchFileException e) {
            throw new UserError("no template at " + file + " (use --template FILE)");
        }
    }

    /** The logical ids of every {@code AWS::Serverless::Function}, in template order. */
    public List<String> functionIds() {
        List<String> ids = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("Resources").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> resource = it.next();
            if (FUNCTION_TYPE.equals(resource.getValue().path("Type").asText())) {
                ids.add(resource.getKey());
            }
        }
        return ids;
    }

    /** The function with this logical id; an unknown id is the user's mistake, answered with the valid ones. */
    public FunctionDefinition function(String logicalId) {
        JsonNode resource = root.path("Resources").path(logicalId);
        if (!FUNCTION_TYPE.equals(resource.path("Type").asText())) {
            throw new UserError("no function '" + logicalId + "' in the template; its functions are: "
                    + String.join(", ", functionIds()));
        }
        JsonNode properties = resource.path("Properties");
        JsonNode globals = root.path("Globals").path("Function");
        String handler = properties.path("Handler").asText(globals.path("Handler").asText(""));
        if (handler.isBlank()) {
            throw new UserError(logicalId + " has no Handler in the template");
        }
        // Globals first, then the function's own variables, which win (SAM's merge rule for maps).
        Map<String, JsonNode> variables = new LinkedHashMap<>();
        globals.path("Environment").path("Variables").fields()
                .forEachRemaining(v -> variables.put(v.getKey(), v.getValue()));
        properties.path("Environment").path("Variables").fields()
                .forEachRemaining(v -> variables.put(v.getKey(), v.getValue()));
        int timeout = properties.path("Timeout").asInt(globals.path("Timeout").asInt(DEFAULT_TIMEOUT_SECONDS));
        int memory = properties.path("MemorySize").asInt(globals.path("MemorySize").asInt(DEFAULT_MEMORY_MB));
        return new FunctionDefinition(logicalId, handler, variables, timeout, memory);
    }

    /** Each parameter's default; a parameter without one is absent (its value must be given). */
    public Map<String, String> parameterDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        root.path("Parameters").fields().forEachRemaining(p -> {
            JsonNode value = p.getValue().path("Default");
            if (value.isValueNode() && !value.isNull()) {
                defaults.put(p.getKey(), value.asText());
            }
        });
        return defaults;
    }

    public List<String> parameterNames() {
        List<String> names = new ArrayList<>();
        root.path("Parameters").fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A resource's property as the template writes it (long form: {@code {"Ref": "X"}} for {@code !Ref X}); missing when absent. */
    public JsonNode resourceProperty(String logicalId, String property) {
        return root.path("Resources").path(logicalId).path("Properties").path(property);
    }

    /** The Conditions section, by name (long form). */
    public JsonNode conditions() {
        return root.path("Conditions");
    }

    /**
     * One function as the template declares it.
     *
     * @param handler   {@code package.Class::method}
     * @param variables its environment before resolution (values in long form: literals or intrinsics)
     */
    public record FunctionDefinition(String logicalId, String handler, Map<String, JsonNode> variables,
                                     int timeoutSeconds, int memoryMb) {
    }
}
