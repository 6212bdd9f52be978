package dev.winback.local;

import dev.winback.adapters.DynamoSuppressionList;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code winback suppress}: the operators' suppression list (C6) in a deployed stack's ledger table.
 * Listed users get no recall, reminder, scenario or journey message; their decisions are recorded as
 * {@code suppressed}, reason {@code suppression_list}.
 */
@Command(name = "suppress", mixinStandardHelpOptions = true,
        description = {"Keep the suppression list (C6): users who must never be messaged, whatever their consent.",
                "  suppress add USER... [--reason R]   suppress remove USER...   suppress list",
                "Uses the default AWS credentials and region, or --endpoint for an emulator."})
public final class SuppressCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ACTION", description = "add, remove or list.")
    String action;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "USER", description = "User ids.")
    List<String> users = new ArrayList<>();

    @Option(names = "--file", paramLabel = "FILE", description = "More user ids, one per line ('#' starts a comment).")
    Path file;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why (kept with each entry). Never put contact data here.")
    String reason;

    @Option(names = "--ledger-table", required = true, paramLabel = "NAME",
            description = "The stack's LedgerTableName output.")
    String table;

    @Mixin
    DynamoDbTarget target = new DynamoDbTarget();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<String> ids = ids();
        PrintWriter out = spec.commandLine().getOut();
        try (DynamoDbClient dynamo = target.client()) {
            DynamoSuppressionList list = new DynamoSuppressionList(dynamo, table);
            switch (action) {
                case "add" -> {
                    requireIds(ids);
                    ids.forEach(id -> list.add(id, reason, Clock.systemUTC().instant()));
                    out.println("suppressed " + ids.size() + " user(s)");
                }
                case "remove" -> {
                    requireIds(ids);
                    ids.forEach(list::remove);
                    out.println("removed " + ids.size() + " user(s) from the suppression list");
                }
                case "list" -> list.list().stream().sorted(Comparator.comparing(DynamoSuppressionList.Entry::userId))
                        .forEach(e -> out.println(e.userId() + "\t" + e.addedAt() + "\t" + e.reason()));
                default -> throw new WinbackCommand.UserError("suppress: unknown action '" + action
                        + "' (use add, remove or list)");
            }
        }
        out.flush();
        return 0;
    }

    private List<String> ids() throws IOException {
        List<String> ids = new ArrayList<>(users);
        if (file != null) {
            ids.addAll(idsIn(file));
        }
        return ids;
    }

    /** User ids in a file, one per line; blank lines and {@code #} comments are skipped. */
    static List<String> idsIn(Path file) throws IOException {
        List<String> ids = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String id = line.replaceFirst("#.*", "").strip();
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** The simulator's suppression list from such a file; none without one. */
    static dev.winback.core.recall.SuppressionList readList(Path file) throws IOException {
        if (file == null) {
            return dev.winback.core.recall.SuppressionList.NONE;
        }
        java.util.Set<String> listed = java.util.Set.copyOf(idsIn(file));
        return listed::contains;
    }

    private void requireIds(List<String> ids) {
        if (ids.isEmpty()) {
            throw new WinbackCommand.UserError("suppress " + action + ": name at least one user id (or --file)");
        }
    }
}
