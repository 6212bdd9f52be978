package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.winback.it.support.RepoRoot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Least privilege and encryption at rest, read from template.yaml: each function runs with a role of
 * its own that names its actions (no wildcards) on this stack's resources, except the few actions AWS
 * cannot scope to a resource; every store of data is encrypted with the stack's KMS key.
 */
class TemplateSecurityTest {

    /**
     * The only actions allowed on Resource "*", each because AWS offers no resource-level permission
     * for it (Service Authorization Reference).
     */
    private static final Map<String, String> UNSCOPABLE = Map.of(
            "xray:PutTraceSegments", "X-Ray write actions have no resource types",
            "xray:PutTelemetryRecords", "X-Ray write actions have no resource types",
            "sns:Publish", "an SMS to a phone number has no ARN (the statement limits it by region)",
            "sns:CheckIfPhoneNumberIsOptedOut", "no resource types",
            "dynamodb:ListStreams", "no resource types");

    private static JsonNode resources;

    @BeforeAll
    static void readTemplate() throws IOException {
        resources = new ObjectMapper(new YAMLFactory()).readTree(RepoRoot.get().resolve("template.yaml").toFile())
                .get("Resources");
    }

    @Test
    void everyFunctionHasARoleOfItsOwnWithInlinePoliciesOnly() {
        Map<String, String> roleOwner = new HashMap<>();
        for (Map.Entry<String, JsonNode> function : ofType("AWS::Serverless::Function")) {
            JsonNode properties = function.getValue().path("Properties");
            assertThat(properties.has("Policies")).as(function.getKey() + " uses SAM policy templates").isFalse();
            String role = roleName(properties.path("Role"));
            assertThat(role).as(function.getKey() + " names an explicit role").isNotBlank();
            assertThat(roleOwner.put(role, function.getKey())).as(role + " is shared").isNull();
            JsonNode roleProperties = resources.path(role).path("Properties");
            assertThat(resources.path(role).path("Type").asText()).isEqualTo("AWS::IAM::Role");
            assertThat(roleProperties.has("ManagedPolicyArns")).as(role + " attaches managed policies").isFalse();
        }
        assertThat(roleOwner).hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void noWildcardActionsAndResourceStarOnlyWhereAwsRequiresIt() {
        List<String> problems = new ArrayList<>();
        int statements = 0;
        for (Map.Entry<String, JsonNode> role : ofType("AWS::IAM::Role")) {
            for (JsonNode policy : role.getValue().path("Properties").path("Policies")) {
                for (JsonNode statement : statements(policy.path("PolicyDocument").path("Statement"))) {
                    statements++;
                    String where = role.getKey() + "/" + statement.path("Sid").asText("?");
                    if (statement.has("NotAction") || statement.has("NotResource")) {
                        problems.add(where + ": NotAction/NotResource");
                    }
                    List<String> actions = texts(statement.path("Action"));
                    actions.stream().filter(a -> a.contains("*")).forEach(a -> problems.add(where + ": wildcard action " + a));
                    boolean anyResource = texts(statement.path("Resource")).contains("*");
                    if (anyResource && "Allow".equals(statement.path("Effect").asText())) {
                        actions.stream().filter(a -> !UNSCOPABLE.containsKey(a))
                                .forEach(a -> problems.add(where + ": " + a + " on Resource \"*\""));
                    }
                }
            }
        }
        assertThat(statements).isGreaterThan(30);
        assertThat(problems).isEmpty();
    }

    @Test
    void everyStoreIsEncryptedWithTheStacksKey() {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> r : ofTypes(Set.of("AWS::SQS::Queue", "AWS::SNS::Topic"))) {
            if (!refersToDataKey(r.getValue().path("Properties").path("KmsMasterKeyId"))) {
                problems.add(r.getKey() + ": no KmsMasterKeyId = DataKey");
            }
        }
        for (Map.Entry<String, JsonNode> r : ofType("AWS::DynamoDB::Table")) {
            JsonNode sse = r.getValue().path("Properties").path("SSESpecification");
            if (!sse.path("SSEEnabled").asBoolean() || !"KMS".equals(sse.path("SSEType").asText())
                    || !refersToDataKey(sse.path("KMSMasterKeyId"))) {
                problems.add(r.getKey() + ": not SSE-KMS with DataKey");
            }
        }
        for (Map.Entry<String, JsonNode> r : ofType("AWS::Kinesis::Stream")) {
            JsonNode encryption = r.getValue().path("Properties").path("StreamEncryption");
            if (!"KMS".equals(encryption.path("EncryptionType").asText()) || !refersToDataKey(encryption.path("KeyId"))) {
                problems.add(r.getKey() + ": stream not KMS-encrypted with DataKey");
            }
        }
        for (Map.Entry<String, JsonNode> r : ofType("AWS::Logs::LogGroup")) {
            if (!refersToDataKey(r.getValue().path("Properties").path("KmsKeyId"))) {
                problems.add(r.getKey() + ": log group without KmsKeyId");
            }
        }
        for (Map.Entry<String, JsonNode> r : ofType("AWS::S3::Bucket")) {
            if (!r.getValue().path("Properties").path("BucketEncryption").toString().contains("aws:kms")) {
                problems.add(r.getKey() + ": bucket not SSE-KMS");
            }
        }
        assertThat(problems).isEmpty();
    }

    // CloudFormation short forms (!Ref, !GetAtt, !If) parse as plain values: a !GetAtt is "DataKey.Arn",
    // a !Ref is "DataKey", an !If statement is [condition, statement, AWS::NoValue].

    private static boolean refersToDataKey(JsonNode value) {
        return value.isTextual() && (value.asText().equals("DataKey") || value.asText().startsWith("DataKey."));
    }

    private static String roleName(JsonNode role) {
        String text = role.asText("");
        return text.endsWith(".Arn") ? text.substring(0, text.length() - 4) : text;
    }

    private static List<JsonNode> statements(JsonNode list) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode statement : list) {
            if (statement.isArray()) { // !If [condition, then, else]
                for (int i = 1; i < statement.size(); i++) {
                    if (statement.get(i).isObject()) {
                        out.add(statement.get(i));
                    }
                }
            } else {
                out.add(statement);
            }
        }
        return out;
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

    private static List<Map.Entry<String, JsonNode>> ofType(String type) {
        return ofTypes(Set.of(type));
    }

    private static List<Map.Entry<String, JsonNode>> ofTypes(Set<String> types) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> r = it.next();
            if (types.contains(r.getValue().path("Type").asText())) {
                out.add(r);
            }
        }
        return out;
    }
}
