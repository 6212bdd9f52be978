package dev.winback.local.stack;

import dev.winback.local.WinbackCommand.UserError;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code winback serve}: {@code up} against a MiniStack that is already running (started by hand, by
 * another {@code up}, or kept across restarts of the functions). Deploys the template to it (an
 * existing stack is updated, or left alone when unchanged) and runs the functions; the emulator and
 * its data stay when this stops.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Like up, against a MiniStack already running: deploy (or update) the",
                "stack there and run every function here until Ctrl-C; the emulator stays.",
                "  serve [--endpoint http://127.0.0.1:4566] [--stack-name winback-local]"})
public final class ServeCommand extends LocalStackCommand implements Callable<Integer> {

    @Option(names = "--endpoint", paramLabel = "URL", defaultValue = "http://127.0.0.1:4566",
            description = "The running emulator (default: ${DEFAULT-VALUE}).")
    URI endpoint;

    @Override
    public Integer call() {
        Path root = root();
        if (!Emulator.isReady(endpoint)) {
            throw new UserError("no MiniStack answers at " + endpoint + ": start one (./winback up starts its own, "
                    + "or .venv/bin/ministack with GATEWAY_PORT and BIND_HOST=127.0.0.1) or give --endpoint");
        }
        return runUntilStopped(root, endpoint, () -> { }, " (MiniStack left running)");
    }
}
