package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.winback.adapters.DynamoDirectory;
import dev.winback.core.geo.Directory;
import dev.winback.core.geo.DirectoryEntry;
import dev.winback.core.geo.DirectoryIndex;
import dev.winback.handlers.GeoMetrics;
import dev.winback.handlers.ImportHandler;
import dev.winback.it.support.DynamoCalls;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.GeoFixtures;
import dev.winback.it.support.RepoRoot;
import dev.winback.it.support.TemplateRoles;
import dev.winback.local.LocalContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * ImportFunction's handler fed by {@code events/s3-import.json} with the object in MiniStack's S3 and
 * the directory on DynamoDB Local: a good file is imported whole with its placements; a file with bad
 * lines imports nothing and gets {@code <key>.errors.txt} naming each line and field; the fixed file
 * is imported and the stale report removed; reports and foreign files never trigger an import.
 */
class ImportHandlerTest {

    private static final String KEY = "imports/directory-2026-10-23.csv";

    private final DynamoDbClient dynamo = DynamoDbLocal.client();
    private final DynamoCalls calls = new DynamoCalls();
    private final DynamoDbClient recorded = DynamoDbLocal.configure(DynamoDbClient.builder())
            .overrideConfiguration(c -> c.addExecutionInterceptor(calls)).build();
    private final S3Client s3 = Fixtures.s3();
    private String bucket;
    private String table;
    private ImportHandler handler;

    @BeforeEach
    void bucketAndTable() {
        S3Event sample = event(KEY);
        bucket = sample.getRecords().get(0).getS3().getBucket().getName();
        try {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (S3Exception alreadyThere) {
            // made by an earlier test of this JVM
        }
        s3.deleteObject(b -> b.bucket(bucket).key(KEY + ImportHandler.ERRORS_SUFFIX));
        table = GeoFixtures.directoryTable(dynamo);
        handler = new ImportHandler(s3, new DynamoDirectory(recorded, table, null), GeoMetrics.none());
    }

    @AfterEach
    void close() {
        dynamo.close();
        recorded.close();
        s3.close();
    }

    private void upload(String content) {
        s3.putObject(b -> b.bucket(bucket).key(KEY), RequestBody.fromString(content, StandardCharsets.UTF_8));
    }

    private static String sampleFile() throws IOException {
        return Files.readString(RepoRoot.get().resolve("events/directory-import.csv"));
    }

    /** The sample event, with another key when asked (S3 sends keys URL-encoded). */
    private static S3Event event(String key) {
        try {
            String text = Files.readString(RepoRoot.get().resolve("events/s3-import.json"))
                    .replace("\"" + KEY + "\"", "\"" + key + "\"");
            Path file = Files.createTempFile("s3-import", ".json");
            Files.writeString(file, text);
            return EventLoader.loadS3Event(file.toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String invoke(String key) {
        return handler.handleRequest(event(key), new LocalContext("ImportFunction"));
    }

    private int items() {
        return dynamo.scan(b -> b.tableName(table).select("COUNT")).count();
    }

    private String report() {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(KEY + ImportHandler.ERRORS_SUFFIX)).asUtf8String();
    }

    @Test
    void aGoodFileIsImportedWholeWithItsPlacements() throws IOException {
        upload(sampleFile());

        assertThat(invoke(KEY)).isEqualTo(KEY + ": imported 20 (20 new, 0 updated, 0 unchanged)");

        Map<String, Directory.Stored> entries = new DynamoDirectory(dynamo, table, null)
                .load(IntStream.range(0, 20).mapToObj(i -> String.format("u-3%03d", i)).toList());
        assertThat(entries).hasSize(20);
        DirectoryEntry first = entries.get("u-3000").entry();
        assertThat(first.categories()).containsExactly("废钢", "废铜");
        assertThat(first.features()).containsEntry("monthlyTons", 20.0);
        int placements = entries.values().stream().mapToInt(s -> DirectoryIndex.keysOf(s.entry()).size()).sum();
        assertThat(items()).isEqualTo(20 + placements);
        assertThat(invoke(KEY)).as("the same file again").isEqualTo(KEY + ": imported 20 (0 new, 0 updated, 20 unchanged)");
    }

    @Test
    void aFileWithBadLinesImportsNothingAndGetsAReportNamingEachLineAndField() throws IOException {
        String[] lines = sampleFile().split("\n");
        lines[4] = lines[4].replace(",41.", ",91."); // line 5: lat out of range
        lines[9] = lines[9].replace(",supplier,", ",trader,"); // line 10: unknown role
        upload(String.join("\n", lines) + "\n");

        assertThat(invoke(KEY)).isEqualTo(KEY + ": rejected, 2 problems");

        assertThat(items()).isZero();
        assertThat(report()).contains("rejected: 2 problems, nothing imported")
                .contains("line 5: lat: must be within [-90, 90]")
                .contains("line 10: role: must be supplier or buyer, got 'trader'");

        upload(sampleFile()); // fixed
        assertThat(invoke(KEY)).startsWith(KEY + ": imported 20");
        assertThat(items()).isGreaterThan(20);
        org.assertj.core.api.Assertions.assertThatThrownBy(this::report).isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void reportsAndOtherFilesAreNotImports() {
        assertThat(invoke(KEY + ImportHandler.ERRORS_SUFFIX)).endsWith(": ignored");
        assertThat(invoke("imports/notes.txt")).endsWith(": ignored");
        assertThat(items()).isZero();
    }

    @Test
    void aKeyWithSpacesArrivesUrlEncodedAndIsFound() throws IOException {
        String key = "imports/crm export 10-23.csv";
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(sampleFile(), StandardCharsets.UTF_8));

        assertThat(invoke("imports/crm+export+10-23.csv")).startsWith(key + ": imported 20");
    }

    @Test
    void everyCallIsOneTheFunctionsRoleAllows() throws IOException {
        upload(sampleFile());
        invoke(KEY);
        invoke(KEY);

        TemplateRoles role = TemplateRoles.of("ImportFunctionRole");
        assertThat(calls.calls()).extracting(DynamoCalls.Call::operation).contains("BatchGetItem", "PutItem");
        assertThat(calls.calls()).allSatisfy(call -> assertThat(role.refusal(call, Map.of(table, "DirectoryTable"))).isNull());
        assertThat(List.of(calls.requests().keySet().toArray())).doesNotContain("Scan", "Query");
    }
}
