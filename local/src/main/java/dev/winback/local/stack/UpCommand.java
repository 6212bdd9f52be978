package dev.winback.local.stack;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code winback up}: the whole stack on this machine without Docker or an AWS account. Starts a
 * MiniStack on 127.0.0.1, deploys template.yaml to it and runs every function here ({@link LocalStack})
 * until Ctrl-C, then stops the emulator (its state goes with it).
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Start MiniStack on 127.0.0.1, deploy template.yaml to it, and run every",
                "function here: the Kinesis, DynamoDB-stream and SQS mappings and the dormant",
                "scan schedule, with the deployed settings. Ctrl-C stops it all.",
                "  up [--port 4566] [--parameter-overrides PolicyTimeZone=Europe/London]"})
public final class UpCommand extends LocalStackCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "4566",
            description = "Port of the emulator on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() {
        Path root = root();
        Path log = root.resolve("local/target/ministack-" + port + ".log");
        spec.commandLine().getOut().println("winback: starting MiniStack on 127.0.0.1:" + port + " (log: " + root.relativize(log) + ")...");
        spec.commandLine().getOut().flush();
        Emulator emulator;
        try {
            emulator = Emulator.start(root, port, region, log);
        } catch (IllegalStateException e) {
            throw new dev.winback.local.WinbackCommand.UserError(e.getMessage());
        }
        try {
            return runUntilStopped(root, emulator.endpoint(), emulator::close, " (MiniStack started here, stopped on exit)");
        } catch (RuntimeException e) {
            emulator.close();
            throw e;
        }
    }
}
