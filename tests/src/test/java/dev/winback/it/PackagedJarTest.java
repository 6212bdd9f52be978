package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.it.support.LogProbe;
import dev.winback.it.support.RepoRoot;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The jar Lambda runs (functions/target/winback-functions-lambda.jar, built before this module) on its
 * own: the shading must keep what is only found at run time, such as Log4j's plugin cache, without
 * which the functions would log nothing at all.
 */
class PackagedJarTest {

    @Test
    void theShadedJarWritesStructuredJsonLogs() throws Exception {
        Path jar = RepoRoot.get().resolve("functions/target/winback-functions-lambda.jar");
        assertThat(jar).exists();
        Path probeClasses = Paths.get(LogProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", jar + File.pathSeparator + probeClasses,
                LogProbe.class.getName(), "one").redirectErrorStream(true);
        builder.environment().put("LOG_LEVEL", "INFO"); // the build runs tests with WARN
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();

        assertThat(process.exitValue()).isZero();
        JsonNode line = new ObjectMapper().readTree(output.lines().reduce((a, b) -> b).orElse("{}"));
        assertThat(line.path("level").asText()).as(output).isEqualTo("INFO");
        assertThat(line.path("message").asText()).isEqualTo("probe 1");
        assertThat(line.has("function_request_id")).isTrue();
        assertThat(Files.size(jar)).isPositive();
    }
}
