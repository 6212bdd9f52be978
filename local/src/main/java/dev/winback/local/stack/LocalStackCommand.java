package dev.winback.local.stack;

import dev.winback.local.Home;
import dev.winback.local.WinbackCommand.UserError;
import dev.winback.local.invoke.ParameterOverrides;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What {@code up} and {@code serve} share: deploying, running the stack, the summary and the console. */
abstract class LocalStackCommand {

    @Option(names = "--stack-name", paramLabel = "NAME", defaultValue = "winback-local",
            description = "CloudFormation stack name on the emulator (default: ${DEFAULT-VALUE}).")
    String stackName;

    @Option(names = "--parameter-overrides", paramLabel = "NAME=VALUE",
            description = "Template parameters, e.g. PolicyTimeZone=Europe/London (repeat or separate by spaces).")
    List<String> parameterOverrides = new ArrayList<>();

    @Option(names = "--region", paramLabel = "REGION", defaultValue = "us-east-1",
            description = "AWS region of the emulated stack (default: ${DEFAULT-VALUE}).")
    String region;

    @Spec
    CommandSpec spec;

    /** The repository root: the winback script runs from it. */
    static Path root() {
        Path root = Home.path("").toAbsolutePath();
        if (!Files.isRegularFile(root.resolve("infra/local-deploy.py")) || !Files.isRegularFile(root.resolve("template.yaml"))) {
            throw new UserError("run it from the repository root (./winback up): no infra/local-deploy.py and template.yaml in " + root);
        }
        return root;
    }

    /** Deploys and runs the stack on this emulator until Ctrl-C (or 'quit'); {@code onStop} runs last. */
    int runUntilStopped(Path root, URI endpoint, Runnable onStop, String emulatorNote) {
        PrintWriter out = spec.commandLine().getOut();
        LocalStack.Options options = LocalStack.Options.defaults(line -> {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        }).withStackName(stackName).withParameters(ParameterOverrides.parse(parameterOverrides)).withRegion(region);
        out.println("winback: deploying template.yaml to " + endpoint + " as stack " + stackName + "...");
        out.flush();
        long started = System.nanoTime();
        LocalStack stack;
        try {
            stack = LocalStack.start(root, endpoint, options);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // The deployment or a function's start-up failed: its reasons, not a stack trace.
            throw new UserError(e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean closed = new AtomicBoolean();
        Runnable stop = () -> {
            if (closed.compareAndSet(false, true)) {
                out.println("winback: stopping the mappings and schedules...");
                out.flush();
                stack.close();
                onStop.run();
                out.println("winback: stopped");
                out.flush();
                stopped.countDown();
            }
        };
        Thread hook = new Thread(stop, "local-stack-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        summary(out, stack, emulatorNote, (System.nanoTime() - started) / 1_000_000);
        console(stack, out, stop);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is running
        }
        return 0;
    }

    private void summary(PrintWriter out, LocalStack local, String emulatorNote, long millis) {
        StackDeployment.DeployedStack stack = local.stack();
        URI endpoint = local.endpoint();
        out.printf("%nWinback local stack ready in %.1f s: %s on %s%s%n", millis / 1000.0, stack.name(), endpoint, emulatorNote);
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put("behavior stream", "BehaviorStreamName");
        shown.put("state table", "StateTableName");
        shown.put("ledger table", "LedgerTableName");
        shown.put("directory table", "DirectoryTableName");
        shown.put("coupons topic", "CouponsTopicArn");
        shown.put("notifications topic", "NotificationsTopicArn");
        shown.put("quarantine queue", "QuarantineQueueUrl");
        shown.put("timer queue", "TimerQueueUrl");
        shown.forEach((label, output) -> {
            String value = stack.outputs().get(output);
            if (value != null) {
                out.printf("  %-20s %s%n", label, value);
            }
        });
        out.printf("  %-20s %s%n", "functions (here)", String.join(", ", local.functions().keySet()));
        out.printf("  %-20s %s%n", "mappings (here)", String.join(", ", local.mappings()));
        for (Schedules.Scheduled schedule : local.schedules().list()) {
            out.printf("  %-20s %s %s (%s) -> %s%n", "schedule (here)", schedule.logicalId(), schedule.expression(),
                    schedule.zone(), schedule.target().logicalId());
        }
        String stream = stack.outputs().getOrDefault("BehaviorStreamName", "<stream>");
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        out.println();
        out.println("Put an event on the stream (any credentials work; AWS CLI v2):");
        out.printf("  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws --endpoint-url %s --region %s \\%n", endpoint, region);
        out.printf("    kinesis put-record --stream-name %s --partition-key u-1 --cli-binary-format raw-in-base64-out \\%n", stream);
        out.printf("    --data '{\"eventId\":\"e-1\",\"type\":\"app_open\",\"userId\":\"u-1\",\"occurredAt\":\"%s\",\"sessionId\":\"s-1\"}'%n", now);
        out.println("Read state: ... dynamodb scan --table-name " + stack.outputs().getOrDefault("StateTableName", "<table>"));
        if (!local.schedules().list().isEmpty()) {
            out.println("Type 'scan' + Enter to run the dormant scan now; Ctrl-C (or 'quit') stops.");
        } else {
            out.println("Ctrl-C (or 'quit') stops.");
        }
        out.println("One line per batch follows.");
        out.flush();
    }

    /** Reads commands from stdin when there is one: 'scan' fires the function schedules now, 'quit' stops. */
    private static void console(LocalStack stack, PrintWriter out, Runnable stop) {
        Thread console = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    String command = line.strip();
                    if (command.equals("scan") || command.equals("run")) {
                        for (Schedules.Scheduled schedule : stack.schedules().list()) {
                            try {
                                stack.schedules().fire(schedule.logicalId(), Instant.now());
                            } catch (Exception alreadyLogged) {
                                // the schedule printed its failure
                            }
                        }
                    } else if (command.equals("quit") || command.equals("exit")) {
                        new Thread(stop, "local-stack-stop").start();
                        return;
                    } else if (!command.isEmpty()) {
                        synchronized (out) {
                            out.println("commands: scan (run the dormant scan now), quit");
                            out.flush();
                        }
                    }
                }
            } catch (IOException closed) {
                // no console: run until Ctrl-C
            }
        }, "local-stack-console");
        console.setDaemon(true);
        console.start();
    }

}
