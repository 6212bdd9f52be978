package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.winback.it.support.RepoRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code winback} script typed from another folder, as a user with traces of their own would:
 * the paths on the command line are that folder's, and the repository's own files (template, prices,
 * default policies) are still found. Runs the packaged command (local/target/winback.jar, built before
 * this module), so it only runs when that jar is newer than the sources (else the script would build).
 */
class WinbackScriptTest {

    private final Path root = RepoRoot.get();

    @Test
    void pathsAreTheCallersAndTheRepositorysFilesAreStillFound(@TempDir Path folder) throws Exception {
        Assumptions.assumeTrue(packagedJarIsCurrent(), "local/target/winback.jar is older than the sources");

        Result generated = winback(folder, "generate", "--users", "20", "--days", "1", "--out", "mine.jsonl");
        assertThat(generated.exit()).as(generated.output()).isZero();
        assertThat(folder.resolve("mine.jsonl")).isNotEmptyFile();
        assertThat(root.resolve("mine.jsonl")).doesNotExist();

        Result simulated = winback(folder, "simulate", "--events", "mine.jsonl", "--out", "out", "--no-progress");
        assertThat(simulated.exit()).as(simulated.output()).isZero();
        assertThat(folder.resolve("out/decisions.jsonl")).exists();
        assertThat(folder.resolve("out/users.jsonl")).isNotEmptyFile();
        assertThat(root.resolve("out")).doesNotExist();

        // defaults in the repository: template.yaml and config/prices-us-east-1.yaml
        Result cost = winback(folder, "cost", "--events", "mine.jsonl", "--ingest-only");
        assertThat(cost.exit()).as(cost.output()).isZero();
        assertThat(cost.output()).contains("per million events");

        Result missing = winback(folder, "simulate", "--events", "nope.jsonl", "--out", "out2");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.output()).contains("winback: trace file not found: nope.jsonl");
    }

    private record Result(int exit, String output) {
    }

    private Result winback(Path folder, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("winback").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /** What the script checks before it builds: no source, pom or policy newer than the jar. */
    private boolean packagedJarIsCurrent() throws IOException {
        Path jar = root.resolve("local/target/winback.jar");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(root.resolve("local/target/dynamodb-local"))) {
            return false;
        }
        FileTime built = Files.getLastModifiedTime(jar);
        for (String watched : List.of("functions/src", "local/src", "config", "pom.xml", "functions/pom.xml", "local/pom.xml")) {
            try (Stream<Path> files = Files.walk(root.resolve(watched))) {
                if (files.anyMatch(f -> lastModified(f).compareTo(built) > 0)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static FileTime lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
