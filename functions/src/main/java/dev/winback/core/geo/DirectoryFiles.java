package dev.winback.core.geo;

import java.io.Reader;
import java.util.Locale;

/**
 * Which {@link DirectoryImport} reader a file is for, by its name: {@code .csv} is CSV, {@code .jsonl}
 * and {@code .ndjson} are JSON Lines. The same rule for {@code ./winback import} and for files dropped
 * under {@code imports/} in AWS.
 */
public final class DirectoryFiles {

    private DirectoryFiles() {
    }

    public enum Format { CSV, JSON_LINES }

    /** The format of a file name, or null when the name says neither. */
    public static Format of(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return Format.CSV;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return Format.JSON_LINES;
        }
        return null;
    }

    /** Reads and checks a whole file (all or nothing, see {@link DirectoryImport}). */
    public static DirectoryImport.Result read(Format format, Reader in) {
        return format == Format.CSV ? DirectoryImport.csv(in) : DirectoryImport.jsonLines(in);
    }
}
