package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.winback.adapters.DynamoSuppressionList;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.Fixtures;
import dev.winback.local.WinbackCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The suppression list (C6) in the ledger table, kept with {@code ./winback suppress}, on DynamoDB Local. */
class SuppressionListTest {

    private final DynamoDbClient dynamo = DynamoDbLocal.client();
    private final String table = Fixtures.ledgerTable(dynamo);
    private final DynamoSuppressionList list = new DynamoSuppressionList(dynamo, table);

    @Test
    void theCommandAddsListsAndRemovesUsersTheFunctionsThenSee(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("staff.txt");
        Files.writeString(file, "# staff accounts\nu-staff-1\n\nu-staff-2  # QA\n");

        assertThat(run("add", "u-complaint", "--reason", "complaint 2026-11-20")).isEqualTo("suppressed 1 user(s)\n");
        assertThat(run("add", "--file", file.toString(), "--reason", "staff")).isEqualTo("suppressed 2 user(s)\n");

        assertThat(list.isSuppressed("u-complaint")).isTrue();
        assertThat(list.isSuppressed("u-staff-2")).isTrue();
        assertThat(list.isSuppressed("u-customer")).isFalse();
        assertThat(run("list").lines().map(line -> line.split("\t")[0] + " " + line.split("\t")[2]))
                .containsExactly("u-complaint complaint 2026-11-20", "u-staff-1 staff", "u-staff-2 staff");

        assertThat(run("remove", "u-staff-1")).isEqualTo("removed 1 user(s) from the suppression list\n");
        assertThat(list.isSuppressed("u-staff-1")).isFalse();
        assertThat(list.list()).extracting(DynamoSuppressionList.Entry::userId)
                .containsExactlyInAnyOrder("u-complaint", "u-staff-2");
    }

    @Test
    void entriesLiveBesideTheUsersOtherLedgerItemsAndAreNotConfusedWithThem() {
        new dev.winback.adapters.DynamoDecisionLog(dynamo, table).record(new dev.winback.core.recall.Decision("d-1",
                "u-9", "deadline", java.time.Instant.parse("2026-11-22T02:00:00Z"),
                dev.winback.core.recall.Decision.Outcome.SENT, java.util.List.of(), null, java.util.List.of("sms"),
                java.util.Map.of()));

        assertThat(list.isSuppressed("u-9")).isFalse();
        assertThat(list.list()).isEmpty();
    }

    @Test
    void aMistakeIsOneClearLine() {
        StringWriter err = new StringWriter();
        CommandLine cli = WinbackCommand.commandLine();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("suppress", "add", "--ledger-table", table, "--endpoint", DynamoDbLocal.endpoint().toString(),
                "--region", "us-east-1");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("winback: suppress add: name at least one user id (or --file)\n");
    }

    private String run(String... args) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("suppress"));
        all.addAll(java.util.List.of(args));
        all.addAll(java.util.List.of("--ledger-table", table, "--endpoint", DynamoDbLocal.endpoint().toString(),
                "--region", "us-east-1"));
        StringWriter out = new StringWriter();
        CommandLine cli = WinbackCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute(all.toArray(String[]::new))).isZero();
        return out.toString();
    }

    static {
        // The command takes credentials from the SDK's default chain, as an operator's shell would.
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
    }
}
