package dev.winback.local.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.local.invoke.SamTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cold-start benchmark's set-up, without starting anything: samples, yardsticks and the runner jar. */
class ColdStartBenchTest {

    @Test
    void everyFunctionOfTheTemplateHasASampleThatExists() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        SamTemplate template = SamTemplate.read(root.resolve("template.yaml"));

        assertEquals(new TreeSet<>(template.functionIds()), new TreeSet<>(ColdStartBench.SAMPLES.keySet()));
        ColdStartBench.SAMPLES.values().forEach(file -> assertTrue(Files.isRegularFile(root.resolve("events").resolve(file)), file));
    }

    @Test
    void theBaselineTakesTheSameEventTypeAsTheFunction() throws Exception {
        String prefix = ColdStartBaseline.class.getName() + "$";
        assertEquals(prefix + "Kinesis::handleRequest", ColdStartBench.baselineHandler("dev.winback.handlers.IngestHandler::handleRequest"));
        assertEquals(prefix + "Sqs::handleRequest", ColdStartBench.baselineHandler("dev.winback.handlers.DeadlineCheckHandler::handleRequest"));
        assertEquals(prefix + "Dynamodb::handleRequest", ColdStartBench.baselineHandler("dev.winback.handlers.SegmentChangesHandler::handleRequest"));
        assertEquals(prefix + "S3::handleRequest", ColdStartBench.baselineHandler("dev.winback.handlers.ImportHandler::handleRequest"));
        assertEquals(prefix + "Scheduled::handleRequest", ColdStartBench.baselineHandler("dev.winback.handlers.DormantScanHandler::handleRequest"));
        assertEquals(prefix + "Stream::handleRequest", ColdStartBench.baselineHandler("dev.winback.handlers.CampaignHandler::handleRequest"));
    }

    @Test
    void theBaselineMakesTheCallsItIsGiven() {
        assertEquals(Map.of("dynamodb", 7, "sqs", 2), ColdStartBaseline.parse("dynamodb=7, sqs=2"));
        assertEquals(Map.of(), ColdStartBaseline.parse(""));
    }

    /** The runner jar holds what Lambda's runtime brings and no Winback function code: that must come from the packaged jar. */
    @Test
    void theRunnerJarHoldsTheRunnerAndLambdasSerializationOnly(@TempDir Path dir) throws Exception {
        try (JarFile jar = new JarFile(ColdStartBench.runnerJar(dir.resolve("runner.jar")).toFile())) {
            assertTrue(jar.getEntry("dev/winback/local/invoke/HandlerRunner.class") != null);
            assertTrue(jar.getEntry("dev/winback/local/bench/ColdStartBaseline$Kinesis.class") != null);
            assertTrue(jar.getEntry("com/amazonaws/services/lambda/runtime/serialization/events/LambdaEventSerializers.class") != null);
            assertTrue(jar.stream().noneMatch(e -> e.getName().startsWith("dev/winback/handlers/")
                    || e.getName().startsWith("dev/winback/core/") || e.getName().startsWith("software/amazon/awssdk/")));
        }
    }
}
