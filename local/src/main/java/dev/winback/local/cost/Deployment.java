package dev.winback.local.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.winback.local.WinbackCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the cost model needs to know about the stack, read from {@code template.yaml} itself so the
 * figures follow the template: each function's memory, architecture, tracing and event sources
 * (batch size, batching window), the number of alarms, topics, queues and tables, the stream's
 * capacity mode. CloudFormation's short tags ({@code !Ref}, {@code !GetAtt}) read as their
 * argument, which is all that is needed here.
 */
public record Deployment(Map<String, Function> functions, int alarms, int kmsKeys, int topics, int queues,
                         int tables, String streamMode, int logRetentionDays) {

    /** @param logLevel the function's {@code LOG_LEVEL} (its own log lines; Lambda's platform lines come regardless) */
    public record Function(String name, int memoryMb, String architecture, boolean tracing, String logLevel,
                           List<EventSource> events) {

        /** Whether the function writes its INFO lines (one per invocation for most handlers). */
        public boolean logsInfo() {
            return List.of("INFO", "DEBUG", "TRACE", "ALL").contains(logLevel.toUpperCase(java.util.Locale.ROOT));
        }

        public double memoryGb() {
            return memoryMb / 1024.0;
        }

        /** The function's event source of this type ({@code Kinesis}, {@code SQS}, {@code DynamoDB}). */
        public List<EventSource> eventsOfType(String type) {
            return events.stream().filter(e -> e.type().equals(type)).toList();
        }
    }

    /**
     * @param source  the logical id of the stream, queue or table the mapping reads
     * @param filters the mapping's filter patterns (Lambda event filtering); empty = every record
     */
    public record EventSource(String type, String source, int batchSize, int windowSeconds, List<String> filters) {

        public boolean filtered() {
            return !filters.isEmpty();
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public static Deployment load(Path template) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readAllBytes(template));
        } catch (NoSuchFileException e) {
            throw new WinbackCommand.UserError("template not found: " + template + " (pass --template FILE)");
        } catch (IOException e) {
            throw new WinbackCommand.UserError("cannot read template " + template + ": " + e.getMessage());
        }
        JsonNode globals = root.path("Globals").path("Function");
        Map<String, Function> functions = new LinkedHashMap<>();
        int alarms = 0, keys = 0, topics = 0, queues = 0, tables = 0;
        String streamMode = "PROVISIONED";
        for (Map.Entry<String, JsonNode> resource : root.path("Resources").properties()) {
            JsonNode properties = resource.getValue().path("Properties");
            switch (resource.getValue().path("Type").asText()) {
                case "AWS::Serverless::Function" -> functions.put(resource.getKey(),
                        function(resource.getKey(), properties, globals));
                case "AWS::CloudWatch::Alarm" -> alarms++;
                case "AWS::KMS::Key" -> keys++;
                case "AWS::SNS::Topic" -> topics++;
                case "AWS::SQS::Queue" -> queues++;
                case "AWS::DynamoDB::Table" -> tables++;
                case "AWS::Kinesis::Stream" ->
                        streamMode = properties.path("StreamModeDetails").path("StreamMode").asText("PROVISIONED");
                default -> { }
            }
        }
        if (functions.isEmpty()) {
            throw new WinbackCommand.UserError(template + ": no AWS::Serverless::Function resources");
        }
        int retention = root.path("Parameters").path("LogRetentionDays").path("Default").asInt(30);
        return new Deployment(Map.copyOf(functions), alarms, keys, topics, queues, tables, streamMode, retention);
    }

    private static Function function(String name, JsonNode properties, JsonNode globals) {
        int memory = properties.path("MemorySize").asInt(globals.path("MemorySize").asInt(128));
        JsonNode architectures = properties.has("Architectures") ? properties.get("Architectures")
                : globals.path("Architectures");
        String architecture = architectures.isArray() && !architectures.isEmpty() ? architectures.get(0).asText() : "x86_64";
        String tracing = properties.path("Tracing").asText(globals.path("Tracing").asText("PassThrough"));
        // log4j2.xml: the dev.winback loggers log at ${LOG_LEVEL}, INFO when it is not set.
        String logLevel = properties.at("/Environment/Variables/LOG_LEVEL")
                .asText(globals.at("/Environment/Variables/LOG_LEVEL").asText("INFO"));
        List<EventSource> events = new ArrayList<>();
        for (Map.Entry<String, JsonNode> event : properties.path("Events").properties()) {
            String type = event.getValue().path("Type").asText();
            JsonNode p = event.getValue().path("Properties");
            String source = p.has("Stream") ? p.get("Stream").asText() : p.path("Queue").asText("");
            List<String> filters = new ArrayList<>();
            p.at("/FilterCriteria/Filters").forEach(filter -> filters.add(filter.path("Pattern").asText()));
            events.add(new EventSource(type, source.replace(".Arn", "").replace(".StreamArn", ""),
                    p.path("BatchSize").asInt(defaultBatchSize(type)), p.path("MaximumBatchingWindowInSeconds").asInt(0),
                    List.copyOf(filters)));
        }
        return new Function(name, memory, architecture, "Active".equals(tracing), logLevel, List.copyOf(events));
    }

    /** Lambda's defaults when the template leaves BatchSize out. */
    private static int defaultBatchSize(String type) {
        return switch (type) {
            case "Kinesis", "DynamoDB" -> 100;
            case "SQS" -> 10;
            default -> 1;
        };
    }

    public Function function(String name) {
        Function function = functions.get(name);
        if (function == null) {
            throw new WinbackCommand.UserError("the template has no function '" + name + "'");
        }
        return function;
    }

    /** Functions whose event source is an SQS queue: each mapping long-polls its queue, even idle. */
    public int sqsMappings() {
        return (int) functions.values().stream().mapToLong(f -> f.eventsOfType("SQS").size()).sum();
    }

    /** Standard (polling) consumers of the behavior stream: each reads every record once. */
    public int streamConsumers() {
        return (int) functions.values().stream().mapToLong(f -> f.eventsOfType("Kinesis").size()).sum();
    }
}
