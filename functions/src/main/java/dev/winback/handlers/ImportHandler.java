package dev.winback.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import dev.winback.core.geo.Directory;
import dev.winback.core.geo.DirectoryFiles;
import dev.winback.core.geo.DirectoryImport;
import dev.winback.core.geo.DirectoryImports;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * ImportFunction: a directory file (D1) dropped under {@code imports/} of the import bucket, CSV or
 * JSON Lines by its name. The whole file is checked before anything is written; a file with any bad
 * line writes nothing and gets a report next to it, {@code <key>.errors.txt}, naming every bad line and
 * field (the first 50). An accepted file is written entry by entry with its placements (and a stale
 * report of an earlier rejected upload removed). A failed write throws: Lambda retries the event, and
 * writing the same file again only completes it.
 */
public final class ImportHandler implements RequestHandler<S3Event, String> {

    private static final Logger LOG = LoggerFactory.getLogger(ImportHandler.class);
    /** The report of a rejected file is this suffix after the file's key. */
    public static final String ERRORS_SUFFIX = ".errors.txt";
    static final int WRITE_PARALLELISM = 16;

    private final S3Client s3;
    private final Directory directory;
    private final GeoMetrics metrics;

    public ImportHandler() {
        this(Wiring.fromEnvironment());
    }

    private ImportHandler(Wiring wiring) {
        this(wiring.s3(), wiring.directoryWriter(), GeoMetrics.emf());
    }

    public ImportHandler(S3Client s3, Directory directory, GeoMetrics metrics) {
        this.s3 = s3;
        this.directory = directory;
        this.metrics = metrics;
    }

    @Override
    public String handleRequest(S3Event event, Context context) {
        return PowertoolsLogging.withLogging(context, () -> {
            StringBuilder summary = new StringBuilder();
            for (S3EventNotification.S3EventNotificationRecord record : event.getRecords()) {
                String bucket = record.getS3().getBucket().getName();
                // Keys arrive URL-encoded, spaces as '+'.
                String key = URLDecoder.decode(record.getS3().getObject().getKey(), StandardCharsets.UTF_8);
                summary.append(importFile(bucket, key)).append('\n');
            }
            return summary.toString().strip();
        });
    }

    private String importFile(String bucket, String key) {
        DirectoryFiles.Format format = DirectoryFiles.of(key);
        if (key.endsWith(ERRORS_SUFFIX) || format == null) {
            LOG.info("{} is not a directory file (.csv, .jsonl, .ndjson): ignored", key);
            return key + ": ignored";
        }
        DirectoryImport.Result result;
        try (Reader in = new InputStreamReader(s3.getObject(b -> b.bucket(bucket).key(key)), StandardCharsets.UTF_8)) {
            result = DirectoryFiles.read(format, in);
        } catch (NoSuchKeyException gone) {
            LOG.warn("{} was deleted before it could be imported", key);
            return key + ": gone";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + key, e);
        }
        if (!result.accepted()) {
            s3.putObject(b -> b.bucket(bucket).key(key + ERRORS_SUFFIX).contentType("text/plain; charset=utf-8"),
                    RequestBody.fromString(key + ": " + result.summary() + "\n", StandardCharsets.UTF_8));
            metrics.record(Map.of("ImportFilesRejected", 1, "ImportProblems", result.problemCount()));
            LOG.warn("{} rejected with {} problems, nothing imported; report: {}{}", key, result.problemCount(), key,
                    ERRORS_SUFFIX);
            return key + ": rejected, " + result.problemCount() + " problems";
        }
        DirectoryImports.Outcome outcome = DirectoryImports.write(directory, result.entries(), WRITE_PARALLELISM, null);
        s3.deleteObject(b -> b.bucket(bucket).key(key + ERRORS_SUFFIX)); // a report of an earlier rejected upload
        metrics.record(Map.of("ImportFilesAccepted", 1, "ImportEntriesCreated", outcome.created(),
                "ImportEntriesUpdated", outcome.updated(), "ImportEntriesUnchanged", outcome.unchanged()));
        LOG.info("{} imported: {} entries, {} new, {} updated, {} unchanged", key, outcome.total(), outcome.created(),
                outcome.updated(), outcome.unchanged());
        return key + ": imported " + outcome.total() + " (" + outcome.created() + " new, " + outcome.updated()
                + " updated, " + outcome.unchanged() + " unchanged)";
    }
}
