package dev.winback.local;

import dev.winback.core.policy.PolicyException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./winback}: run Winback on a laptop, no AWS account and no Docker needed. */
@Command(name = "winback", mixinStandardHelpOptions = true, version = "winback 0.1.0",
        description = "Serverless user recall engine: local demo and simulation.",
        subcommands = {DemoCommand.class, SimulateCommand.class, ReportCommand.class, BacktestCommand.class, BenchCommand.class,
                SuppressCommand.class, GenerateCommand.class, ImportCommand.class,
                dev.winback.local.invoke.InvokeCommand.class, dev.winback.local.cost.CostCommand.class,
                dev.winback.local.stack.UpCommand.class, dev.winback.local.stack.ServeCommand.class,
                CommandLine.HelpCommand.class})
public final class WinbackCommand {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new WinbackCommand())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    // A bad file or policy is the user's to fix: one clear line, no stack trace.
                    if (e instanceof PolicyException || e instanceof java.io.IOException
                            || e instanceof UserError) {
                        cmd.getErr().println("winback: " + e.getMessage());
                        return 2;
                    }
                    throw e;
                });
    }

    /** A mistake in what the user asked for, reported as one line. */
    public static final class UserError extends RuntimeException {
        public UserError(String message) {
            super(message);
        }
    }
}
