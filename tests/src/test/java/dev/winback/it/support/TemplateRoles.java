package dev.winback.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A function's role as template.yaml grants it, to check the DynamoDB calls a handler really made
 * ({@link DynamoCalls}): a call is allowed when some Allow statement names its action, the table
 * (by logical name) and, when it has a {@code dynamodb:LeadingKeys} condition, a prefix of its
 * partition key.
 */
public final class TemplateRoles {

    private record Statement(String sid, List<String> actions, List<String> resources, List<String> leadingKeys) {
    }

    private final String role;
    private final List<Statement> statements = new ArrayList<>();

    private TemplateRoles(String role, JsonNode policies) {
        this.role = role;
        for (JsonNode policy : policies) {
            for (JsonNode s : policy.at("/PolicyDocument/Statement")) {
                if (s.isArray()) { // !If [condition, statement, AWS::NoValue]
                    s = s.get(1);
                }
                if (!"Allow".equals(s.path("Effect").asText())) {
                    continue;
                }
                List<String> keys = new ArrayList<>();
                s.at("/Condition/ForAllValues:StringLike/dynamodb:LeadingKeys").forEach(k -> keys.add(k.asText().replace("*", "")));
                statements.add(new Statement(s.path("Sid").asText(), texts(s.path("Action")), texts(s.path("Resource")), keys));
            }
        }
    }

    public static TemplateRoles of(String roleLogicalId) {
        try {
            JsonNode template = new ObjectMapper(new YAMLFactory()).readTree(RepoRoot.get().resolve("template.yaml").toFile());
            JsonNode policies = template.at("/Resources/" + roleLogicalId + "/Properties/Policies");
            if (policies.isMissingNode() || policies.isEmpty()) {
                throw new IllegalArgumentException("no role " + roleLogicalId + " with policies in template.yaml");
            }
            return new TemplateRoles(roleLogicalId, policies);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Why a call is not allowed, or null when it is.
     *
     * @param tables physical table name → logical id in template.yaml
     */
    public String refusal(DynamoCalls.Call call, Map<String, String> tables) {
        String logical = tables.get(call.table());
        if (logical == null) {
            return call + ": a table this test did not map to template.yaml";
        }
        for (Statement s : statements) {
            boolean action = s.actions().contains("dynamodb:" + call.operation());
            boolean resource = s.resources().stream().anyMatch(r -> r.equals(logical + ".Arn"));
            boolean key = s.leadingKeys().isEmpty() || s.leadingKeys().stream().anyMatch(call.partitionKey()::startsWith);
            if (action && resource && key) {
                return null;
            }
        }
        return role + " does not allow " + call.operation() + " on " + logical + " partition '" + call.partitionKey() + "'";
    }

    private static List<String> texts(JsonNode value) {
        List<String> out = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(v -> out.add(v.asText()));
        } else if (!value.isMissingNode()) {
            out.add(value.asText());
        }
        return out;
    }
}
