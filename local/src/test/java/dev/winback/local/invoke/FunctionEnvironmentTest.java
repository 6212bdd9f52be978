package dev.winback.local.invoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.local.WinbackCommand.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code winback invoke} reads a SAM template and builds a function's environment from it. */
class FunctionEnvironmentTest {

    private static final String TEMPLATE = """
            Parameters:
              Stage: {Type: String, Default: dev}
              Zone: {Type: String, Default: Asia/Shanghai}
              Sender: {Type: String, Default: ""}
              NoDefault: {Type: String}
            Conditions:
              IsProd: !Equals [!Ref Stage, prod]
              HasSender: !Not [!Equals [!Ref Sender, ""]]
              ProdWithSender: !And [!Condition IsProd, !Condition HasSender]
            Globals:
              Function:
                Timeout: 60
                MemorySize: 1024
                Environment:
                  Variables:
                    SERVICE: winback
                    STAGE: !Ref Stage
            Resources:
              Table:
                Type: AWS::DynamoDB::Table
              Queue:
                Type: AWS::SQS::Queue
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: example.Worker::handleRequest
                  Timeout: 20
                  Environment:
                    Variables:
                      SERVICE: winback-worker
                      ZONE: !Ref Zone
                      LITERAL: DormantCohort
                      NUMBER: 42
                      TABLE: !Ref Table
                      QUEUE_ARN: !GetAtt Queue.Arn
                      GREETING: !Sub "hello ${Stage} in ${AWS::Region}, ${!NotAVariable}"
                      SUBBED: !Sub ["${Prefix}-${Stage}", {Prefix: !Ref Zone}]
                      PROTECTED: !If [IsProd, "yes", "no"]
                      PROD_SENDER: !If [ProdWithSender, !Ref Sender, !Ref AWS::NoValue]
                      JOINED: !Join [",", [a, !Ref Stage, c]]
                      SECOND: !Select [1, !Split ["/", !Ref Zone]]
              Other:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: example.Other::handleRequest
                  Environment:
                    Variables:
                      SECRET: !Ref NoDefault
            """;

    @Test
    void readsTheFunctionWithGlobalsMergedAndTheShortFormTagsKept(@TempDir Path dir) throws IOException {
        SamTemplate template = template(dir);
        assertEquals(List.of("Worker", "Other"), template.functionIds());

        SamTemplate.FunctionDefinition worker = template.function("Worker");
        assertEquals("example.Worker::handleRequest", worker.handler());
        assertEquals(20, worker.timeoutSeconds()); // its own
        assertEquals(1024, worker.memoryMb()); // from Globals
        assertEquals("winback-worker", worker.variables().get("SERVICE").asText()); // the function's wins
        assertEquals("{\"Ref\":\"Stage\"}", worker.variables().get("STAGE").toString()); // from Globals, still a Ref
        assertEquals("{\"Fn::GetAtt\":[\"Queue\",\"Arn\"]}", worker.variables().get("QUEUE_ARN").toString());
        assertEquals("DormantCohort", worker.variables().get("LITERAL").asText());
    }

    @Test
    void evaluatesParametersConditionsAndFunctionsAndListsWhatOnlyAStackKnows(@TempDir Path dir) throws IOException {
        SamTemplate template = template(dir);
        FunctionEnvironment env = FunctionEnvironment.resolve(template, template.function("Worker"),
                FunctionEnvironment.EnvVarsFile.NONE, Map.of(), "eu-west-1");

        Map<String, String> values = env.variables();
        assertEquals("dev", values.get("STAGE"));
        assertEquals("Asia/Shanghai", values.get("ZONE"));
        assertEquals("42", values.get("NUMBER"));
        assertEquals("hello dev in eu-west-1, ${NotAVariable}", values.get("GREETING"));
        assertEquals("Asia/Shanghai-dev", values.get("SUBBED"));
        assertEquals("no", values.get("PROTECTED"));
        assertFalse(values.containsKey("PROD_SENDER")); // AWS::NoValue: not set at all
        assertEquals("a,dev,c", values.get("JOINED"));
        assertEquals("Shanghai", values.get("SECOND"));
        assertEquals(List.of("TABLE (Ref Table)", "QUEUE_ARN (Fn::GetAtt Queue.Arn)"), env.unresolved());
    }

    @Test
    void parameterOverridesChangeValuesAndConditions(@TempDir Path dir) throws IOException {
        SamTemplate template = template(dir);
        FunctionEnvironment env = FunctionEnvironment.resolve(template, template.function("Worker"),
                FunctionEnvironment.EnvVarsFile.NONE, Map.of("Stage", "prod", "Sender", "Winback"), "us-east-1");

        assertEquals("yes", env.variables().get("PROTECTED"));
        assertEquals("Winback", env.variables().get("PROD_SENDER"));
        UserError unknown = assertThrows(UserError.class, () -> FunctionEnvironment.resolve(template,
                template.function("Worker"), FunctionEnvironment.EnvVarsFile.NONE, Map.of("Stag", "prod"), "us-east-1"));
        assertTrue(unknown.getMessage().contains("no parameter 'Stag'; it has: Stage, Zone, Sender, NoDefault"),
                unknown.getMessage());
    }

