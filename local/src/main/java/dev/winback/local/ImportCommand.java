package dev.winback.local;

import dev.winback.adapters.DynamoDirectory;
import dev.winback.core.geo.DirectoryFiles;
import dev.winback.core.geo.DirectoryImport;
import dev.winback.core.geo.DirectoryImports;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * {@code winback import}: a directory file (D1, CSV or JSON Lines) into a deployed stack's directory
 * table. The whole file is checked first: a file with any bad line writes nothing and every problem is
 * printed with its line and field (exit code 1). A good file is written entry by entry with its
 * geo-index placements, the same writes the stream's profile events make.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import B2B directory users (D1) from a CSV or JSON Lines file into the directory table: "
                + "all of the file, or nothing and the list of bad lines.",
                "Columns and rules: see DirectoryImport (README, 'Geo campaigns'). Uses the default AWS credentials "
                        + "and region, or --endpoint for an emulator."})
public final class ImportCommand implements Callable<Integer> {

    /** Entries written at once. */
    static final int PARALLELISM = 16;

    @Parameters(index = "0", paramLabel = "FILE", description = "A .csv, .jsonl or .ndjson file (UTF-8).")
    Path file;

    @Option(names = "--directory-table", required = true, paramLabel = "TABLE",
            description = "The stack's DirectoryTableName output.")
    String table;

    @Option(names = "--format", paramLabel = "FORMAT", description = "csv or jsonl, when the file name does not say.")
    String format;

    @Mixin
    DynamoDbTarget target = new DynamoDbTarget();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        DirectoryFiles.Format kind = format();
        DirectoryImport.Result result;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            result = DirectoryFiles.read(kind, in);
        } catch (NoSuchFileException e) {
            throw new WinbackCommand.UserError("no such file: " + file);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (!result.accepted()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(file + ": " + result.summary());
            err.flush();
            return 1;
        }
        String where = target.where(table);
        try (DynamoDbClient dynamo = target.client()) {
            DynamoDirectory directory = new DynamoDirectory(dynamo, table, null, PARALLELISM, Clock.systemUTC());
            DirectoryImports.Outcome outcome = DirectoryImports.write(directory, result.entries(), PARALLELISM, null);
            out.printf("imported %d directory entries into %s: %d new, %d updated, %d unchanged%n", outcome.total(), table,
                    outcome.created(), outcome.updated(), outcome.unchanged());
        } catch (ResourceNotFoundException e) {
            throw new WinbackCommand.UserError("directory table " + where + " not found");
        } catch (SdkException e) {
            throw new WinbackCommand.UserError("cannot write directory table " + where + ": " + e.getMessage()
                    + " (entries written so far stay; run the import again to complete it)");
        }
        out.flush();
        return 0;
    }

    private DirectoryFiles.Format format() {
        if (format == null) {
            DirectoryFiles.Format byName = DirectoryFiles.of(file.getFileName().toString());
            if (byName == null) {
                throw new WinbackCommand.UserError(file + ": name it .csv, .jsonl or .ndjson, or pass --format csv|jsonl");
            }
            return byName;
        }
        return switch (format.toLowerCase(java.util.Locale.ROOT)) {
            case "csv" -> DirectoryFiles.Format.CSV;
            case "jsonl", "ndjson", "json-lines" -> DirectoryFiles.Format.JSON_LINES;
            default -> throw new WinbackCommand.UserError("--format must be csv or jsonl, got '" + format + "'");
        };
    }
}