    @Test
    void envVarsFileWinsFunctionSectionFirstAndSaysWhatItIgnores(@TempDir Path dir) throws IOException {
        SamTemplate template = template(dir);
        Path file = dir.resolve("env.json");
        Files.writeString(file, """
                {"Worker": {"TABLE": "state-1", "QUEUE_ARN": "arn:aws:sqs:eu-west-1:1:q", "ZONE": "UTC", "TYPO": "x"},
                 "Parameters": {"TABLE": "loses", "STAGE": "test", "SECRET": "s3cret"}}
                """);
        FunctionEnvironment.EnvVarsFile envVars = FunctionEnvironment.EnvVarsFile.read(file);

        FunctionEnvironment worker = FunctionEnvironment.resolve(template, template.function("Worker"), envVars,
                Map.of(), "us-east-1");
        assertEquals(List.of(), worker.unresolved());
        assertEquals("state-1", worker.variables().get("TABLE"));
        assertEquals("UTC", worker.variables().get("ZONE"));
        assertEquals("test", worker.variables().get("STAGE")); // "Parameters" applies to every function
        assertFalse(worker.variables().containsKey("TYPO"));
        assertEquals(List.of("--env-vars sets TYPO for Worker, which the template does not declare: ignored"),
                worker.notices());

        FunctionEnvironment other = FunctionEnvironment.resolve(template, template.function("Other"), envVars,
                Map.of(), "us-east-1");
        assertEquals("s3cret", other.variables().get("SECRET"));
        FunctionEnvironment withoutFile = FunctionEnvironment.resolve(template, template.function("Other"),
                FunctionEnvironment.EnvVarsFile.NONE, Map.of(), "us-east-1");
        assertEquals(List.of("SECRET (Ref NoDefault)"), withoutFile.unresolved()); // a parameter without a default
    }

    @Test
    void mistakesAreOneClearLine(@TempDir Path dir) throws IOException {
        SamTemplate template = template(dir);
        UserError unknown = assertThrows(UserError.class, () -> template.function("Wroker"));
        assertEquals("no function 'Wroker' in the template; its functions are: Worker, Other", unknown.getMessage());
        assertThrows(UserError.class, () -> template.function("Table")); // a resource, not a function

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"Worker\": [\"TABLE\"]}");
        UserError shape = assertThrows(UserError.class, () -> FunctionEnvironment.EnvVarsFile.read(bad));
        assertTrue(shape.getMessage().contains("\"Worker\" in " + bad + " must be an object"), shape.getMessage());
        Files.writeString(bad, "{not json");
        assertTrue(assertThrows(UserError.class, () -> FunctionEnvironment.EnvVarsFile.read(bad)).getMessage()
                .contains("is not JSON"));
    }

    /** The real template: every function's handler and the variables its wiring reads are found. */
    @Test
    void readsTheProjectsTemplate() throws IOException {
        Path file = Files.exists(Path.of("template.yaml")) ? Path.of("template.yaml") : Path.of("../template.yaml");
        SamTemplate template = SamTemplate.read(file);
        assertTrue(template.functionIds().containsAll(List.of("IngestFunction", "DeadlineCheckFunction",
                "DormantScanFunction", "DormantShardFunction", "ConversionFunction", "SegmentChangesFunction")));
        SamTemplate.FunctionDefinition ingest = template.function("IngestFunction");
        assertEquals("dev.winback.handlers.IngestHandler::handleRequest", ingest.handler());
        FunctionEnvironment env = FunctionEnvironment.resolve(template, ingest, FunctionEnvironment.EnvVarsFile.NONE,
                Map.of(), "us-east-1");
        assertEquals("winback-ingest", env.variables().get("POWERTOOLS_SERVICE_NAME"));
        assertEquals("Winback", env.variables().get("POWERTOOLS_METRICS_NAMESPACE")); // Globals
        assertEquals("dev", env.variables().get("WINBACK_STAGE"));
        assertEquals("Asia/Shanghai", env.variables().get("POLICY_TIME_ZONE"));
        assertTrue(env.unresolved().contains("STATE_TABLE (Ref StateTable)"), env.unresolved().toString());
        assertTrue(env.unresolved().contains("TIMER_QUEUE_ARN (Fn::GetAtt TimerQueue.Arn)"), env.unresolved().toString());
    }

    private static SamTemplate template(Path dir) throws IOException {
        Path file = dir.resolve("template.yaml");
        Files.writeString(file, TEMPLATE);
        return SamTemplate.read(file);
    }
}
